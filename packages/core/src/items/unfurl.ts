/** Unfurling an item's page for title, description, image (issue #4 fills this in). */
import type { Ctx } from "../context.js";

export async function unfurlItem(_ctx: Ctx, _itemId: string): Promise<void> {}

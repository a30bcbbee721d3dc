/** Default sources seeded on first start (issue #3 fills this in). */
import type { Ctx } from "../context.js";

/** Seeds the sources of `file` (the bundled list when undefined, nothing for "none") once per table. */
export async function seedSources(_ctx: Ctx, _file: string | undefined): Promise<{ seeded: number }> {
  return { seeded: 0 };
}

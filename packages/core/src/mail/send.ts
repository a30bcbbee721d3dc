/** Sending an issue to every confirmed subscriber, exactly once each (issue #6 fills this in). */
import type { Ctx } from "../context.js";

export async function runSend(_ctx: Ctx, _issueNumber: number): Promise<void> {}

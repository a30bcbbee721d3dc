/** Sending an issue to every confirmed subscriber, exactly once each (issue #6 fills this in). */
import type { Ctx } from "../context.js";

export async function runSend(_ctx: Ctx, _issueNumber: number): Promise<void> {}

/** Issues left in "sending" by a crash or restart: resumed at start-up (locally) or by the queue's retry (AWS). */
export async function resumeSends(_ctx: Ctx): Promise<number[]> {
  return [];
}

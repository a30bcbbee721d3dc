/**
 * The hourly poll tick, the same in both runtimes (functions/poll-schedule.ts on AWS, the local
 * runtime's cron): one poll job per due source (SQS: in batches of 10), each source polled by its
 * own job; then the one
 * part of a score that moves with time, the deadlines of competitions (items/rank.ts), and the
 * used competitions whose deadline is near come back as candidates (items/reminders.ts).
 */
import type { Ctx } from "../context.js";
import { refreshDeadlines } from "../items/rank.js";
import { remindDeadlines } from "../items/reminders.js";
import { enqueueAll } from "../jobs/index.js";
import { dueSourceIds } from "./poll.js";

export interface TickResult {
  due: number;
  /** Poll jobs that could not be enqueued (the tick fails with them, so it is retried). */
  errors: unknown[];
  /** Competitions whose deadline part of the score moved. */
  rescored: number;
  /** Used competitions brought back as candidates because their deadline is near (items/reminders.ts). */
  reminded: number;
}

export async function pollTick(ctx: Ctx): Promise<TickResult> {
  const ids = await dueSourceIds(ctx);
  const errors = await enqueueAll(
    ctx.jobs,
    "poll",
    ids.map((sourceId) => ({ sourceId })),
  );
  let rescored = 0;
  try {
    rescored = await refreshDeadlines(ctx);
  } catch (e) {
    // Polls matter more than the order of a listing: said, and tried again next hour.
    ctx.log.warn("could not refresh competition deadlines in scores", { error: e });
  }
  let reminded = 0;
  try {
    reminded = await remindDeadlines(ctx);
  } catch (e) {
    // Likewise: the next tick reminds what this one could not.
    ctx.log.warn("could not bring back competitions whose deadline is near", { error: e });
  }
  return { due: ids.length, errors, rescored, reminded };
}

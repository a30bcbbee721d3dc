/**
 * Deadline reminders (issue 13, item 5): a competition already sent in an issue (status `used`)
 * comes back among the candidates (`new`) marked "deadline in N days" once its deadline is
 * `DEADLINE_REMINDER_DAYS` away or fewer, once per deadline (`reminder.deadline`). Run by the
 * hourly poll tick. The used competitions are read soonest deadline first from the deadline
 * order of the status-and-kind index (from now on, never a scan), so a run stops at the first one
 * beyond the window; the status change is conditional on `used`, so two runs remind once.
 */
import type { Ctx } from "../context.js";
import type { Item } from "../model/index.js";

const DAY_MS = 24 * 60 * 60 * 1000;
const PAGE = 100;

/** Whole days left, rounded up (a deadline 30 hours away is "in 2 days"). */
export const daysUntil = (deadline: string, now: Date): number =>
  Math.ceil((Date.parse(deadline) - now.getTime()) / DAY_MS);

/** Whether a used competition is due a reminder now (its deadline ahead, within the window, not reminded for it). */
export function dueForReminder(item: Item, now: Date, windowDays: number): boolean {
  if (item.kind !== "competition" || item.status !== "used" || !item.deadline) return false;
  const t = Date.parse(item.deadline);
  if (Number.isNaN(t) || t <= now.getTime() || t > now.getTime() + windowDays * DAY_MS) return false;
  // Not started yet: nothing to enter before the deadline.
  if (item.startsAt && Date.parse(item.startsAt) > now.getTime()) return false;
  return item.reminder?.deadline !== item.deadline;
}

/** Brings back the used competitions whose deadline is near; how many came back. */
export async function remindDeadlines(ctx: Ctx): Promise<number> {
  const windowDays = ctx.config.deadlineReminderDays;
  if (windowDays <= 0) return 0;
  const now = ctx.now();
  const horizon = now.getTime() + windowDays * DAY_MS;
  let reminded = 0;
  let cursor: string | null = null;
  do {
    const page: { items: Item[]; nextCursor: string | null } = await ctx.store.items.list({
      status: "used",
      kind: "competition",
      order: "deadline",
      openAt: now.toISOString(),
      limit: PAGE,
      cursor,
    });
    for (const item of page.items) {
      // Soonest first: past the window, so is the rest.
      if (item.deadline && Date.parse(item.deadline) > horizon) return reminded;
      if (!dueForReminder(item, now, windowDays)) continue;
      const reminder = {
        deadline: item.deadline!,
        deadlineInDays: daysUntil(item.deadline!, now),
        at: now.toISOString(),
      };
      if (await ctx.store.items.update(item, { status: "new", reminder })) {
        reminded++;
        ctx.log.info("competition deadline reminder", {
          itemId: item.id,
          deadlineInDays: reminder.deadlineInDays,
        });
      }
    }
    cursor = page.nextCursor;
  } while (cursor);
  return reminded;
}

import { startTestEnv, type TestEnv } from "@wkn/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Ctx } from "../context.js";
import { competitionCandidate } from "../sources/adapters/competition.js";
import { pollTick } from "../sources/tick.js";
import { canonicalUrl, urlHash } from "../url/canonical.js";
import { candidateToItem } from "./candidates.js";
import { remindDeadlines } from "./reminders.js";

const DAY = 24 * 60 * 60 * 1000;
const NOW = new Date("2026-10-01T00:00:00Z");
const inDays = (n: number) => new Date(NOW.getTime() + n * DAY).toISOString();

let env: TestEnv;
beforeAll(async () => {
  env = await startTestEnv();
});
afterAll(async () => {
  await env.close();
});

/** A competition item with `status`, as a poll would have stored it (then sent, for `used`). */
async function competition(
  ctx: Ctx,
  slug: string,
  deadline: string | null,
  status: "used" | "new" = "used",
  startsAt = inDays(-30),
) {
  const url = `https://www.kaggle.com/competitions/${slug}`;
  const candidate = competitionCandidate({
    title: slug,
    url,
    platform: "Kaggle",
    organiser: null,
    startsAt,
    deadline,
    reward: "$1,000",
    tags: [],
    open: true,
  });
  const item = candidateToItem(
    { id: urlHash(url), canonicalUrl: canonicalUrl(url), candidate },
    "kaggle",
    new Date(NOW.getTime() - 40 * DAY),
  );
  expect(await ctx.store.items.createIfAbsent(item)).toBe(true);
  if (status === "used") expect(await ctx.store.items.update(item, { status: "used" })).not.toBeNull();
  return item.id;
}

describe("deadline reminders", () => {
  it("bring a sent competition back once, marked with the days left, within the default 7 days", async () => {
    let now = NOW;
    const ctx = await env.ctx({ now: () => now });
    expect(ctx.config.deadlineReminderDays).toBe(7);
    const soon = await competition(ctx, "soon", inDays(2.5));
    const later = await competition(ctx, "later", inDays(10));
    const closed = await competition(ctx, "closed", inDays(-1));
    const notSent = await competition(ctx, "not-sent", inDays(1), "new");
    const notStarted = await competition(ctx, "not-started", inDays(5), "used", inDays(1));
    const noDeadline = await competition(ctx, "no-deadline", null);

    expect(await remindDeadlines(ctx)).toBe(1);
    expect(await ctx.store.items.get(soon)).toMatchObject({
      status: "new",
      reminder: { deadline: inDays(2.5), deadlineInDays: 3, at: NOW.toISOString() },
    });
    for (const id of [later, closed, notStarted, noDeadline])
      expect(await ctx.store.items.get(id)).toMatchObject({ status: "used" });
    expect((await ctx.store.items.get(later))?.reminder).toBeUndefined();
    expect(await ctx.store.items.get(notSent)).toMatchObject({ status: "new" });
    expect((await ctx.store.items.get(notSent))?.reminder).toBeUndefined();

    // Once: not again at the next tick, nor after the editor sends it again for the same deadline.
    now = new Date(NOW.getTime() + 60 * 60 * 1000);
    expect(await remindDeadlines(ctx)).toBe(0);
    const back = (await ctx.store.items.get(soon))!;
    await ctx.store.items.update(back, { status: "used" });
    expect(await remindDeadlines(ctx)).toBe(0);
    expect(await ctx.store.items.get(soon)).toMatchObject({ status: "used" });

    // Days later the far one comes within the window, and the other one has started.
    now = new Date(NOW.getTime() + 4 * DAY);
    expect(await remindDeadlines(ctx)).toBe(2);
    expect(await ctx.store.items.get(later)).toMatchObject({
      status: "new",
      reminder: { deadlineInDays: 6 },
    });
    expect(await ctx.store.items.get(notStarted)).toMatchObject({
      status: "new",
      reminder: { deadlineInDays: 1 },
    });
  });

  it("follow DEADLINE_REMINDER_DAYS, and 0 turns them off", async () => {
    const wide = await env.ctx({ now: () => NOW, env: { DEADLINE_REMINDER_DAYS: "14" } });
    const far = await competition(wide, "far", inDays(10));
    const beyond = await competition(wide, "beyond", inDays(20));
    expect(await remindDeadlines(wide)).toBe(1);
    expect(await wide.store.items.get(far)).toMatchObject({
      status: "new",
      reminder: { deadlineInDays: 10 },
    });
    expect(await wide.store.items.get(beyond)).toMatchObject({ status: "used" });

    const off = await env.ctx({ now: () => NOW, env: { DEADLINE_REMINDER_DAYS: "0" } });
    const soon = await competition(off, "soon", inDays(1));
    expect(await remindDeadlines(off)).toBe(0);
    expect(await off.store.items.get(soon)).toMatchObject({ status: "used" });

    await expect(env.ctx({ env: { DEADLINE_REMINDER_DAYS: "a week" } })).rejects.toThrow(
      /DEADLINE_REMINDER_DAYS/,
    );
  });

  it("run with the poll tick", async () => {
    const ctx = await env.ctx({ now: () => NOW });
    const soon = await competition(ctx, "tick", inDays(3));
    expect(await pollTick(ctx)).toMatchObject({ reminded: 1 });
    expect(await ctx.store.items.get(soon)).toMatchObject({ status: "new", reminder: { deadlineInDays: 3 } });
    expect(await pollTick(ctx)).toMatchObject({ reminded: 0 });
  });
});

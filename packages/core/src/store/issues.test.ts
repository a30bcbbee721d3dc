/** The issue store against dynalite: numbering, conditional status moves, snapshot once, delivery counts. */

import { startTestEnv, type TestEnv } from "@wkn/testing";
import { loseAnswers } from "@wkn/testing/faults/lost-answer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConflictError, NotFoundError } from "../errors.js";
import type { IssueRecord } from "./issues.js";

let env: TestEnv;
beforeAll(async () => {
  env = await startTestEnv();
});
afterAll(() => env.close());

const draft = (n: number): IssueRecord => ({
  id: String(n),
  number: n,
  title: `News #${n}`,
  subject: `News #${n}`,
  intro: "",
  status: "draft",
  sections: [],
  createdAt: "2024-05-01T00:00:00.000Z",
  updatedAt: "2024-05-01T00:00:00.000Z",
  sentAt: null,
});

const card = {
  id: "i1",
  title: "T",
  url: "https://example.com/",
  domain: "example.com",
  description: null,
  imageUrl: null,
  comment: null,
  kind: "article" as const,
};

describe("issues store", () => {
  it("gives concurrent new issues distinct consecutive numbers, each with its own content", async () => {
    const ctx = await env.ctx();
    const made = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        ctx.store.issues.createNext((n) => ({ ...draft(n), intro: `caller ${i}` })),
      ),
    );
    const numbers = made.map((r) => r.number).sort((a, b) => a - b);
    expect(numbers).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    expect(new Set(made.map((r) => r.intro)).size).toBe(12);
    for (const r of made) expect((await ctx.store.issues.mustGet(r.number)).intro).toBe(r.intro);
    expect((await ctx.store.issues.createNext(draft)).number).toBe(13);
  });

  it("skips a number held by an issue stored without the counter", async () => {
    const ctx = await env.ctx();
    await ctx.store.issues.create(draft(1));
    expect((await ctx.store.issues.createNext(draft)).number).toBe(2);
  });

  it("makes a new issue once, under the next number, when its write's answer is lost", async () => {
    const ctx = await env.ctx();
    await ctx.store.issues.createNext(draft);
    const net = loseAnswers(ctx);
    net.loseNext("TransactWriteItemsCommand");
    // The table made issue 2; the SDK sent the transaction again, which met issue 2 as it stood.
    expect((await ctx.store.issues.createNext(draft)).number).toBe(2);
    expect(net.lost()).toBe(1);
    expect((await ctx.store.issues.list()).map((i) => i.number)).toEqual([2, 1]);
    // No number skipped, and the stored issue carries nothing of the token.
    expect((await ctx.store.issues.createNext(draft)).number).toBe(3);
    expect(await ctx.store.issues.mustGet(2)).toEqual(draft(2));
  });

  it("moves an issue once when the move's answer is lost, and still refuses another caller", async () => {
    const ctx = await env.ctx();
    await ctx.store.issues.create(draft(1));
    const net = loseAnswers(ctx);
    net.loseNext("UpdateItemCommand");
    const moved = await ctx.store.issues.transition(1, "draft", "sending");
    expect(net.lost()).toBe(1);
    expect(moved.status).toBe("sending");
    await expect(ctx.store.issues.transition(1, "draft", "sending")).rejects.toBeInstanceOf(ConflictError);
  });

  it("lists newest first, by status, without snapshots", async () => {
    const ctx = await env.ctx();
    for (const n of [1, 2, 10]) await ctx.store.issues.create(draft(n));
    await expect(ctx.store.issues.create(draft(2))).rejects.toBeInstanceOf(ConflictError);
    await ctx.store.issues.transition(2, "draft", "sending");
    await ctx.store.issues.saveSnapshot(2, { takenAt: "2024-05-02T00:00:00.000Z", items: [card] });
    await ctx.store.issues.transition(2, "sending", "sent", { sentAt: "2024-05-02T00:00:00.000Z" });
    expect((await ctx.store.issues.list()).map((i) => i.number)).toEqual([10, 2, 1]);
    expect((await ctx.store.issues.list()).every((i) => i.snapshot === undefined)).toBe(true);
    expect((await ctx.store.issues.listByStatus("sent")).map((i) => [i.number, i.sentAt])).toEqual([
      [2, "2024-05-02T00:00:00.000Z"],
    ]);
    expect((await ctx.store.issues.listByStatus("draft")).map((i) => i.number)).toEqual([10, 1]);
    expect((await ctx.store.issues.get(2))?.snapshot?.items).toEqual([card]);
  });

  it("moves draft → sending exactly once, and refuses draft edits afterwards", async () => {
    const ctx = await env.ctx();
    await ctx.store.issues.create(draft(1));
    const results = await Promise.allSettled(
      [1, 2, 3].map(() => ctx.store.issues.transition(1, "draft", "sending")),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    for (const r of results.filter((r) => r.status === "rejected")) {
      expect((r as PromiseRejectedResult).reason).toBeInstanceOf(ConflictError);
    }
    const fields = { title: "x", subject: "x", intro: "", sections: [] };
    await expect(ctx.store.issues.replaceDraft(1, fields, "2024-05-03T00:00:00.000Z")).rejects.toBeInstanceOf(
      ConflictError,
    );
    await expect(
      ctx.store.issues.replaceDraft(99, fields, "2024-05-03T00:00:00.000Z"),
    ).rejects.toBeInstanceOf(NotFoundError);
    await expect(ctx.store.issues.transition(99, "draft", "sending")).rejects.toBeInstanceOf(NotFoundError);
  });

  it("keeps the first snapshot and refuses one for a draft", async () => {
    const ctx = await env.ctx();
    await ctx.store.issues.create(draft(1));
    await expect(ctx.store.issues.saveSnapshot(1, { takenAt: "t0", items: [] })).rejects.toBeInstanceOf(
      ConflictError,
    );
    await ctx.store.issues.transition(1, "draft", "sending");
    const first = await ctx.store.issues.saveSnapshot(1, { takenAt: "t1", items: [card] });
    const second = await ctx.store.issues.saveSnapshot(1, { takenAt: "t2", items: [] });
    expect(second).toEqual(first);
    expect((await ctx.store.issues.mustGet(1)).snapshot).toEqual({ takenAt: "t1", items: [card] });
  });
});

/** The send bookkeeping in an issue's partition: claims, settles, ambiguity marks, the lease. */

import { startTestEnv, type TestEnv } from "@wkn/testing";
import { loseAnswers } from "@wkn/testing/faults/lost-answer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Ctx } from "../context.js";
import { countDeliveries, type DeliveryRecord } from "./deliveries.js";

let env: TestEnv;
beforeAll(async () => {
  env = await startTestEnv();
});
afterAll(() => env.close());

const claim = (subscriberId: string, runner = "r1", issueNumber = 7): DeliveryRecord => ({
  issueNumber,
  subscriberId,
  email: `${subscriberId}@example.com`,
  status: "claimed",
  claimedAt: "2025-03-07T09:00:00.000Z",
  sentAt: null,
  messageId: null,
  error: null,
  runner,
});

describe("deliveries", () => {
  let ctx: Ctx;
  beforeAll(async () => {
    ctx = await env.ctx();
  });

  it("claims a recipient once: a second claim, by anyone, is refused", async () => {
    const d = ctx.store.deliveries;
    expect(await d.claim(claim("a"))).toBe(true);
    expect(await d.claim(claim("a", "r2"))).toBe(false);
    expect(await d.claim(claim("a", "r1", 8))).toBe(true); // another issue
    const [rec] = await d.list(7);
    expect(rec).toEqual(claim("a"));
  });

  it("lists an issue's deliveries only, settles them in batches, counts them", async () => {
    const d = ctx.store.deliveries;
    const ids = Array.from({ length: 30 }, (_, i) => `s${String(i).padStart(2, "0")}`);
    for (const id of ids) await d.claim(claim(id, "r1", 9));
    await d.settle(
      ids.map((id, i) => ({
        ...claim(id, "r1", 9),
        ...(i < 27
          ? { status: "sent" as const, messageId: `m-${id}` }
          : { status: "failed" as const, error: "MessageRejected" }),
      })),
    );
    const all = await d.list(9);
    expect(all).toHaveLength(30);
    expect(all.find((r) => r.subscriberId === "s00")?.messageId).toBe("m-s00");
    expect(await d.counts(9)).toEqual({ total: 30, sent: 27, failed: 3, pending: 0, ambiguous: 0 });
  });

  it("marks only a still-unsettled claim of the named runner ambiguous; its late settle wins", async () => {
    const d = ctx.store.deliveries;
    await d.claim(claim("x", "dead", 10));
    await d.claim(claim("y", "alive", 10));
    await d.settle([{ ...claim("y", "alive", 10), status: "sent", messageId: "m-y" }]);
    expect(await d.markAmbiguous(claim("x", "someone-else", 10), "note")).toBe(false);
    expect(await d.markAmbiguous(claim("x", "dead", 10), "note")).toBe(true);
    expect(await d.markAmbiguous(claim("y", "alive", 10), "note")).toBe(false); // already sent
    expect(await d.counts(10)).toMatchObject({ total: 2, sent: 1, ambiguous: 1, pending: 0 });
    // the "dead" runner was only slow: what it writes is what happened
    await d.settle([{ ...claim("x", "dead", 10), status: "sent", messageId: "m-x" }]);
    expect(await d.counts(10)).toMatchObject({ sent: 2, ambiguous: 0 });
  });

  it("releases only the claimer's own unsettled claim", async () => {
    const d = ctx.store.deliveries;
    await d.claim(claim("p", "r1", 11));
    expect(await d.release({ issueNumber: 11, subscriberId: "p" }, "r2")).toBe(false);
    expect(await d.release({ issueNumber: 11, subscriberId: "p" }, "r1")).toBe(true);
    expect(await d.list(11)).toEqual([]);
    expect(await d.claim(claim("p", "r2", 11))).toBe(true); // free again
  });

  it("turns ambiguous deliveries into resends once; a resend is claimed once and released back to resend", async () => {
    const d = ctx.store.deliveries;
    await d.claim(claim("q", "gone", 12));
    await d.claim(claim("r", "gone", 12));
    await d.markAmbiguous(claim("q", "gone", 12), "no answer");
    await d.settle([{ ...claim("r", "gone", 12), status: "sent", messageId: "m-r" }]);

    const marked = await d.markAmbiguousForResend(12, "2025-03-08T00:00:00.000Z");
    expect(marked.map((m) => [m.subscriberId, m.status])).toEqual([["q", "resend"]]);
    expect(await d.markAmbiguousForResend(12, "2025-03-08T00:00:01.000Z")).toEqual([]); // only once
    expect(await d.counts(12)).toMatchObject({ total: 2, sent: 1, ambiguous: 0, pending: 1 });

    const resend = { ...claim("q", "r9", 12), resentAt: "2025-03-08T00:00:00.000Z" };
    expect(await d.claimResend(resend)).toBe(true);
    expect(await d.claimResend({ ...resend, runner: "r10" })).toBe(false);
    expect(await d.release(resend, "r10")).toBe(false); // not its claim
    expect(await d.release(resend, "r9")).toBe(true);
    const [q] = (await d.list(12)).filter((x) => x.subscriberId === "q");
    expect(q).toMatchObject({ status: "resend", resentAt: "2025-03-08T00:00:00.000Z" });
  });

  it("holds each write the table did when its answer was lost and the SDK sent it again", async () => {
    const c = await env.ctx();
    const net = loseAnswers(c);
    const d = c.store.deliveries;
    const at = "2025-03-09T00:00:00.000Z";

    net.loseNext("PutItemCommand");
    expect(await d.claim(claim("a", "r1", 20))).toBe(true); // the retry meets its own claim
    expect(await d.claim(claim("a", "r2", 20))).toBe(false); // still nobody else's
    net.loseNext("DeleteItemCommand");
    expect(await d.release({ issueNumber: 20, subscriberId: "a" }, "r1")).toBe(true); // gone already
    expect(await d.list(20)).toEqual([]);

    await d.claim(claim("b", "r1", 20));
    net.loseNext("UpdateItemCommand");
    expect(await d.markAmbiguous(claim("b", "r1", 20), "no answer")).toBe(true);
    expect(await d.markAmbiguousForResend(20, at)).toHaveLength(1);
    const resend = { ...claim("b", "r2", 20), resentAt: at };
    net.loseNext("UpdateItemCommand");
    expect(await d.claimResend(resend)).toBe(true);
    expect(await d.claimResend({ ...resend, runner: "r3" })).toBe(false);
    net.loseNext("UpdateItemCommand");
    expect(await d.release(resend, "r2")).toBe(true);
    expect(await d.list(20)).toMatchObject([{ subscriberId: "b", status: "resend", resentAt: at }]);

    expect(net.lost()).toBe(5); // every answer above was lost once, and the SDK tried again
    // A settled delivery is nobody's claim, its runner's neither.
    await d.claim(claim("c", "r1", 20));
    await d.settle([{ ...claim("c", "r1", 20), status: "sent", messageId: "m-c" }]);
    expect(await d.claim(claim("c", "r1", 20))).toBe(false);
    expect(await d.release({ issueNumber: 20, subscriberId: "c" }, "r1")).toBe(false);
  });

  it("keeps the last failed run on the send job record until it is cleared", async () => {
    const d = ctx.store.deliveries;
    await d.setRunError(13, null); // nothing to clear: no record is made
    expect(await d.getLease(13)).toBeUndefined();
    await d.setRunError(13, { message: "SES kept refusing", at: "2025-03-08T00:00:00.000Z" });
    expect((await d.getLease(13))?.lastError).toEqual({
      message: "SES kept refusing",
      at: "2025-03-08T00:00:00.000Z",
    });
    await d.setRunError(13, null);
    expect((await d.getLease(13))?.lastError).toBeUndefined();
  });
});

describe("send lease", () => {
  it("is held by one owner until it expires or is released, and records the planned total", async () => {
    const ctx = await env.ctx();
    const d = ctx.store.deliveries;
    const t = 1_000_000;
    expect(await d.acquireLease(1, "a", t, 1000)).toEqual({ acquired: true, leaseUntil: t + 1000 });
    const refused = await d.acquireLease(1, "b", t + 500, 1000);
    expect(refused).toEqual({ acquired: false, lease: { owner: "a", leaseUntil: t + 1000 } });
    expect(await d.acquireLease(1, "a", t + 600, 1000)).toMatchObject({ acquired: true }); // ours again
    expect(await d.renewLease(1, "a", t + 3000, 42)).toBe(true);
    expect(await d.renewLease(1, "b", t + 3000)).toBe(false);
    expect(await d.acquireLease(1, "b", t + 2999, 1000)).toMatchObject({ acquired: false });
    // expired: taken over; the old owner can no longer renew or release it
    expect(await d.acquireLease(1, "b", t + 3001, 1000)).toMatchObject({ acquired: true });
    expect(await d.renewLease(1, "a", t + 9000)).toBe(false);
    await d.releaseLease(1, "a");
    expect((await d.getLease(1))?.owner).toBe("b");
    await d.releaseLease(1, "b", 40);
    expect(await d.getLease(1)).toEqual({ owner: null, leaseUntil: 0, total: 40 });
    expect(await d.acquireLease(1, "c", t + 3002, 1000)).toMatchObject({ acquired: true });
    // unclaimed recipients of the plan count as pending
    expect(await d.counts(1)).toEqual({ total: 40, sent: 0, failed: 0, pending: 40, ambiguous: 0 });
  });
});

it("countDeliveries keeps ambiguous apart from sent and failed", () => {
  expect(
    countDeliveries(
      [{ status: "sent" }, { status: "failed" }, { status: "ambiguous" }, { status: "claimed" }],
      6,
    ),
  ).toEqual({ total: 6, sent: 1, failed: 1, ambiguous: 1, pending: 3 });
});

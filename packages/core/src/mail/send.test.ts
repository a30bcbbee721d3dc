/**
 * Sending an issue against dynalite and the local SES endpoint with the real SDK: each active
 * subscriber gets exactly one message whatever SES answers, runners overlap or stop. Time is the
 * test's: runs stop after N claims instead of at a deadline, leases expire on a clock the test
 * moves, backoffs do not wait.
 */

import { startTestEnv, TEST_SECRET, type TestEnv } from "@wkn/testing";
import { loseAnswers } from "@wkn/testing/faults/lost-answer";
import {
  addActive,
  claimByDeadRunner,
  drainSendJobs,
  mailCtx,
  perDestination,
  readyDraft,
  recordingJobs,
  type SesHandle,
  startSes,
  testClock,
} from "@wkn/testing/mail";
import PostalMime from "postal-mime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConflictError, DomainError, ValidationError } from "../errors.js";
import { previewIssue } from "../issues/content.js";
import { createDraft, getIssue, updateDraft } from "../issues/drafts.js";
import { storeItems, testItem } from "../items/testing.js";
import { rawDbOf } from "../store/raw.js";
import { verifyToken } from "../subscribers/tokens.js";
import { resendAmbiguous, resumeSend, resumeSends, runSend, startSend } from "./send.js";

let env: TestEnv;
const handles: SesHandle[] = [];
beforeAll(async () => {
  env = await startTestEnv();
});
afterAll(async () => {
  for (const h of handles) await h.close();
  await env.close();
});

async function ses(...args: Parameters<typeof startSes>) {
  const h = await startSes(...args);
  handles.push(h);
  return h.ses;
}

const header = (mail: { headers: { key: string; value: string }[] }, key: string) =>
  mail.headers.find((h) => h.key === key.toLowerCase())?.value;

/** Backoffs and lease waits that do not wait. */
const noWait = { sleep: async () => {} };

/** Everyone exactly once. */
function expectEachOnce(local: Awaited<ReturnType<typeof ses>>, subs: { email: string }[]) {
  const counts = perDestination(local);
  const wrong = subs.filter((s) => counts.get(s.email) !== 1).map((s) => [s.email, counts.get(s.email)]);
  expect(wrong).toEqual([]);
  expect(counts.size).toBe(subs.length);
}

describe("startSend", () => {
  it("moves a draft to sending once, freezes it and enqueues one send job", async () => {
    const { jobs, enqueued } = recordingJobs();
    const ctx = await mailCtx(env, await ses(100), { jobs });
    const n = await readyDraft(ctx);
    const issue = await startSend(ctx, n);
    expect(issue.status).toBe("sending");
    expect(issue.delivery).toMatchObject({ paused: null, lastError: null });
    expect((await ctx.store.issues.get(n))?.snapshot?.items).toHaveLength(2);
    expect(enqueued).toEqual([{ kind: "send", payload: { issueNumber: n } }]);
    await expect(startSend(ctx, n)).rejects.toBeInstanceOf(ConflictError);
    expect(enqueued).toHaveLength(1);
  });

  it("lets only one of two concurrent starts through", async () => {
    const { jobs, enqueued } = recordingJobs();
    const ctx = await mailCtx(env, await ses(100), { jobs });
    const n = await readyDraft(ctx);
    const outcomes = await Promise.allSettled([startSend(ctx, n), startSend(ctx, n)]);
    expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(1);
    const rejected = outcomes.find((o) => o.status === "rejected") as PromiseRejectedResult;
    expect(rejected.reason).toBeInstanceOf(ConflictError);
    expect(enqueued).toHaveLength(1);
  });

  it("refuses an issue with nothing in it", async () => {
    const ctx = await mailCtx(env, await ses(100));
    const { number } = await createDraft(ctx, {});
    const e = await startSend(ctx, number).catch((x) => x);
    expect(e).toBeInstanceOf(ValidationError);
    expect(e.details[0].field).toBe("sections");
    expect((await ctx.store.issues.get(number))?.status).toBe("draft");
  });

  it("refuses to preview or send a draft holding an item rejected since, naming it; the item stays rejected", async () => {
    const { jobs, enqueued } = recordingJobs();
    const ctx = await mailCtx(env, await ses(100), { jobs });
    const n = await readyDraft(ctx);
    const [, second] = (await ctx.store.issues.mustGet(n)).sections[0]!.itemIds;
    const item = (await ctx.store.items.get(second!))!;
    await ctx.store.items.update(item, { status: "rejected" });

    for (const attempt of [() => previewIssue(ctx, n), () => startSend(ctx, n)]) {
      const e = await attempt().catch((x) => x);
      expect(e).toBeInstanceOf(ValidationError);
      expect(e.details[0]).toMatchObject({
        field: "sections.0.itemIds.1",
        message: expect.stringContaining(second!),
      });
    }
    expect((await ctx.store.issues.get(n))?.status).toBe("draft");
    expect(enqueued).toEqual([]);
    expect((await ctx.store.items.get(second!))?.status).toBe("rejected");
  });

  it("gives the draft back when its snapshot cannot be taken, and enqueues nothing", async () => {
    const { jobs, enqueued } = recordingJobs();
    const ctx = await mailCtx(env, await ses(100), { jobs });
    // two items whose comments together are over the snapshot's limit (350 kB)
    const big = "x".repeat(190_000);
    const items = await storeItems(ctx, [
      testItem("https://big.example/1", { comment: big, status: "selected" }),
      testItem("https://big.example/2", { comment: big, status: "selected" }),
    ]);
    const { number: n } = await createDraft(ctx, {});
    await updateDraft(ctx, n, { sections: [{ heading: "News", itemIds: items.map((i) => i.id) }] });

    const e = await startSend(ctx, n).catch((x) => x);
    expect(e).toBeInstanceOf(DomainError);
    expect(e.kind).toBe("too_large");
    const rec = await ctx.store.issues.get(n);
    expect(rec?.status).toBe("draft");
    expect(rec?.snapshot).toBeUndefined();
    expect(enqueued).toEqual([]);
  });

  it("keeps a send whose job could not be queued where the resume finds it, and says so on the issue", async () => {
    let refuse = true;
    const queued: number[] = [];
    const jobs = {
      async enqueue(_kind: string, payload: unknown) {
        if (refuse) throw new Error("queue unavailable");
        queued.push((payload as { issueNumber: number }).issueNumber);
      },
    };
    const ctx = await mailCtx(env, await ses(100), { jobs });
    const n = await readyDraft(ctx);

    const issue = await startSend(ctx, n);
    expect(issue.status).toBe("sending");
    expect(issue.delivery.lastError?.message).toMatch(
      /could not be queued \(queue unavailable\).*15 minutes/,
    );

    refuse = false;
    expect(await resumeSends(ctx)).toEqual([n]);
    expect(queued).toEqual([n]);
  });
});

describe("runSend", () => {
  it("builds each message with both parts, its own unsubscribe link and one-click headers, a Message-ID on our domain", async () => {
    const local = await ses(100);
    const ctx = await mailCtx(env, local);
    const [ann] = await addActive(ctx, 1, "ann");
    const n = await readyDraft(ctx);
    await startSend(ctx, n);
    await runSend(ctx, n);

    const [msg] = local.messages();
    expect(msg?.destinations).toEqual([ann!.email]);
    const mail = await PostalMime.parse(msg!.raw);
    expect(mail.subject).toBe(`Weekly Kaggle News #${n}`);
    expect(mail.from).toMatchObject({ address: "newsletter@news.example.org" });
    expect(mail.messageId).toMatch(/@news\.example\.org>$/);
    const unsubscribe = header(mail, "List-Unsubscribe")!.replace(/^<|>$/g, "");
    expect(unsubscribe).toMatch(/^https:\/\/news\.example\.org\/unsubscribe\?token=/);
    expect(header(mail, "List-Unsubscribe-Post")).toBe("List-Unsubscribe=One-Click");
    const token = new URL(unsubscribe).searchParams.get("token");
    expect(verifyToken(TEST_SECRET, token, "unsubscribe", new Date()).subscriberId).toBe(ann!.id);
    // the visible link in both parts is the same URL
    expect(mail.html).toContain(unsubscribe.replace(/&/g, "&amp;"));
    expect(mail.text).toContain(unsubscribe);
    expect(mail.html).toContain("Post one a");
    expect(mail.text).toContain("Worth a read");
  });

  it("sends 1,000 recipients exactly once through 10% Throttling, 1% InternalFailure and a lost lease, with nobody ambiguous", async () => {
    const LEASE = 30_000;
    const local = await ses(5000, ({ action, n }) =>
      action !== "SendRawEmail"
        ? null
        : n % 10 === 0
          ? "Throttling"
          : n % 100 === 55
            ? "InternalFailure"
            : null,
    );
    const clock = testClock();
    const { jobs, enqueued } = recordingJobs();
    const ctx = await mailCtx(env, local, { jobs, now: clock.now });
    const subs = await addActive(ctx, 1000);
    const n = await readyDraft(ctx);
    await startSend(ctx, n);
    enqueued.length = 0;

    const first = await runSend(ctx, n, {
      leaseMs: LEASE,
      sleep: clock.sleep,
      onClaim: async (claimed) => {
        if (claimed !== 300) return;
        // Another runner takes the lease over (our lease ran out, say in a stall): our next
        // renewal finds it gone.
        clock.advance(LEASE + 1);
        const taken = await ctx.store.deliveries.acquireLease(n, "intruder", clock.ms(), LEASE);
        expect(taken.acquired).toBe(true);
      },
    });
    expect(first).toMatchObject({ status: "continued", reason: "lease_lost" });
    expect(enqueued).toEqual([{ kind: "send", payload: { issueNumber: n } }]);
    expect((await getIssue(ctx, n)).status).toBe("sending");

    // The continuation waits (on the test's clock) until the silent intruder's lease lapses.
    const results = await drainSendJobs(enqueued, (i) =>
      runSend(ctx, i, { leaseMs: LEASE, sleep: clock.sleep }),
    );
    expect(results.at(-1)).toMatchObject({
      status: "sent",
      delivery: { total: 1000, sent: 1000, failed: 0, pending: 0, ambiguous: 0 },
      ambiguous: [],
    });
    expect(local.stats().throttled).toBeGreaterThanOrEqual(100);
    expect(local.stats().failed).toBeGreaterThanOrEqual(10);
    expectEachOnce(local, subs);
    const records = await ctx.store.deliveries.list(n);
    expect(records.filter((d) => d.status === "sent" && d.messageId)).toHaveLength(1000);
    const issue = await getIssue(ctx, n);
    expect(issue.status).toBe("sent");
    expect(issue.delivery).toMatchObject({ sent: 1000, lastError: null, paused: null });
    // the items of a sent issue are used
    expect((await ctx.store.items.list({ status: "used", limit: 10 })).items).toHaveLength(2);
  }, 180_000);

  it("marks a recipient SES refuses as failed and sends the rest", async () => {
    const local = await ses(500, ({ action, destinations }) =>
      action === "SendRawEmail" && destinations?.includes("reader3@example.com") ? "MessageRejected" : null,
    );
    const { jobs, enqueued } = recordingJobs();
    const ctx = await mailCtx(env, local, { jobs });
    await addActive(ctx, 20);
    const n = await readyDraft(ctx);
    await startSend(ctx, n);

    // A refusal that comes before SES accepted anything is not believed at once (it might be
    // the account's): the recipient is released and tried again once another message went out.
    const results = await drainSendJobs(enqueued, (i) => runSend(ctx, i, noWait));

    expect(results.at(-1)).toMatchObject({ status: "sent" });
    expect(local.messages()).toHaveLength(19);
    const failed = (await ctx.store.deliveries.list(n)).filter((d) => d.status === "failed");
    expect(failed.map((d) => d.email)).toEqual(["reader3@example.com"]);
    expect(failed[0]?.error).toMatch(/MessageRejected/);
    expect((await getIssue(ctx, n)).delivery).toMatchObject({ total: 20, sent: 19, failed: 1, pending: 0 });
  });

  it("pauses on an unverified sender without marking anyone, and finishes once the sender is verified and the editor resumes", async () => {
    const handle = await startSes(200, undefined, { verifiedIdentities: ["other.example"] });
    handles.push(handle);
    const local = handle.ses;
    const { jobs, enqueued } = recordingJobs();
    const ctx = await mailCtx(env, local, { jobs });
    const subs = await addActive(ctx, 30);
    const n = await readyDraft(ctx);
    await startSend(ctx, n);
    enqueued.length = 0;

    const result = await runSend(ctx, n, noWait);

    expect(result).toMatchObject({ status: "paused", pause: { code: "sender_not_verified" } });
    expect(local.messages()).toHaveLength(0);
    expect(await ctx.store.deliveries.list(n)).toEqual([]); // every claim given back
    const paused = await getIssue(ctx, n);
    expect(paused.status).toBe("paused");
    expect(paused.delivery).toMatchObject({ total: 30, sent: 0, failed: 0, pending: 30, ambiguous: 0 });
    expect(paused.delivery.paused?.reason).toMatch(
      /newsletter@news\.example\.org.*not a verified identity.*resume/i,
    );
    expect(enqueued).toEqual([]);
    // a paused issue is not a job's business until the editor resumes it
    expect(await runSend(ctx, n, noWait)).toEqual({ status: "not_sending" });
    expect(await resumeSends(ctx)).toEqual([]);

    local.configure({ verifiedIdentities: ["news.example.org"] });
    const resumed = await resumeSend(ctx, n);
    expect(resumed).toMatchObject({ status: "sending", delivery: { paused: null } });
    const results = await drainSendJobs(enqueued, (i) => runSend(ctx, i, noWait));
    expect(results.at(-1)).toMatchObject({ status: "sent", delivery: { sent: 30, failed: 0 } });
    expectEachOnce(local, subs);
  });

  it("pauses when SES stops the account mid-send: who got it stays sent, nobody is failed, the rest goes out after resume", async () => {
    let pausedAccount = false;
    const local = await ses(300, ({ action }) =>
      action === "SendRawEmail" && pausedAccount ? "AccountSendingPaused" : null,
    );
    const { jobs, enqueued } = recordingJobs();
    const ctx = await mailCtx(env, local, { jobs });
    const subs = await addActive(ctx, 60);
    const n = await readyDraft(ctx);
    await startSend(ctx, n);
    enqueued.length = 0;

    const result = await runSend(ctx, n, {
      ...noWait,
      onClaim: (c) => {
        if (c === 20) pausedAccount = true;
      },
    });

    expect(result).toMatchObject({ status: "paused", pause: { code: "sending_paused" } });
    const records = await ctx.store.deliveries.list(n);
    expect(records.every((d) => d.status === "sent")).toBe(true);
    expect(records.length).toBe(local.messages().length);
    expect(records.length).toBeLessThan(60);
    expect((await getIssue(ctx, n)).delivery).toMatchObject({
      failed: 0,
      ambiguous: 0,
      pending: 60 - records.length,
    });

    pausedAccount = false;
    await resumeSend(ctx, n);
    const results = await drainSendJobs(enqueued, (i) => runSend(ctx, i, noWait));
    expect(results.at(-1)).toMatchObject({ status: "sent", delivery: { sent: 60 } });
    expectEachOnce(local, subs);
  });

  it("pauses when the daily quota runs out, before claiming when it is gone already, and goes on when it has room", async () => {
    const handle = await startSes(200, undefined, { max24HourSend: 10 });
    handles.push(handle);
    const local = handle.ses;
    const { jobs, enqueued } = recordingJobs();
    const ctx = await mailCtx(env, local, { jobs });
    const subs = await addActive(ctx, 25);
    const a = await readyDraft(ctx, "a");
    const b = await readyDraft(ctx, "b");
    await startSend(ctx, a);
    await startSend(ctx, b);
    enqueued.length = 0;

    const first = await runSend(ctx, a, noWait);
    expect(first).toMatchObject({ status: "paused", pause: { code: "daily_quota" } });
    expect((await getIssue(ctx, a)).delivery).toMatchObject({
      sent: 10,
      failed: 0,
      pending: 15,
      ambiguous: 0,
    });
    expect((await getIssue(ctx, a)).delivery.paused?.reason).toMatch(/24-hour sending quota is used up/);

    // GetSendQuota already says nothing is left: the other issue pauses without a claim.
    expect(await runSend(ctx, b, noWait)).toMatchObject({ status: "paused", pause: { code: "daily_quota" } });
    expect(await ctx.store.deliveries.list(b)).toEqual([]);

    local.configure({ max24HourSend: 1000 });
    await resumeSend(ctx, a);
    await resumeSend(ctx, b);
    await drainSendJobs(enqueued, (i) => runSend(ctx, i, noWait));
    expect((await getIssue(ctx, a)).delivery).toMatchObject({ sent: 25, pending: 0 });
    expect((await getIssue(ctx, b)).status).toBe("sent");
    expect(local.messages()).toHaveLength(50);
    const counts = perDestination(local);
    for (const s of subs) expect(counts.get(s.email), s.email).toBe(2); // one of each issue
  });

  it("pauses rather than fail everyone when SES refuses the first recipients and accepts none (the sandbox)", async () => {
    const handle = await startSes(200, undefined, {
      verifiedIdentities: ["news.example.org"],
      sandbox: true,
    });
    handles.push(handle);
    const ctx = await mailCtx(env, handle.ses);
    await addActive(ctx, 12);
    const n = await readyDraft(ctx);
    await startSend(ctx, n);

    const result = await runSend(ctx, n, noWait);

    expect(result).toMatchObject({ status: "paused", pause: { code: "refused" } });
    if (result.status === "paused") expect(result.pause.reason).toMatch(/sandbox/);
    expect(await ctx.store.deliveries.list(n)).toEqual([]);
    expect((await getIssue(ctx, n)).delivery).toMatchObject({ failed: 0, pending: 12 });
  });

  it("stops after SES keeps failing (an unwritable outbox), keeps the error for the editor, and finishes on a later run", async () => {
    let broken = true;
    const local = await ses(300, ({ action }) =>
      action === "SendRawEmail" && broken ? "InternalFailure" : null,
    );
    const ctx = await mailCtx(env, local);
    const subs = await addActive(ctx, 8);
    const n = await readyDraft(ctx);
    await startSend(ctx, n);

    const e = await runSend(ctx, n, noWait).catch((x) => x);
    expect(e).toBeInstanceOf(Error);
    expect(e.message).toMatch(/SES kept refusing after 7 tries: InternalFailure/);
    expect(await ctx.store.deliveries.list(n)).toEqual([]); // SES took nothing: every claim given back
    const stuck = await getIssue(ctx, n);
    expect(stuck.status).toBe("sending");
    expect(stuck.delivery.lastError?.message).toMatch(/The last send run failed: SES kept refusing/);

    broken = false;
    expect(await runSend(ctx, n, noWait)).toMatchObject({ status: "sent", delivery: { sent: 8 } });
    expect((await getIssue(ctx, n)).delivery.lastError).toBeNull();
    expectEachOnce(local, subs);
  });

  it("reports what was sent but not recorded (a failed settle write) as ambiguous, never sent twice", async () => {
    const local = await ses(300);
    const ctx = await mailCtx(env, local);
    const subs = await addActive(ctx, 10);
    const n = await readyDraft(ctx);
    await startSend(ctx, n);
    let failWrites = true;
    // The table refuses the batched settle writes of the first run (a fault injected on the
    // real client's middleware stack, not a fake of it).
    rawDbOf(ctx.store).doc.middlewareStack.add(
      (next, context) => async (args) => {
        if (failWrites && context.commandName === "BatchWriteItemCommand")
          throw Object.assign(new Error("the table refused the write"), { name: "InternalServerError" });
        return next(args);
      },
      { step: "initialize", name: "failSettles" },
    );

    await expect(runSend(ctx, n, noWait)).rejects.toThrow(/the table refused the write/);
    expect(local.messages()).toHaveLength(10);
    expect((await ctx.store.deliveries.list(n)).every((d) => d.status === "claimed")).toBe(true);
    expect((await getIssue(ctx, n)).delivery.lastError?.message).toMatch(/the table refused the write/);

    failWrites = false;
    const result = await runSend(ctx, n, noWait);
    expect(result).toMatchObject({
      status: "sent",
      delivery: { total: 10, sent: 0, ambiguous: 10, pending: 0 },
    });
    expectEachOnce(local, subs); // nobody got a second copy on the resumed run
  });

  it("mails a recipient whose claim the table made but whose answer was lost (the SDK tried it again)", async () => {
    const local = await ses(300);
    const ctx = await mailCtx(env, local);
    const subs = await addActive(ctx, 6);
    const n = await readyDraft(ctx);
    await startSend(ctx, n);
    const net = loseAnswers(ctx);
    net.loseNext("PutItemCommand"); // the run's first claim

    const result = await runSend(ctx, n, noWait);
    expect(net.lost()).toBe(1);
    expect(result).toMatchObject({ status: "sent", delivery: { total: 6, sent: 6, pending: 0 } });
    expectEachOnce(local, subs);
  });

  it("sends each recipient once when two runners overlap, one taking the lease of the other", async () => {
    const local = await ses(1000);
    const clock = testClock();
    const { jobs, enqueued } = recordingJobs();
    const ctx = await mailCtx(env, local, { jobs, now: clock.now });
    const subs = await addActive(ctx, 120);
    const n = await readyDraft(ctx);
    await startSend(ctx, n);
    enqueued.length = 0;

    // The second runner waits on the test's clock: it sees the first one's lease lapse at once
    // and takes the issue over while the first is still sending.
    const results = await Promise.all([
      runSend(ctx, n, { leaseMs: 600 }),
      runSend(ctx, n, { leaseMs: 600, sleep: clock.sleep }),
    ]);
    await drainSendJobs(enqueued, (i) => runSend(ctx, i, { sleep: clock.sleep }));

    expect(results.some((r) => r.status === "sent")).toBe(true);
    expectEachOnce(local, subs);
    expect((await getIssue(ctx, n)).delivery).toMatchObject({ total: 120, sent: 120, ambiguous: 0 });
  });

  it("stops claiming at a deadline, hands over to a continuation job, and the continuation finishes", async () => {
    const local = await ses(200);
    const { jobs, enqueued } = recordingJobs();
    const ctx = await mailCtx(env, local, { jobs });
    const subs = await addActive(ctx, 60);
    const n = await readyDraft(ctx);
    await startSend(ctx, n);
    enqueued.length = 0;

    const first = await runSend(ctx, n, { stopAfterClaims: 20 });
    expect(first).toMatchObject({ status: "continued", reason: "deadline" });
    expect(enqueued).toEqual([{ kind: "send", payload: { issueNumber: n } }]);
    if (first.status !== "continued") throw new Error("unreachable");
    expect(first.delivery.sent).toBeGreaterThanOrEqual(20);
    expect(first.delivery.sent).toBeLessThan(60);
    expect(first.delivery).toMatchObject({ total: 60, ambiguous: 0, failed: 0 });
    expect(first.delivery.pending).toBe(60 - first.delivery.sent);
    expect((await getIssue(ctx, n)).status).toBe("sending");

    // the lease was freed: the continuation starts at once
    enqueued.length = 0;
    const second = await runSend(ctx, n);
    expect(second).toMatchObject({
      status: "sent",
      delivery: { total: 60, sent: 60, pending: 0, ambiguous: 0 },
    });
    expectEachOnce(local, subs);
  });

  it("reports a claim left by a runner that died as ambiguous, and sends it again only when the editor confirms", async () => {
    const local = await ses(500);
    const { jobs, enqueued } = recordingJobs();
    const ctx = await mailCtx(env, local, { jobs });
    const [lost, ...others] = await addActive(ctx, 5);
    const n = await readyDraft(ctx);
    await startSend(ctx, n);
    enqueued.length = 0;
    // a runner claimed `lost` and died before it recorded SES's answer
    await claimByDeadRunner(ctx, n, lost!);

    const result = await runSend(ctx, n);

    expect(result).toMatchObject({
      status: "sent",
      delivery: { total: 5, sent: 4, failed: 0, ambiguous: 1, pending: 0 },
      ambiguous: [{ subscriberId: lost!.id, email: lost!.email }],
    });
    expect(perDestination(local).has(lost!.email)).toBe(false);
    for (const s of others) expect(perDestination(local).get(s.email)).toBe(1);
    expect((await getIssue(ctx, n)).delivery).toEqual({
      total: 5,
      sent: 4,
      failed: 0,
      pending: 0,
      ambiguous: 1,
      paused: null,
      lastError: null,
    });

    // The editor's resend: refused without confirmation, then sent to that recipient only.
    const unconfirmed = await resendAmbiguous(ctx, n, false).catch((x) => x);
    expect(unconfirmed).toBeInstanceOf(ValidationError);
    expect(unconfirmed.details[0].field).toBe("confirm");
    await addActive(ctx, 2, "late"); // subscribed after the send: not part of a resend
    const resend = await resendAmbiguous(ctx, n, true);
    expect(resend.resending).toEqual([{ subscriberId: lost!.id, email: lost!.email }]);
    expect(resend.warning).toMatch(/1 recipient will be sent the issue again.*second copy/);
    expect(resend.issue).toMatchObject({ status: "sent", delivery: { ambiguous: 0, pending: 1 } });
    await drainSendJobs(enqueued, (i) => runSend(ctx, i));
    expect(perDestination(local).get(lost!.email)).toBe(1);
    expect(perDestination(local).has("late0@example.com")).toBe(false);
    const after = await getIssue(ctx, n);
    expect(after).toMatchObject({
      status: "sent",
      delivery: { total: 5, sent: 5, ambiguous: 0, pending: 0 },
    });
    await expect(resendAmbiguous(ctx, n, true)).rejects.toBeInstanceOf(ConflictError);
  });

  it("gives up on an SES call that never answers: ambiguous, reported, not tried again", async () => {
    const local = await ses(100, ({ action }) => (action === "SendRawEmail" ? "Hang" : null));
    const ctx = await mailCtx(env, local);
    await addActive(ctx, 3);
    const n = await readyDraft(ctx);
    await startSend(ctx, n);
    const result = await runSend(ctx, n, { sesTimeoutMs: 300 });
    expect(result).toMatchObject({
      status: "sent",
      delivery: { total: 3, sent: 0, ambiguous: 3, pending: 0 },
    });
    if (result.status === "sent")
      expect(result.ambiguous.map((a) => a.error)).toEqual(
        Array(3).fill(expect.stringMatching(/TimeoutError/)),
      );
    expect(local.stats().hung).toBe(3);
  });

  it("completes an issue with no active subscriber, and does nothing for an issue that is not sending", async () => {
    const local = await ses(100);
    const ctx = await mailCtx(env, local);
    const n = await readyDraft(ctx);
    expect(await runSend(ctx, n)).toEqual({ status: "not_sending" }); // a draft
    await startSend(ctx, n);
    expect(await runSend(ctx, n)).toMatchObject({
      status: "sent",
      delivery: { total: 0, sent: 0, failed: 0, pending: 0 },
    });
    expect((await getIssue(ctx, n)).status).toBe("sent");
    // later subscribers do not get an issue that was sent already
    await addActive(ctx, 3, "late");
    expect(await runSend(ctx, n)).toEqual({ status: "not_sending" });
    expect(local.messages()).toHaveLength(0);
  });

  it("skips subscribers who are not active, and leaves an item rejected during the send rejected", async () => {
    const local = await ses(200);
    const ctx = await mailCtx(env, local);
    const [stays, leaves] = await addActive(ctx, 2);
    const n = await readyDraft(ctx);
    await startSend(ctx, n);
    await ctx.store.subscribers.transition(leaves!.id, ["active"], { status: "unsubscribed" });
    const [first] = (await ctx.store.issues.mustGet(n)).sections[0]!.itemIds;
    await ctx.store.items.update((await ctx.store.items.get(first!))!, { status: "rejected" });
    await runSend(ctx, n);
    expect([...perDestination(local).keys()]).toEqual([stays!.email]);
    expect((await ctx.store.items.get(first!))?.status).toBe("rejected");
  });
});

describe("resume", () => {
  it("enqueues every issue left in sending", async () => {
    const { jobs, enqueued } = recordingJobs();
    const ctx = await mailCtx(env, await ses(100), { jobs });
    const a = await readyDraft(ctx, "a");
    const b = await readyDraft(ctx, "b");
    await readyDraft(ctx, "c"); // stays a draft
    await startSend(ctx, a);
    await startSend(ctx, b);
    enqueued.length = 0;
    expect(await resumeSends(ctx)).toEqual([a, b]);
    expect(enqueued.map((j) => j.payload)).toEqual([{ issueNumber: a }, { issueNumber: b }]);
  });

  it("lets the editor resume a stuck send, and refuses a draft or a finished issue", async () => {
    const { jobs, enqueued } = recordingJobs();
    const ctx = await mailCtx(env, await ses(100), { jobs });
    const n = await readyDraft(ctx);
    await expect(resumeSend(ctx, n)).rejects.toBeInstanceOf(ConflictError); // a draft
    await startSend(ctx, n);
    enqueued.length = 0;
    expect((await resumeSend(ctx, n)).status).toBe("sending");
    expect(enqueued).toEqual([{ kind: "send", payload: { issueNumber: n } }]);
    await drainSendJobs(enqueued, (i) => runSend(ctx, i));
    await expect(resumeSend(ctx, n)).rejects.toBeInstanceOf(ConflictError); // sent, nothing left
  });
});

describe("recipient refusals before anything was accepted", () => {
  it("believes them when every recipient is refused and there are fewer than three", async () => {
    const local = await ses(200, ({ action }) => (action === "SendRawEmail" ? "MessageRejected" : null));
    const { jobs, enqueued } = recordingJobs();
    const ctx = await mailCtx(env, local, { jobs });
    await addActive(ctx, 2);
    const n = await readyDraft(ctx);
    await startSend(ctx, n);
    enqueued.length = 0;
    expect(await runSend(ctx, n, noWait)).toMatchObject({
      status: "sent",
      delivery: { total: 2, sent: 0, failed: 2, pending: 0 },
    });
    expect(enqueued).toEqual([]); // settled in one run: no continuation loop
  });
});

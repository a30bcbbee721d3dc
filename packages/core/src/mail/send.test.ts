/**
 * Sending an issue against dynalite and the local SES endpoint with the real SDK: each active
 * subscriber gets exactly one message whatever SES answers, runners overlap or stop.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import PostalMime from "postal-mime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConflictError, ValidationError } from "../errors.js";
import { createDraft, getIssue } from "../issues/drafts.js";
import { verifyToken } from "../subscribers/tokens.js";
import { startTestEnv, TEST_SECRET, type TestEnv } from "../testing/index.js";
import { resumeSends, runSend, startSend } from "./send.js";
import {
  addActive,
  MAIL_ENV,
  mailCtx,
  perDestination,
  readyDraft,
  recordingJobs,
  type SesHandle,
  startSes,
} from "./testing.js";

let env: TestEnv;
const handles: SesHandle[] = [];
beforeAll(async () => {
  env = await startTestEnv();
});
afterAll(async () => {
  for (const h of handles) await h.close();
  await env.close();
});

async function ses(maxSendRate: number, fault?: Parameters<typeof startSes>[1]) {
  const h = await startSes(maxSendRate, fault);
  handles.push(h);
  return h.ses;
}

const header = (mail: { headers: { key: string; value: string }[] }, key: string) =>
  mail.headers.find((h) => h.key === key.toLowerCase())?.value;

describe("startSend", () => {
  it("moves a draft to sending once, freezes it and enqueues one send job", async () => {
    const { jobs, enqueued } = recordingJobs();
    const ctx = await mailCtx(env, await ses(100), { jobs });
    const n = await readyDraft(ctx);
    const issue = await startSend(ctx, n);
    expect(issue.status).toBe("sending");
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
});

describe("runSend", () => {
  it("sends each of 500 recipients exactly one message with 10% of SES calls throttled", async () => {
    const local = await ses(2000, ({ action, n }) =>
      action === "SendRawEmail" && n % 10 === 0 ? "Throttling" : null,
    );
    const ctx = await mailCtx(env, local);
    const subs = await addActive(ctx, 500);
    const n = await readyDraft(ctx);
    await startSend(ctx, n);

    const result = await runSend(ctx, n);

    expect(result).toMatchObject({ status: "sent", ambiguous: [] });
    expect(local.stats().throttled).toBeGreaterThanOrEqual(50);
    const counts = perDestination(local);
    expect(counts.size).toBe(500);
    for (const s of subs) expect(counts.get(s.email), s.email).toBe(1);
    const issue = await getIssue(ctx, n);
    expect(issue.status).toBe("sent");
    expect(issue.sentAt).not.toBeNull();
    expect(issue.delivery).toMatchObject({ total: 500, sent: 500, failed: 0, pending: 0 });
    const records = await ctx.store.deliveries.list(n);
    expect(records).toHaveLength(500);
    expect(records.every((d) => d.status === "sent" && d.messageId)).toBe(true);
    // the items of a sent issue are used
    const items = await ctx.store.items.list({ status: "used", limit: 10 });
    expect(items.items).toHaveLength(2);
  });

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

  it("marks a recipient SES refuses as failed and sends the rest", async () => {
    const local = await ses(500, ({ action, n }) =>
      action === "SendRawEmail" && n === 3 ? "MessageRejected" : null,
    );
    const ctx = await mailCtx(env, local);
    await addActive(ctx, 20);
    const n = await readyDraft(ctx);
    await startSend(ctx, n);

    const result = await runSend(ctx, n);

    expect(result.status).toBe("sent");
    expect(local.messages()).toHaveLength(19);
    const failed = (await ctx.store.deliveries.list(n)).filter((d) => d.status === "failed");
    expect(failed).toHaveLength(1);
    expect(failed[0]?.error).toMatch(/MessageRejected/);
    expect(perDestination(local).has(failed[0]!.email)).toBe(false);
    expect((await getIssue(ctx, n)).delivery).toMatchObject({ total: 20, sent: 19, failed: 1, pending: 0 });
  });

  it("sends each recipient once when two runners start at the same time", async () => {
    const local = await ses(1000);
    const ctx = await mailCtx(env, local);
    const subs = await addActive(ctx, 120);
    const n = await readyDraft(ctx);
    await startSend(ctx, n);

    const results = await Promise.all([runSend(ctx, n, { leaseMs: 600 }), runSend(ctx, n, { leaseMs: 600 })]);

    expect(results.map((r) => r.status).sort()).toEqual(
      results.some((r) => r.status === "busy") ? ["busy", "sent"] : ["not_sending", "sent"],
    );
    const counts = perDestination(local);
    for (const s of subs) expect(counts.get(s.email), s.email).toBe(1);
    expect((await getIssue(ctx, n)).delivery).toMatchObject({ total: 120, sent: 120 });
  });

  it("stops claiming at a deadline, hands over to a continuation job, and the continuation finishes", async () => {
    const local = await ses(40);
    const { jobs, enqueued } = recordingJobs();
    const ctx = await mailCtx(env, local, { jobs });
    const subs = await addActive(ctx, 60);
    const n = await readyDraft(ctx);
    await startSend(ctx, n);
    enqueued.length = 0;

    const first = await runSend(ctx, n, { deadline: Date.now() + 500 });
    expect(first.status).toBe("continued");
    expect(enqueued).toEqual([{ kind: "send", payload: { issueNumber: n } }]);
    if (first.status !== "continued") throw new Error("unreachable");
    expect(first.delivery.sent).toBeGreaterThan(0);
    expect(first.delivery.sent).toBeLessThan(60);
    expect(first.delivery).toMatchObject({ total: 60, ambiguous: 0, failed: 0 });
    expect(first.delivery.pending).toBe(60 - first.delivery.sent);
    expect((await getIssue(ctx, n)).status).toBe("sending");

    // the lease was freed: the continuation starts at once
    const second = await runSend(ctx, n);
    expect(second).toMatchObject({
      status: "sent",
      delivery: { total: 60, sent: 60, pending: 0, ambiguous: 0 },
    });
    const counts = perDestination(local);
    for (const s of subs) expect(counts.get(s.email), s.email).toBe(1);
  });

  it("reports a claim left by a runner that died as ambiguous and never sends it again", async () => {
    const local = await ses(500);
    const ctx = await mailCtx(env, local);
    const [lost, ...others] = await addActive(ctx, 5);
    const n = await readyDraft(ctx);
    await startSend(ctx, n);
    // a runner claimed `lost` and died before it recorded SES's answer
    await ctx.store.deliveries.claim({
      issueNumber: n,
      subscriberId: lost!.id,
      email: lost!.email,
      status: "claimed",
      claimedAt: new Date().toISOString(),
      sentAt: null,
      messageId: null,
      error: null,
      runner: "dead-runner",
    });

    const result = await runSend(ctx, n);

    expect(result).toMatchObject({
      status: "sent",
      delivery: { total: 5, sent: 4, failed: 0, ambiguous: 1, pending: 0 },
      ambiguous: [{ subscriberId: lost!.id, email: lost!.email }],
    });
    expect(perDestination(local).has(lost!.email)).toBe(false);
    for (const s of others) expect(perDestination(local).get(s.email)).toBe(1);
    // The issue's counts report it to the editor.
    expect((await getIssue(ctx, n)).delivery).toEqual({
      total: 5,
      sent: 4,
      failed: 0,
      pending: 0,
      ambiguous: 1,
    });
    expect(await ctx.store.deliveries.counts(n)).toMatchObject({ ambiguous: 1, failed: 0 });
  });

  it("gives up on an SES call that never answers: ambiguous, reported, not tried again", async () => {
    // A loopback SES that answers GetSendQuota and leaves every SendRawEmail hanging.
    const calls: string[] = [];
    const hanging = createServer((req, res) => {
      let body = "";
      req.on("data", (d) => {
        body += String(d);
      });
      req.on("end", () => {
        const action = new URLSearchParams(body).get("Action") ?? "";
        calls.push(action);
        if (action === "GetSendQuota") {
          res
            .writeHead(200, { "content-type": "text/xml" })
            .end(
              `<GetSendQuotaResponse xmlns="http://ses.amazonaws.com/doc/2010-12-01/"><GetSendQuotaResult><Max24HourSend>1000</Max24HourSend><MaxSendRate>50</MaxSendRate><SentLast24Hours>0</SentLast24Hours></GetSendQuotaResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></GetSendQuotaResponse>`,
            );
        }
      });
    });
    await new Promise<void>((r) => hanging.listen(0, "127.0.0.1", r));
    try {
      const endpoint = `http://127.0.0.1:${(hanging.address() as AddressInfo).port}`;
      const ctx = await env.ctx({ env: { ...MAIL_ENV, SES_ENDPOINT: endpoint } });
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
      expect(calls.filter((a) => a === "SendRawEmail")).toHaveLength(3);
    } finally {
      hanging.closeAllConnections();
      await new Promise((r) => hanging.close(r));
    }
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

  it("skips subscribers who are not active", async () => {
    const local = await ses(200);
    const ctx = await mailCtx(env, local);
    const [stays, leaves] = await addActive(ctx, 2);
    const n = await readyDraft(ctx);
    await startSend(ctx, n);
    await ctx.store.subscribers.transition(leaves!.id, ["active"], { status: "unsubscribed" });
    await runSend(ctx, n);
    expect([...perDestination(local).keys()]).toEqual([stays!.email]);
  });
});

describe("resumeSends", () => {
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
});

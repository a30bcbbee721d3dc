/**
 * The send routes against dynalite and the local SES endpoint: start once (202, then 409), test
 * copies, and the unsubscribe links of real sent mail.
 */
import { runSend } from "@wkn/core/mail/send";
import { subscriberIdOf } from "@wkn/core/subscribers/address";
import { startTestEnv, type TestEnv } from "@wkn/testing";
import { testClient } from "@wkn/testing/api";
import {
  addActive,
  claimByDeadRunner,
  mailCtx,
  perDestination,
  readyDraft,
  recordingJobs,
  type SesHandle,
  startSes,
} from "@wkn/testing/mail";
import PostalMime from "postal-mime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

let env: TestEnv;
let sesHandle: SesHandle;
beforeAll(async () => {
  env = await startTestEnv();
  sesHandle = await startSes(500);
});
afterAll(async () => {
  await sesHandle.close();
  await env.close();
});

async function setup() {
  const { jobs, enqueued } = recordingJobs();
  const ctx = await mailCtx(env, sesHandle.ses, { jobs });
  return { ctx, enqueued, api: testClient(ctx) };
}

/**
 * readyDraft's items are on blog.example, which never resolves (dead links): these tests are about
 * sending, so they send anyway, and nothing is fetched. The link check has its own tests
 * (links.test.ts).
 */
const SEND_ANYWAY = { ignoreDeadLinks: true };

const header = (mail: { headers: { key: string; value: string }[] }, key: string) =>
  mail.headers.find((h) => h.key === key.toLowerCase())?.value;

describe("POST /api/issues/:id/send", () => {
  it("answers 202 with the issue in sending, enqueues one job, and 409 the second time", async () => {
    const { ctx, enqueued, api } = await setup();
    const n = await readyDraft(ctx);
    const res = await api.post(`/api/issues/${n}/send`, SEND_ANYWAY);
    expect(res.status).toBe(202);
    const body = await res.json();
    expect(body).toMatchObject({
      id: String(n),
      number: n,
      status: "sending",
      delivery: { sent: 0, failed: 0 },
    });
    expect(enqueued).toEqual([{ kind: "send", payload: { issueNumber: n } }]);

    const again = await api.post(`/api/issues/${n}/send`, SEND_ANYWAY);
    expect(again.status).toBe(409);
    expect((await again.json()).error.code).toBe("conflict");
    expect(enqueued).toHaveLength(1);
  });

  it("lets one of two concurrent requests start the send", async () => {
    const { ctx, enqueued, api } = await setup();
    const n = await readyDraft(ctx);
    const statuses = (
      await Promise.all([
        api.post(`/api/issues/${n}/send`, SEND_ANYWAY),
        api.post(`/api/issues/${n}/send`, SEND_ANYWAY),
      ])
    ).map((r) => r.status);
    expect(statuses.sort()).toEqual([202, 409]);
    expect(enqueued).toHaveLength(1);
  });

  it("refuses an empty issue (400 naming sections), an unknown one (404), and needs the token", async () => {
    const { ctx, api } = await setup();
    const empty = (await (await api.post("/api/issues", {})).json()) as { number: number };
    const res = await api.post(`/api/issues/${empty.number}/send`);
    expect(res.status).toBe(400);
    expect((await res.json()).error.details[0].field).toBe("sections");
    expect((await api.post("/api/issues/999/send")).status).toBe(404);
    expect((await api.post("/api/issues/abc/send")).status).toBe(404);
    const n = await readyDraft(ctx);
    expect((await api.post(`/api/issues/${n}/send`, {}, { authorization: "Bearer wrong" })).status).toBe(401);
  });

  it("shows the delivery counts once the job has run", async () => {
    const { ctx, api } = await setup();
    await addActive(ctx, 3);
    const n = await readyDraft(ctx);
    await api.post(`/api/issues/${n}/send`, SEND_ANYWAY);
    await runSend(ctx, n);
    const issue = await (await api.get(`/api/issues/${n}`)).json();
    expect(issue).toMatchObject({ status: "sent", delivery: { total: 3, sent: 3, failed: 0, pending: 0 } });
    expect(issue.sentAt).toEqual(expect.any(String));
  });
});

describe("POST /api/issues/:id/test", () => {
  it("validates the addresses: at least one, at most ten, each named by its place", async () => {
    const { ctx, api } = await setup();
    const n = await readyDraft(ctx);
    const bad = await api.post(`/api/issues/${n}/test`, { to: ["editor@example.org", "not an address"] });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.details[0].field).toBe("to.1");
    const many = Array.from({ length: 11 }, (_, i) => `e${i}@example.org`);
    const tooMany = await api.post(`/api/issues/${n}/test`, { to: many });
    expect(tooMany.status).toBe(400);
    expect((await tooMany.json()).error.details[0].field).toBe("to");
    expect((await api.post(`/api/issues/${n}/test`, { to: [] })).status).toBe(400);
    expect((await api.post(`/api/issues/${n}/test`, {})).status).toBe(400);
    expect((await api.post("/api/issues/999/test", { to: ["editor@example.org"] })).status).toBe(404);
  });

  it("mails a marked copy, records no delivery and leaves the issue a draft", async () => {
    const { ctx, api } = await setup();
    const n = await readyDraft(ctx);
    const before = sesHandle.ses.messages().length;
    const res = await api.post(`/api/issues/${n}/test`, { to: ["Editor@Example.org", "second@example.org"] });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toEqual({
      sent: [
        { to: "editor@example.org", messageId: expect.any(String) },
        { to: "second@example.org", messageId: expect.any(String) },
      ],
      failed: [],
    });
    const copies = sesHandle.ses.messages().slice(before);
    expect(copies.map((m) => m.destinations[0])).toEqual(["editor@example.org", "second@example.org"]);
    expect(copies.map((m) => m.id)).toEqual(body.sent.map((s: { messageId: string }) => s.messageId));
    const mail = await PostalMime.parse(copies[0]!.raw);
    expect(mail.subject).toBe(`[TEST] Weekly Kaggle News #${n}`);
    expect(header(mail, "X-Newsletter-Test")).toBe("1");
    expect(mail.html).toContain("Post one a");
    expect(await ctx.store.deliveries.list(n)).toEqual([]);
    expect((await ctx.store.issues.get(n))?.status).toBe("draft");
  });

  it("works for an issue already sent, from its snapshot", async () => {
    const { ctx, api } = await setup();
    const n = await readyDraft(ctx);
    await api.post(`/api/issues/${n}/send`, SEND_ANYWAY);
    await runSend(ctx, n);
    const res = await api.post(`/api/issues/${n}/test`, { to: ["editor@example.org"] });
    expect(res.status).toBe(200);
    expect((await ctx.store.issues.get(n))?.status).toBe("sent");
    expect(await ctx.store.deliveries.list(n)).toEqual([]);
  });
});

describe("unsubscribing with the link of a sent message", () => {
  it("GET shows a page and changes nothing, one-click POST unsubscribes, the next issue skips the address", async () => {
    const { ctx, api } = await setup();
    const ses = sesHandle.ses;
    const subs = await addActive(ctx, 3, "unsub");
    const ann = subs[0]!;
    const first = await readyDraft(ctx, "first");
    await api.post(`/api/issues/${first}/send`, SEND_ANYWAY);
    await runSend(ctx, first);

    const message = ses.messages().find((m) => m.destinations[0] === ann.email)!;
    const parsed = await PostalMime.parse(message.raw);
    const link = new URL(header(parsed, "List-Unsubscribe")!.replace(/^<|>$/g, ""));
    expect(header(parsed, "List-Unsubscribe-Post")).toBe("List-Unsubscribe=One-Click");
    const path = `${link.pathname}${link.search}`;

    const page = await api.app.request(`http://localhost${path}`);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/text\/html/);
    expect((await ctx.store.subscribers.get(ann.id))?.status).toBe("active");

    const oneClick = await api.app.request(`http://localhost${path}`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "List-Unsubscribe=One-Click",
    });
    expect(oneClick.status).toBe(200);
    expect((await ctx.store.subscribers.get(subscriberIdOf(ann.email)))?.status).toBe("unsubscribed");

    const second = await readyDraft(ctx, "second");
    await api.post(`/api/issues/${second}/send`, SEND_ANYWAY);
    const result = await runSend(ctx, second);
    expect(result).toMatchObject({ status: "sent", delivery: { total: 2, sent: 2 } });
    const counts = perDestination(ses);
    expect(counts.get(ann.email)).toBe(1);
    expect(counts.get(subs[1]!.email)).toBe(2);
    expect(counts.get(subs[2]!.email)).toBe(2);
  });
});

describe("when a send goes wrong", () => {
  it("shows a paused send's reason on the issue, and POST /resume continues it (409 for a draft)", async () => {
    const handle = await startSes(300, undefined, { verifiedIdentities: ["elsewhere.example"] });
    try {
      const { jobs, enqueued } = recordingJobs();
      const ctx = await mailCtx(env, handle.ses, { jobs });
      const api = testClient(ctx);
      await addActive(ctx, 4);
      const n = await readyDraft(ctx);
      expect((await api.post(`/api/issues/${n}/resume`)).status).toBe(409); // a draft
      await api.post(`/api/issues/${n}/send`, SEND_ANYWAY);
      enqueued.length = 0;
      await runSend(ctx, n);

      const paused = await (await api.get(`/api/issues/${n}`)).json();
      expect(paused).toMatchObject({
        status: "paused",
        delivery: {
          total: 4,
          sent: 0,
          failed: 0,
          pending: 4,
          ambiguous: 0,
          paused: { code: "sender_not_verified", reason: expect.stringMatching(/verify/i) },
          lastError: null,
        },
      });

      handle.ses.configure({ verifiedIdentities: ["news.example.org"] });
      const res = await api.post(`/api/issues/${n}/resume`);
      expect(res.status).toBe(202);
      expect(await res.json()).toMatchObject({ status: "sending", delivery: { paused: null } });
      expect(enqueued).toEqual([{ kind: "send", payload: { issueNumber: n } }]);
      await runSend(ctx, n);
      expect(await (await api.get(`/api/issues/${n}`)).json()).toMatchObject({
        status: "sent",
        delivery: { sent: 4, pending: 0 },
      });
      expect((await api.post(`/api/issues/${n}/resume`)).status).toBe(409); // nothing left
    } finally {
      await handle.close();
    }
  });

  it("POST /resend-ambiguous needs {confirm: true}, says the recipients may get a second copy, and sends them", async () => {
    const { ctx, enqueued, api } = await setup();
    const [lost] = await addActive(ctx, 3, "amb");
    const n = await readyDraft(ctx);
    await api.post(`/api/issues/${n}/send`, SEND_ANYWAY);
    enqueued.length = 0;
    await claimByDeadRunner(ctx, n, lost!);
    await runSend(ctx, n);
    expect((await (await api.get(`/api/issues/${n}`)).json()).delivery.ambiguous).toBe(1);

    const missing = await api.post(`/api/issues/${n}/resend-ambiguous`, {});
    expect(missing.status).toBe(400);
    expect((await missing.json()).error.details[0].field).toBe("confirm");
    const refused = await api.post(`/api/issues/${n}/resend-ambiguous`, { confirm: false });
    expect(refused.status).toBe(400);

    const res = await api.post(`/api/issues/${n}/resend-ambiguous`, { confirm: true });
    expect(res.status).toBe(202);
    const body = await res.json();
    expect(body.resending).toEqual([{ subscriberId: lost!.id, email: lost!.email }]);
    expect(body.warning).toMatch(/second copy/);
    expect(body.issue).toMatchObject({ status: "sent", delivery: { ambiguous: 0, pending: 1 } });
    expect(enqueued).toEqual([{ kind: "send", payload: { issueNumber: n } }]);
    await runSend(ctx, n);
    expect(perDestination(sesHandle.ses).get(lost!.email)).toBe(1);
    expect((await (await api.get(`/api/issues/${n}`)).json()).delivery).toMatchObject({
      sent: 3,
      ambiguous: 0,
    });
    expect((await api.post(`/api/issues/${n}/resend-ambiguous`, { confirm: true })).status).toBe(409);
  });
});

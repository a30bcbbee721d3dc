import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import type { Ctx } from "@wkn/core/context";
import type { JobKind, JobPayloads, Jobs } from "@wkn/core/jobs";
import { type ConfirmJobResult, runConfirmJob } from "@wkn/core/mail/confirm-job";
import { rawDbOf } from "@wkn/core/store/raw";
import { unsubscribeLink } from "@wkn/core/subscribers/links";
import { addSubscriber, suppressAddress } from "@wkn/core/subscribers/manage";
import { signToken } from "@wkn/core/subscribers/tokens";
import { startTestEnv, type TestEnv } from "@wkn/testing";
import { testClient } from "@wkn/testing/api";
import { perDestination, type SesHandle, startSes } from "@wkn/testing/mail";
import type { Element } from "domhandler";
import { DomUtils, parseDocument } from "htmlparser2";
import PostalMime from "postal-mime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pagePolicy } from "../middleware/csp/index.js";

const BASE = "https://news.example.org";
let env: TestEnv;
let ses: SesHandle;

beforeAll(async () => {
  env = await startTestEnv();
  ses = await startSes(1000);
});
afterAll(async () => {
  await ses.close();
  await env.close();
});

/**
 * Jobs run when they are enqueued (the route awaits them), where SQS or the local runner would run
 * them a moment later; a job's error is kept, not answered to the request. `run: false` only records.
 */
function inlineJobs(run: boolean) {
  let ctx: Ctx | undefined;
  const enqueued: { kind: JobKind; payload: unknown }[] = [];
  const results: ConfirmJobResult[] = [];
  const failures: unknown[] = [];
  const jobs: Jobs = {
    async enqueue<K extends JobKind>(kind: K, payload: JobPayloads[K]) {
      enqueued.push({ kind, payload });
      if (!run || kind !== "confirm" || !ctx) return;
      try {
        results.push(await runConfirmJob(ctx, payload as JobPayloads["confirm"]));
      } catch (e) {
        failures.push(e);
      }
    },
  };
  const bind = (c: Ctx) => {
    ctx = c;
  };
  return { jobs, enqueued, results, failures, bind };
}

/** A context on a fresh table, mailing through a local SES endpoint, with a clock tests can move. */
async function setup(opts: { runJobs?: boolean; ses?: SesHandle; env?: Record<string, string> } = {}) {
  const clock = { now: Date.parse("2026-03-02T09:00:00Z") };
  const endpoint = opts.ses ?? ses;
  const jobs = inlineJobs(opts.runJobs ?? true);
  const ctx = await env.ctx({
    env: {
      SES_ENDPOINT: endpoint.ses.endpoint,
      PUBLIC_BASE_URL: BASE,
      FROM_EMAIL: "newsletter@news.example.org",
      // The tests tell clients apart by X-Forwarded-For, as a reverse proxy in front would.
      TRUST_PROXY: "1",
      ...opts.env,
    },
    jobs: jobs.jobs,
    now: () => new Date(clock.now),
  });
  jobs.bind(ctx);
  const t = testClient(ctx);
  const sentBefore = endpoint.ses.messages().length;
  const form = (path: string, fields: Record<string, string>, headers: Record<string, string> = {}) =>
    t.call("POST", path, new URLSearchParams(fields).toString(), {
      "content-type": "application/x-www-form-urlencoded",
      ...headers,
    });
  return {
    ctx,
    t,
    clock,
    form,
    jobs,
    subscribeJson: (email: string, headers?: Record<string, string>) =>
      t.post("/subscribe", { email }, headers),
    /** Messages this test sent, oldest first. */
    mails: () => endpoint.ses.messages().slice(sentBefore),
  };
}

/** The DynamoDB commands sent through the store's client (on the SDK's middleware stack), as `<Operation> <pk up to ":">`. */
function recordCommands(ctx: Ctx) {
  const seen: string[] = [];
  rawDbOf(ctx.store).doc.middlewareStack.add(
    (next, context) => async (args) => {
      const pk = /"pk":(?:\{"S":)?"([^"]+)"/.exec(JSON.stringify(args.input ?? {}))?.[1] ?? "?";
      seen.push(`${(context.commandName ?? "?").replace(/Command$/, "")} ${pk.replace(/:.*$/, "")}`);
      return next(args);
    },
    { step: "initialize", name: "recordCommands" },
  );
  return { take: () => seen.splice(0) };
}

/** The confirm link in the text part of a sent .eml file, read back from the outbox. */
async function confirmLinkIn(file: string): Promise<string> {
  const mail = await PostalMime.parse(await readFile(file));
  const link = mail.text?.match(/https?:\/\/\S+\/confirm\?token=\S+/)?.[0];
  expect(link, mail.text).toBeDefined();
  expect(mail.html).toContain(link!);
  return link!;
}

const pathOf = (link: string) => {
  const u = new URL(link);
  return u.pathname + u.search;
};

async function statusOf(ctx: Ctx, email: string) {
  const { subscriberIdOf, normalizeAddress } = await import("@wkn/core/subscribers/address");
  return (await ctx.store.subscribers.get(subscriberIdOf(normalizeAddress(email)!)))?.status;
}

describe("POST /subscribe → GET /confirm", () => {
  it("sends a confirmation mail with a signed link that confirms the address", async () => {
    const s = await setup();
    const res = await s.form("/subscribe", { email: "  Ann@Example.COM " });
    expect(res.status).toBe(202);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    expect(await res.text()).toContain("Check your inbox");
    expect(await statusOf(s.ctx, "ann@example.com")).toBe("pending");

    const mails = s.mails();
    expect(mails).toHaveLength(1);
    expect(mails[0]!.destinations).toEqual(["ann@example.com"]);
    const mail = await PostalMime.parse(await readFile(mails[0]!.file));
    expect(mail.from?.address).toBe("newsletter@news.example.org");
    expect(mail.subject).toMatch(/Confirm/);
    expect(mail.messageId).toMatch(/@news\.example\.org>$/);
    const link = await confirmLinkIn(mails[0]!.file);
    expect(link.startsWith(`${BASE}/confirm?token=`)).toBe(true);

    const confirmed = await s.t.get(pathOf(link));
    expect(confirmed.status).toBe(200);
    expect(confirmed.headers.get("location")).toBeNull();
    expect(await confirmed.text()).toContain("You are subscribed");
    expect(await statusOf(s.ctx, "ann@example.com")).toBe("active");
    const list = await (await s.t.get("/api/subscribers?status=active")).json();
    expect(list.subscribers).toMatchObject([
      { email: "ann@example.com", status: "active", source: "subscribe" },
    ]);
    expect(list.subscribers[0].confirmedAt).toBe("2026-03-02T09:00:00.000Z");

    // A second click is harmless.
    const again = await s.t.get(pathOf(link));
    expect(again.status).toBe(200);
    expect(await again.text()).toContain("already subscribed");
    expect(s.mails()).toHaveLength(1);
  });

  it("answers a JSON post with JSON, and an invalid address with 400 naming the field", async () => {
    const s = await setup();
    const ok = await s.subscribeJson("bob@example.com");
    expect(ok.status).toBe(202);
    expect(await ok.json()).toMatchObject({ status: "accepted" });

    const bad = await s.subscribeJson("bob at example.com");
    expect(bad.status).toBe(400);
    const err = await bad.json();
    expect(err.error.code).toBe("invalid_request");
    expect(err.error.details).toEqual([{ field: "email", message: "has no @" }]);

    const badForm = await s.form("/subscribe", { email: "bob@localhost" });
    expect(badForm.status).toBe(400);
    expect(badForm.headers.get("content-type")).toMatch(/^text\/html/);
    expect(await badForm.text()).toContain("top-level part");

    const missing = await s.form("/subscribe", {});
    expect(missing.status).toBe(400);
    const plain = await s.t.call("POST", "/subscribe", "bob@example.com", { "content-type": "text/plain" });
    expect(plain.status).toBe(415);
    expect(s.mails()).toHaveLength(1);
  });

  it("answers 202 whatever the address's state, and mails only new, pending and unsubscribed addresses", async () => {
    const s = await setup();
    await addSubscriber(s.ctx, "active@example.com");
    await suppressAddress(s.ctx, "bounced@example.com", "Permanent bounce");
    await addSubscriber(s.ctx, "left@example.com");
    const { subscriberIdOf } = await import("@wkn/core/subscribers/address");
    const leave = await s.t.call("POST", pathOf(unsubscribeLink(s.ctx, subscriberIdOf("left@example.com"))));
    expect(leave.status).toBe(200);
    await s.subscribeJson("waiting@example.com");
    const seeded = s.mails().length;
    expect(seeded).toBe(1);

    const bodies = new Set<string>();
    for (const email of [
      "active@example.com",
      "bounced@example.com",
      "left@example.com",
      "waiting@example.com",
      "new@example.com",
    ]) {
      const res = await s.subscribeJson(email);
      expect(res.status, email).toBe(202);
      bodies.add(await res.text());
    }
    expect(bodies.size).toBe(1); // nothing in the answer tells the states apart
    expect(
      s
        .mails()
        .slice(seeded)
        .map((m) => m.destinations[0]),
    ).toEqual(["left@example.com", "waiting@example.com", "new@example.com"]);
    expect(await statusOf(s.ctx, "active@example.com")).toBe("active");
    expect(await statusOf(s.ctx, "bounced@example.com")).toBe("suppressed");
    expect(await statusOf(s.ctx, "left@example.com")).toBe("pending");

    // A suppressed address is never re-activated, not even by a confirm link signed for it.
    const forged = signToken(s.ctx.config.signingSecret, {
      purpose: "confirm",
      subscriberId: subscriberIdOf("bounced@example.com"),
      now: s.ctx.now(),
    });
    const res = await s.t.get(`/confirm?token=${forged}`);
    expect(res.status).toBe(400);
    expect(await statusOf(s.ctx, "bounced@example.com")).toBe("suppressed");
  });

  it("limits requests per client with 429, and confirmation mails per address silently", async () => {
    const s = await setup();
    const ip = { "x-forwarded-for": "203.0.113.7, 10.0.0.1" };
    for (let i = 0; i < 10; i++) expect((await s.subscribeJson(`u${i}@example.com`, ip)).status).toBe(202);
    const limited = await s.subscribeJson("u10@example.com", ip);
    expect(limited.status).toBe(429);
    expect((await limited.json()).error.code).toBe("rate_limited");
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    const limitedForm = await s.form("/subscribe", { email: "u10@example.com" }, ip);
    expect(limitedForm.status).toBe(429);
    expect(limitedForm.headers.get("content-type")).toMatch(/^text\/html/);
    // another client is not affected
    expect((await s.subscribeJson("u10@example.com", { "x-forwarded-for": "198.51.100.2" })).status).toBe(
      202,
    );
    expect(s.mails()).toHaveLength(11);

    // The same address from many clients: three confirmation mails a day, then 202 and nothing sent.
    for (let i = 0; i < 5; i++) {
      expect((await s.subscribeJson("again@example.com", { "x-forwarded-for": `192.0.2.${i}` })).status).toBe(
        202,
      );
    }
    expect(s.mails().filter((m) => m.destinations[0] === "again@example.com")).toHaveLength(3);
    // a day later the window has passed
    s.clock.now += 24 * 60 * 60 * 1000;
    expect((await s.subscribeJson("again@example.com", ip)).status).toBe(202);
    expect(s.mails().filter((m) => m.destinations[0] === "again@example.com")).toHaveLength(4);
  });
});

describe("POST /subscribe's work", () => {
  it("is the same for a new, pending, unsubscribed, active, suppressed and rate-limited address", async () => {
    const s = await setup({ runJobs: false });
    await runConfirmJob(s.ctx, { email: "pending@example.com" });
    await addSubscriber(s.ctx, "active@example.com");
    await suppressAddress(s.ctx, "bounced@example.com", "Permanent bounce");
    await addSubscriber(s.ctx, "left@example.com");
    const { subscriberIdOf } = await import("@wkn/core/subscribers/address");
    await s.t.call("POST", pathOf(unsubscribeLink(s.ctx, subscriberIdOf("left@example.com"))));
    for (let i = 0; i < 3; i++) await runConfirmJob(s.ctx, { email: "limited@example.com" });
    expect((await runConfirmJob(s.ctx, { email: "limited@example.com" })).outcome).toBe(
      "address_rate_limited",
    );
    expect(await statusOf(s.ctx, "left@example.com")).toBe("unsubscribed");

    const commands = recordCommands(s.ctx);
    const emails = [
      "new@example.com",
      "pending@example.com",
      "left@example.com",
      "active@example.com",
      "bounced@example.com",
      "limited@example.com",
    ];
    const work = [];
    for (const [i, email] of emails.entries()) {
      s.jobs.enqueued.length = 0;
      // a client of its own each time: the client's limit is the same fresh window for every address
      const res = await s.subscribeJson(email.toUpperCase(), { "x-forwarded-for": `198.51.100.${i + 1}` });
      expect(res.status, email).toBe(202);
      work.push({ body: await res.text(), commands: commands.take(), jobs: [...s.jobs.enqueued] });
      expect(work[i]!.jobs, email).toEqual([{ kind: "confirm", payload: { email } }]);
    }
    // the client's rate limit (a new window: the count fails its condition, the window is opened), nothing else
    expect(work[0]!.commands).toEqual(["UpdateItem RATE#subscribe-client", "PutItem RATE#subscribe-client"]);
    for (const [i, w] of work.entries()) {
      expect(w.commands, emails[i]).toEqual(work[0]!.commands);
      expect(w.body, emails[i]).toBe(work[0]!.body);
    }
    // and an invalid address does no more than that, and enqueues nothing
    s.jobs.enqueued.length = 0;
    expect((await s.subscribeJson("not an address", { "x-forwarded-for": "198.51.100.99" })).status).toBe(
      400,
    );
    expect(commands.take()).toEqual(work[0]!.commands);
    expect(s.jobs.enqueued).toEqual([]);
  });

  it("leaves every confirmation of 25 requests at once to the jobs, which send all 25 at the SES rate", async () => {
    const slow = await startSes(10);
    try {
      const s = await setup({ ses: slow, env: { SES_MAX_SEND_RATE: "10" } });
      const emails = Array.from({ length: 25 }, (_, i) => `burst${i}@example.com`);
      const answers = await Promise.all(
        emails.map((email, i) => s.subscribeJson(email, { "x-forwarded-for": `203.0.113.${i + 1}` })),
      );
      expect(answers.map((r) => r.status)).toEqual(emails.map(() => 202));
      expect(s.jobs.failures).toEqual([]);
      expect(s.jobs.results.map((r) => r.outcome)).toEqual(emails.map(() => "confirmation_sent"));
      expect([...perDestination(slow.ses)].sort()).toEqual(emails.map((e) => [e, 1]).sort());
      // one pacer for all the jobs: together they never went over the rate
      expect(slow.ses.stats().throttled).toBe(0);
      for (const email of emails) expect(await statusOf(s.ctx, email)).toBe("pending");
    } finally {
      await slow.close();
    }
  });
});

describe("bad tokens", () => {
  it("answer 400 with a page for tampered, expired, wrong-purpose and missing tokens", async () => {
    const s = await setup();
    await s.form("/subscribe", { email: "ann@example.com" });
    const link = await confirmLinkIn(s.mails()[0]!.file);
    const token = new URL(link).searchParams.get("token")!;
    const tampered = `${token.slice(0, -2)}${token.endsWith("AA") ? "BB" : "AA"}`;
    const { subscriberIdOf } = await import("@wkn/core/subscribers/address");
    const unsub = new URL(unsubscribeLink(s.ctx, subscriberIdOf("ann@example.com"))).searchParams.get(
      "token",
    )!;

    const cases: [string, string, RegExp][] = [
      ["GET", `/confirm?token=${tampered}`, /not valid/],
      ["GET", "/confirm", /incomplete or damaged/],
      ["GET", `/confirm?token=${unsub}`, /meant for something else/],
      ["GET", `/unsubscribe?token=${token}`, /meant for something else/],
      ["GET", `/unsubscribe?token=${unsub.slice(0, 20)}`, /incomplete or damaged/],
      ["POST", `/unsubscribe?token=${token}`, /meant for something else/],
    ];
    for (const [method, path, message] of cases) {
      const res = await s.t.call(method, path);
      expect(res.status, path).toBe(400);
      expect(res.headers.get("content-type"), path).toMatch(/^text\/html/);
      expect(await res.text(), path).toMatch(message);
    }
    // one week later the confirm link has expired
    s.clock.now += 7 * 24 * 60 * 60 * 1000 + 1000;
    const expired = await s.t.get(pathOf(link));
    expect(expired.status).toBe(400);
    expect(await expired.text()).toMatch(/expired/);
    expect(await statusOf(s.ctx, "ann@example.com")).toBe("pending");
  });
});

describe("/unsubscribe", () => {
  it("shows a button on GET without changing anything, unsubscribes on POST, idempotently", async () => {
    const s = await setup();
    const sub = await addSubscriber(s.ctx, "ann@example.com");
    const path = pathOf(unsubscribeLink(s.ctx, sub.id));

    for (let i = 0; i < 2; i++) {
      const page = await s.t.get(path);
      expect(page.status).toBe(200);
      const html = await page.text();
      expect(html).toMatch(/<form method="post" action="\?token=[^"]+">/);
      expect(html).toContain(">Unsubscribe</button>");
    }
    expect(await statusOf(s.ctx, "ann@example.com")).toBe("active");

    const done = await s.form(path, {});
    expect(done.status).toBe(200);
    expect(await done.text()).toContain("You are unsubscribed");
    expect(await statusOf(s.ctx, "ann@example.com")).toBe("unsubscribed");
    const again = await s.form(path, {});
    expect(again.status).toBe(200);
    expect(await statusOf(s.ctx, "ann@example.com")).toBe("unsubscribed");
    const list = await (await s.t.get("/api/subscribers?status=unsubscribed")).json();
    expect(list.subscribers.map((x: { email: string }) => x.email)).toEqual(["ann@example.com"]);
    expect((await (await s.t.get("/api/subscribers")).json()).subscribers).toEqual([]);
  });

  it("takes RFC 8058 one-click posts, form-encoded or multipart", async () => {
    const s = await setup();
    const a = await addSubscriber(s.ctx, "ann@example.com");
    const b = await addSubscriber(s.ctx, "bob@example.com");

    const res = await s.form(pathOf(unsubscribeLink(s.ctx, a.id)), { "List-Unsubscribe": "One-Click" });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(await statusOf(s.ctx, "ann@example.com")).toBe("unsubscribed");

    const multipart = new FormData();
    multipart.set("List-Unsubscribe", "One-Click");
    const res2 = await s.t.app.request(`http://localhost${pathOf(unsubscribeLink(s.ctx, b.id))}`, {
      method: "POST",
      body: multipart,
    });
    expect(res2.status).toBe(200);
    expect(await statusOf(s.ctx, "bob@example.com")).toBe("unsubscribed");

    // an old confirm link does not bring an unsubscribed address back
    const confirm = signToken(s.ctx.config.signingSecret, {
      purpose: "confirm",
      subscriberId: a.id,
      now: s.ctx.now(),
    });
    const back = await s.t.get(`/confirm?token=${confirm}`);
    expect(back.status).toBe(400);
    expect(await back.text()).toContain("no longer valid");
    expect(await statusOf(s.ctx, "ann@example.com")).toBe("unsubscribed");
  });
});

/** A page's parts a reader (or a browser test) goes by. */
async function readPage(res: Response) {
  const html = await res.text();
  const doc = parseDocument(html);
  const all = (name: string) => DomUtils.findAll((el) => el.name === name, doc.children);
  const text = (el: Element | undefined) => (el ? DomUtils.textContent(el).replace(/\s+/g, " ").trim() : "");
  return {
    html,
    all,
    lang: all("html")[0]?.attribs.lang,
    h1: text(all("h1")[0]),
    paragraphs: all("p").map(text),
    label: text(all("label")[0]),
    button: text(all("button")[0]),
    form: all("form")[0]?.attribs,
    input: all("input").find((i) => i.attribs.type !== "hidden")?.attribs,
    links: all("a").map((a) => [a.attribs.href, text(a)]),
  };
}

/** The policy is the pages' one, allowing the page's only <style> block by its hash, and no script runs. */
async function expectStrictPage(res: Response, what: string) {
  expect(res.headers.get("content-type"), what).toMatch(/^text\/html/);
  const policy = res.headers.get("content-security-policy");
  expect(policy, what).toBe(pagePolicy());
  const page = await readPage(res);
  expect(page.all("script"), what).toEqual([]);
  expect(page.html, what).not.toMatch(/<script|\son\w+=|javascript:/i);
  const styles = page.all("style").map((el) => DomUtils.textContent(el));
  expect(styles, what).toHaveLength(1);
  const hash = createHash("sha256").update(styles[0]!).digest("base64");
  expect(policy, what).toContain(`style-src 'sha256-${hash}';`);
  expect(
    DomUtils.findAll((el) => "style" in el.attribs, parseDocument(page.html).children),
    what,
  ).toEqual([]);
  expect(
    page.all("meta").some((m) => m.attribs.name === "viewport"),
    what,
  ).toBe(true);
  return page;
}

describe("the readers' pages", () => {
  it("GET /subscribe is a form posting the address to POST /subscribe, which answers check your inbox", async () => {
    const s = await setup();
    const res = await s.t.get("/subscribe");
    expect(res.status).toBe(200);
    const page = await expectStrictPage(res, "GET /subscribe");
    expect(page.lang).toBe("en");
    expect(page.h1).toBe("Subscribe to Weekly Kaggle News");
    expect(page.form).toMatchObject({ method: "post", action: "/subscribe" });
    expect(page.label).toBe("Email address");
    expect(page.all("label")[0]?.attribs.for).toBe("email");
    expect(page.input).toMatchObject({
      id: "email",
      name: "email",
      type: "email",
      autocomplete: "email",
      required: "",
    });
    expect(page.button).toBe("Subscribe");
    expect(page.links).toContainEqual(["/issues", "Read past issues"]);

    // what a browser without JavaScript sends
    const sent = await s.form(page.form!.action!, { [page.input!.name!]: "ann@example.com" });
    expect(sent.status).toBe(202);
    const answer = await expectStrictPage(sent, "POST /subscribe");
    expect(answer.h1).toBe("Check your inbox");
    expect(s.mails()).toHaveLength(1);
    // the same page whatever the address's state
    const again = await s.form("/subscribe", { email: "ann@example.com" });
    expect((await readPage(again)).html).toBe(answer.html);
  });

  it("every page carries the strict policy and no script: confirm, unsubscribe, errors", async () => {
    const s = await setup();
    await s.form("/subscribe", { email: "ann@example.com" });
    const link = await confirmLinkIn(s.mails()[0]!.file);
    const { subscriberIdOf } = await import("@wkn/core/subscribers/address");
    const unsub = pathOf(unsubscribeLink(s.ctx, subscriberIdOf("ann@example.com")));

    const confirmed = await expectStrictPage(await s.t.get(pathOf(link)), "confirm");
    expect(confirmed.h1).toBe("You are subscribed");
    expect(confirmed.links).toContainEqual(["/issues", "Read past issues"]);
    await expectStrictPage(await s.t.get("/confirm?token=x"), "bad confirm");
    const bad = await expectStrictPage(await s.form("/subscribe", { email: "ann@localhost" }), "bad address");
    expect(bad.input?.value).toBe("ann@localhost"); // the form again, to correct it
    const ask = await expectStrictPage(await s.t.get(unsub), "unsubscribe");
    expect([ask.h1, ask.button]).toEqual(["Unsubscribe from Weekly Kaggle News?", "Unsubscribe"]);
    const done = await expectStrictPage(await s.form(unsub, {}), "unsubscribed");
    expect(done.h1).toBe("You are unsubscribed");
    await expectStrictPage(await s.t.get("/unsubscribe"), "bad unsubscribe");
    // the JSON answer stays JSON
    expect((await s.subscribeJson("bob@example.com")).headers.get("content-type")).toMatch(/json/);
  });

  it("speak Japanese with NEWSLETTER_LANG=ja, and so does the confirmation mail", async () => {
    const s = await setup({ env: { NEWSLETTER_LANG: "ja" } });
    const form = await expectStrictPage(await s.t.get("/subscribe"), "ja GET /subscribe");
    expect(form.lang).toBe("ja");
    expect([form.h1, form.label, form.button]).toEqual([
      "「Weekly Kaggle News」を購読する",
      "メールアドレス",
      "購読する",
    ]);
    expect(form.input).toMatchObject({ name: "email", type: "email", autocomplete: "email" });

    const sent = await readPage(await s.form("/subscribe", { email: "ann@example.com" }));
    expect([sent.lang, sent.h1]).toEqual(["ja", "メールをご確認ください"]);
    const mail = await PostalMime.parse(await readFile(s.mails()[0]!.file));
    expect(mail.subject).toBe("「Weekly Kaggle News」購読のご確認");
    expect(mail.text).toContain("以下のリンクから確認をお願いします");
    expect(mail.html).toContain('lang="ja"');

    const link = await confirmLinkIn(s.mails()[0]!.file);
    const confirmed = await readPage(await s.t.get(pathOf(link)));
    expect(confirmed.h1).toBe("購読の登録が完了しました");
    expect(confirmed.links).toContainEqual(["/issues", "過去の号を読む"]);
    expect((await readPage(await s.t.get(pathOf(link)))).h1).toBe("すでに購読されています");

    const { subscriberIdOf } = await import("@wkn/core/subscribers/address");
    const unsub = pathOf(unsubscribeLink(s.ctx, subscriberIdOf("ann@example.com")));
    const ask = await readPage(await s.t.get(unsub));
    expect([ask.h1, ask.button]).toEqual(["「Weekly Kaggle News」の購読を解除しますか？", "購読を解除する"]);
    expect((await readPage(await s.form(unsub, {}))).h1).toBe("購読を解除しました");
    const oneClick = await s.form(unsub, { "List-Unsubscribe": "One-Click" });
    expect(await oneClick.text()).toBe("購読を解除しました。");

    const broken = await readPage(await s.t.get("/confirm?token=x"));
    expect([broken.h1, broken.paragraphs[1]]).toEqual([
      "このリンクは使用できません",
      "リンクが途中で切れているか、壊れています。",
    ]);
    const bad = await readPage(await s.form("/subscribe", { email: "ann@localhost" }));
    expect(bad.h1).toBe("メールアドレスをご確認ください");
  });
});

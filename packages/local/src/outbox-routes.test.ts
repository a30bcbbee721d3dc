import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SESClient, SendEmailCommand, SendRawEmailCommand } from "@aws-sdk/client-ses";
import { createApp } from "@wkn/api";
import { startTestEnv, TEST_TOKEN, type TestEnv } from "@wkn/testing";
import MailComposer from "nodemailer/lib/mail-composer";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { outboxRoutes } from "./outbox-routes.js";
import { startLocalSes } from "./ses/index.js";

let env: TestEnv;
beforeAll(async () => {
  env = await startTestEnv();
});
afterAll(() => env.close());

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

const FRAMED_CSP =
  "sandbox; default-src 'none'; img-src https: http: data:; style-src 'unsafe-inline'; frame-ancestors 'self'";

/** The local SES endpoint writing into a fresh DATA_DIR/outbox, on a clock that moves a second per call. */
async function outbox() {
  const dir = await mkdtemp(join(tmpdir(), "outbox-routes-"));
  const outboxDir = join(dir, "data", "outbox");
  let clock = Date.parse("2026-03-02T09:00:00.000Z");
  const ses = await startLocalSes({ outboxDir, maxSendRate: 100, now: () => (clock += 1000) });
  const client = new SESClient({
    endpoint: ses.endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
    maxAttempts: 1,
  });
  cleanups.push(async () => {
    client.destroy();
    await ses.close();
    await rm(dir, { recursive: true, force: true });
  });
  const app = createApp(await env.ctx(), { localRoutes: outboxRoutes(outboxDir), outbox: true });
  const get = (path: string, headers: Record<string, string> = { authorization: `Bearer ${TEST_TOKEN}` }) =>
    app.request(`http://localhost${path}`, { headers });
  const sendRaw = async (subject: string, html: string) => {
    const raw = await new MailComposer({
      from: '"Weekly Kaggle News" <news@example.com>',
      to: "Reader <reader@example.org>",
      cc: "second@example.org",
      subject,
      text: `Text of ${subject}`,
      html,
      headers: { "X-Issue-Number": "72" },
    })
      .compile()
      .build();
    await client.send(new SendRawEmailCommand({ RawMessage: { Data: raw } }));
  };
  const sendText = (subject: string, text: string) =>
    client.send(
      new SendEmailCommand({
        Source: "news@example.com",
        Destination: { ToAddresses: ["plain@example.org"] },
        Message: { Subject: { Data: subject }, Body: { Text: { Data: text } } },
      }),
    );
  return { dir, outboxDir, app, get, sendRaw, sendText };
}

type Summary = { id: string; date: string; from: string; to: string[]; subject: string; size: number };

describe("GET /api/outbox", () => {
  it("lists the messages the local SES wrote, newest first, with a limit", async () => {
    const o = await outbox();
    expect(await (await o.get("/api/outbox")).json()).toEqual({ messages: [] }); // nothing sent yet
    await o.sendRaw("First issue", "<p>One</p>");
    await o.sendRaw("Second issue — 日本語の件名", "<p>Two</p>");
    await o.sendText("Plain one", "Just text");

    const res = await o.get("/api/outbox");
    expect(res.status).toBe(200);
    const { messages } = (await res.json()) as { messages: Summary[] };
    expect(messages.map((m) => m.subject)).toEqual([
      "Plain one",
      "Second issue — 日本語の件名",
      "First issue",
    ]);
    const files = (await readdir(o.outboxDir)).sort().reverse();
    expect(messages.map((m) => `${m.id}.eml`)).toEqual(files);
    expect(messages[1]).toMatchObject({
      from: "Weekly Kaggle News <news@example.com>",
      to: ["Reader <reader@example.org>", "second@example.org"],
      size: expect.any(Number),
    });
    expect(Date.parse(messages[1]!.date)).not.toBeNaN();
    expect(messages[0]).toMatchObject({ from: "news@example.com", to: ["plain@example.org"] });

    const limited = (await (await o.get("/api/outbox?limit=1")).json()) as { messages: Summary[] };
    expect(limited.messages.map((m) => m.subject)).toEqual(["Plain one"]);
    const bad = await o.get("/api/outbox?limit=0");
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.details[0].field).toBe("limit");
  });

  it("needs the editor token, is documented, and is no route of an app without it", async () => {
    const o = await outbox();
    expect((await o.get("/api/outbox", {})).status).toBe(401);
    expect((await o.get("/api/outbox/x", { authorization: "Bearer wrong" })).status).toBe(401);
    const doc = (await (await o.get("/api/openapi.json")).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(["/api/outbox", "/api/outbox/{id}", "/api/outbox/{id}/html"]),
    );
    const session = await (await o.get("/api/session")).json();
    expect(session.outbox).toBe(true);

    const plain = createApp(await env.ctx());
    const res = await plain.request("http://localhost/api/outbox", {
      headers: { authorization: `Bearer ${TEST_TOKEN}` },
    });
    expect(res.status).toBe(404);
  });
});

describe("GET /api/outbox/:id and /html", () => {
  it("answers one message parsed: headers, subject, addresses, date, HTML and text", async () => {
    const o = await outbox();
    await o.sendRaw("An issue", '<p style="color:red">Hello <img src="https://img.example/a.png"></p>');
    const [summary] = ((await (await o.get("/api/outbox")).json()) as { messages: Summary[] }).messages;
    const res = await o.get(`/api/outbox/${summary!.id}`);
    expect(res.status).toBe(200);
    const m = await res.json();
    expect(m).toMatchObject({
      id: summary!.id,
      subject: "An issue",
      from: "Weekly Kaggle News <news@example.com>",
      to: ["Reader <reader@example.org>", "second@example.org"],
      date: summary!.date,
    });
    // the parts as sent (MIME ends each with a line break)
    expect(m.html.trimEnd()).toBe('<p style="color:red">Hello <img src="https://img.example/a.png"></p>');
    expect(m.text.trimEnd()).toBe("Text of An issue");
    expect(m.headers).toEqual(expect.arrayContaining([{ name: "X-Issue-Number", value: "72" }]));
    expect(m.headers.map((h: { name: string }) => h.name)).toEqual(
      expect.arrayContaining(["Subject", "From", "To"]),
    );
  });

  it("serves the HTML body sandboxed, frameable by our own origin only; a text-only message as text", async () => {
    const o = await outbox();
    await o.sendRaw("With HTML", "<p>Hi</p><script>alert(1)</script>");
    await o.sendText("Text only", "a < b & <script>");
    const [text, html] = ((await (await o.get("/api/outbox")).json()) as { messages: Summary[] }).messages;

    const res = await o.get(`/api/outbox/${html!.id}/html`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    expect(res.headers.get("content-security-policy")).toBe(FRAMED_CSP);
    expect(res.headers.get("x-frame-options")).toBe("SAMEORIGIN");
    // shown as sent: the sandbox keeps it inert
    expect((await res.text()).trimEnd()).toBe("<p>Hi</p><script>alert(1)</script>");

    const plain = await o.get(`/api/outbox/${text!.id}/html`);
    expect(plain.headers.get("content-security-policy")).toBe(FRAMED_CSP);
    expect((await plain.text()).replace(/\s+<\/pre>$/, "</pre>")).toBe(
      "<pre>a &#60; b &#38; &#60;script&#62;</pre>",
    );
  });

  it("takes only ids the outbox lists: no path traversal, no other folder, no temporary file", async () => {
    const o = await outbox();
    await o.sendRaw("Real", "<p>Real</p>");
    const [real] = ((await (await o.get("/api/outbox")).json()) as { messages: Summary[] }).messages;
    // well-formed names that exist elsewhere: beside the outbox, and a temporary file in it
    const lookalike = real!.id.replace(/^2026/, "2025");
    await writeFile(join(o.outboxDir, "..", `${lookalike}.eml`), "Subject: secret\r\n\r\nsecret");
    await writeFile(join(o.dir, "secret.txt"), "secret");
    await writeFile(join(o.outboxDir, `.${lookalike}.tmp`), "Subject: half\r\n\r\nhalf");

    for (const id of [
      lookalike,
      `${real!.id}.eml`,
      "..%2Fsecret.txt",
      "..%2F..%2Fsecret.txt",
      "%2E%2E%2F%2E%2E%2Fsecret.txt",
      `..%2Foutbox%2F${real!.id}`,
      `${real!.id}%00`,
      "%2Fetc%2Fpasswd",
      `.${lookalike}.tmp`,
    ]) {
      for (const suffix of ["", "/html"]) {
        const res = await o.get(`/api/outbox/${id}${suffix}`);
        expect([400, 404], `${id}${suffix}`).toContain(res.status);
        const body = await res.text();
        expect(body, `${id}${suffix}`).not.toContain("secret");
        expect(body).not.toContain("half");
      }
    }
    expect((await o.get(`/api/outbox/${lookalike}`)).status).toBe(404);
    const traversal = await o.get("/api/outbox/..%2F..%2Fsecret.txt");
    expect(traversal.status).toBe(400);
    expect((await traversal.json()).error.details[0].field).toBe("id");
    expect(((await (await o.get("/api/outbox")).json()) as { messages: Summary[] }).messages).toHaveLength(1);
    expect((await o.get(`/api/outbox/${real!.id}`)).status).toBe(200);
  });
});

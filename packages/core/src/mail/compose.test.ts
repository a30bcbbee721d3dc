import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type LocalSes, startLocalSes } from "@wkn/local/ses/index";
import { startTestEnv, type TestEnv } from "@wkn/testing";
import PostalMime from "postal-mime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { composeMessage, fromAddress, listIdOf } from "./compose.js";
import { sendRaw } from "./ses.js";

const header = (email: { headers: { key: string; value: string }[] }, key: string) =>
  email.headers.find((h) => h.key === key.toLowerCase())?.value;

const unsubscribeUrl = `https://news.example.org/unsubscribe?token=u.${"a".repeat(32)}.t0abcd.${"B".repeat(22)}`;

describe("composeMessage", () => {
  it("builds a newsletter message with both parts, our Message-ID and the one-click unsubscribe headers", async () => {
    const raw = await composeMessage({
      from: fromAddress({ newsletterName: "Weekly Kaggle News", fromEmail: "newsletter@news.example.org" }),
      to: "ann@example.com",
      subject: "Weekly Kaggle News #72 — Grüße",
      html: "<p>Hello <b>Ann</b></p>",
      text: "Hello Ann",
      listUnsubscribeUrl: unsubscribeUrl,
      headers: { "X-Test-Copy": "yes" },
    });
    const text = raw.toString("utf8");
    // The unsubscribe URL is one unfolded, unencoded header line (RFC 2369 / RFC 8058).
    expect(text).toContain(`\r\nList-Unsubscribe: <${unsubscribeUrl}>\r\n`);
    expect(text).toContain("\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n");

    const mail = await PostalMime.parse(raw);
    expect(mail.from).toMatchObject({ name: "Weekly Kaggle News", address: "newsletter@news.example.org" });
    expect(mail.to?.[0]?.address).toBe("ann@example.com");
    expect(mail.subject).toBe("Weekly Kaggle News #72 — Grüße");
    expect(mail.messageId).toMatch(/^<[^@<>\s]+@news\.example\.org>$/);
    expect(mail.text?.trim()).toBe("Hello Ann");
    expect(mail.html?.trim()).toBe("<p>Hello <b>Ann</b></p>");
    expect(header(mail, "List-Unsubscribe")).toBe(`<${unsubscribeUrl}>`);
    expect(header(mail, "X-Test-Copy")).toBe("yes");
    expect(header(mail, "Content-Type")).toMatch(/^multipart\/alternative/);
  });

  it("leaves the unsubscribe headers out of mail that is not newsletter mail, and gives each message its own id", async () => {
    const input = {
      from: "News <n@news.example.org>",
      to: "ann@example.com",
      subject: "Hi",
      html: "<p>x</p>",
      text: "x",
    };
    const [a, b] = await Promise.all([composeMessage(input), composeMessage(input)]);
    const [ma, mb] = await Promise.all([PostalMime.parse(a), PostalMime.parse(b)]);
    expect(header(ma, "List-Unsubscribe")).toBeUndefined();
    expect(header(ma, "List-Unsubscribe-Post")).toBeUndefined();
    expect(ma.messageId).toMatch(/@news\.example\.org>$/);
    expect(ma.messageId).not.toBe(mb.messageId);
  });

  it("sets List-Id: the name and <slug.host>, host from PUBLIC_BASE_URL else FROM_EMAIL's domain", async () => {
    const base = {
      newsletterName: "Weekly Kaggle News",
      newsletterSlug: "weekly-kaggle-news",
      fromEmail: "news@mail.example.org",
    };
    expect(listIdOf({ ...base, publicBaseUrl: "https://news.example.org" })).toBe(
      '"Weekly Kaggle News" <weekly-kaggle-news.news.example.org>',
    );
    expect(listIdOf({ ...base, publicBaseUrl: "http://localhost:3000" })).toBe(
      '"Weekly Kaggle News" <weekly-kaggle-news.mail.example.org>',
    );
    expect(
      listIdOf({
        ...base,
        newsletterName: "週刊Kaggleニュース",
        newsletterSlug: "kaggle",
        publicBaseUrl: "https://news.example.org",
      }),
    ).toBe("<kaggle.news.example.org>");
    const raw = await composeMessage({
      from: "a@example.org",
      to: "b@example.org",
      subject: "s",
      html: "<p>h</p>",
      text: "t",
      listId: listIdOf({ ...base, publicBaseUrl: "https://news.example.org" }),
    });
    // header names are case-insensitive; nodemailer writes "List-ID"
    expect(raw.toString()).toMatch(
      /(^|\r\n)List-Id: "Weekly Kaggle News" <weekly-kaggle-news\.news\.example\.org>\r\n/i,
    );
  });

  it("refuses header injection and headers it owns", async () => {
    const base = { from: "n@news.example.org", to: "ann@example.com", subject: "Hi", html: "x", text: "x" };
    await expect(
      composeMessage({ ...base, headers: { "X-A": "1\r\nBcc: eve@example.com" } }),
    ).rejects.toThrow(/invalid header/);
    await expect(
      composeMessage({ ...base, headers: { "List-Unsubscribe": "<https://x.example>" } }),
    ).rejects.toThrow(/set by the composer/);
    await expect(composeMessage({ ...base, listUnsubscribeUrl: "javascript:alert(1)" })).rejects.toThrow(
      /http/,
    );
  });
});

describe("sendRaw", () => {
  let env: TestEnv;
  let ses: LocalSes;
  let outboxDir: string;
  let calls = 0;
  beforeAll(async () => {
    env = await startTestEnv();
    outboxDir = await mkdtemp(join(tmpdir(), "wkn-outbox-"));
    ses = await startLocalSes({
      outboxDir,
      maxSendRate: 1000,
      fault: ({ action }) => {
        if (action !== "SendRawEmail") return null;
        calls++;
        return calls === 2 ? "Throttling" : calls === 3 ? "MessageRejected" : null;
      },
    });
  });
  afterAll(async () => {
    await ses.close();
    await env.close();
    await rm(outboxDir, { recursive: true, force: true });
  });

  it("hands the raw message to SES and returns its MessageId; SES errors keep their name", async () => {
    const ctx = await env.ctx({
      env: { SES_ENDPOINT: ses.endpoint, FROM_EMAIL: "newsletter@news.example.org" },
    });
    const raw = await composeMessage({
      from: fromAddress(ctx.config),
      to: "ann@example.com",
      subject: "Hi",
      html: "<p>x</p>",
      text: "x",
      listUnsubscribeUrl: unsubscribeUrl,
    });
    const id = await sendRaw(ctx, raw, ["ann@example.com"]);
    const sent = ses.messages();
    expect(sent).toHaveLength(1);
    expect(sent[0]!.id).toBe(id);
    expect(sent[0]!.destinations).toEqual(["ann@example.com"]);
    expect(await readFile(sent[0]!.file)).toEqual(raw);

    await expect(sendRaw(ctx, raw, ["ann@example.com"])).rejects.toMatchObject({ name: "Throttling" });
    await expect(sendRaw(ctx, raw, ["ann@example.com"])).rejects.toMatchObject({ name: "MessageRejected" });
    expect(ses.messages()).toHaveLength(1);
  });
});

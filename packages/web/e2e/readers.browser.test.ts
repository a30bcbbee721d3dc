/**
 * The readers' pages in a browser with JavaScript off (they must work without it): subscribe
 * through the form on /subscribe, "check your inbox", the confirmation mail in the outbox, its
 * link, the confirmation page; the archive with its own form. Each page: lang, a CSP without
 * 'unsafe-inline' scripts, no console errors, nothing wider than a 375 px phone.
 */

import { type FeedServer, startFeedServer } from "@wkn/testing/browser/fixtures";
import {
  capture,
  confirmLink,
  launchBrowser,
  newContext,
  outboxMessagesTo,
  parseCsp,
  type Runtime,
  readOutbox,
  scriptSources,
  startRuntime,
  unexpectedProblems,
  type Watched,
} from "@wkn/testing/browser/harness";
import type { Browser, BrowserContext, Page, Response } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

let feeds: FeedServer;
let runtime: Runtime;
let browser: Browser;
let context: BrowserContext;
let watched: Watched;
let page: Page;

const READER = "reader.one@example.org";
/** The tampered link's 400, which Chromium logs as a failed load: expected. */
const TAMPERED = /confirm\?token=not-a-token: Failed to load resource: .* 400/;

beforeAll(async () => {
  feeds = await startFeedServer();
  [runtime, browser] = await Promise.all([startRuntime({ feeds }), launchBrowser()]);
  ({ context, watched } = await newContext(browser, { javaScriptEnabled: false }));
  page = await context.newPage();
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await runtime?.close();
  await feeds?.close();
});

/** A readers' page answer: a lang, and a CSP whose scripts never run inline. */
function expectReadersHeaders(res: Response | null, what: string) {
  expect(res, what).not.toBeNull();
  const csp = parseCsp(res!.headers()["content-security-policy"]);
  expect(csp.size, `${what}: a Content-Security-Policy header`).toBeGreaterThan(0);
  const scripts = scriptSources(csp);
  expect(scripts, `${what}: script-src or default-src`).toBeDefined();
  expect(scripts, `${what}: scripts`).not.toContain("'unsafe-inline'");
  expect(scripts, `${what}: scripts`).not.toContain("'unsafe-eval'");
}

describe("readers' pages, without JavaScript", () => {
  it("GET /subscribe shows a labelled form", async () => {
    const res = await page.goto(`${runtime.url}/subscribe`);
    expect(res?.status()).toBe(200);
    expectReadersHeaders(res, "/subscribe");
    expect(await page.evaluate(() => document.documentElement.lang)).toBe("en");
    await page.getByRole("heading", { level: 1 }).waitFor();
    await page.getByLabel("Email address").waitFor();
    await page.getByRole("button", { name: "Subscribe" }).waitFor();
    await capture(page, "subscribe");
  });

  it("posting the form shows 'check your inbox' and queues one confirmation mail", async () => {
    await page.getByLabel("Email address").fill(READER);
    const [res] = await Promise.all([
      page.waitForNavigation(),
      page.getByRole("button", { name: "Subscribe" }).click(),
    ]);
    expect(res?.status()).toBe(202);
    expectReadersHeaders(res, "POST /subscribe");
    await page.getByRole("heading", { name: "Check your inbox" }).waitFor();
    await capture(page, "check-your-inbox");

    // The confirm job sends it in the background: wait for the outbox (its API) to hold it.
    await expect
      .poll(async () => (await outboxMessagesTo(runtime, READER)).length, { timeout: 60_000, interval: 250 })
      .toBe(1);
    const [mail] = await outboxMessagesTo(runtime, READER);
    expect(mail!.subject).toMatch(/confirm/i);
    // The files themselves: one message to the reader.
    expect((await readOutbox(runtime.dataDir)).filter((m) => m.to.includes(READER))).toHaveLength(1);
  });

  it("the mail's link confirms the subscription and says so", async () => {
    const [mail] = await outboxMessagesTo(runtime, READER);
    const link = confirmLink(mail!);
    expect(link, "a /confirm?token= link in the confirmation mail").toBeDefined();
    expect(link!.startsWith(`${runtime.url}/confirm?token=`), `${link} is on PUBLIC_BASE_URL`).toBe(true);
    const res = await page.goto(link!);
    expect(res?.status()).toBe(200);
    expectReadersHeaders(res, "/confirm");
    await page.getByRole("heading", { name: "You are subscribed" }).waitFor();
    await capture(page, "confirmed");

    const active = await runtime.api<{ subscribers: { email: string; status: string }[] }>(
      "GET",
      "/api/subscribers?status=active",
    );
    expect(active.body.subscribers.map((s) => s.email)).toContain(READER);
  });

  it("the archive /issues has a subscribe form that works without JavaScript", async () => {
    const res = await page.goto(`${runtime.url}/issues`);
    expect(res?.status()).toBe(200);
    expectReadersHeaders(res, "/issues");
    expect(await page.evaluate(() => document.documentElement.lang)).toBe("en");
    await page.getByLabel("Email address").waitFor();
    await capture(page, "archive");

    await page.getByLabel("Email address").fill("reader.two@example.org");
    const [posted] = await Promise.all([
      page.waitForNavigation(),
      page.getByRole("button", { name: "Subscribe" }).click(),
    ]);
    expect(posted?.status()).toBe(202);
    await page.getByRole("heading", { name: "Check your inbox" }).waitFor();
  });

  it("a confirmation link that was tampered with is refused in words", async () => {
    const res = await page.goto(`${runtime.url}/confirm?token=not-a-token`);
    expect(res?.status()).toBe(400);
    await page.getByRole("heading", { name: "This link does not work" }).waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe("en");
  });

  it("logged no console error, CSP violation or uncaught exception", () => {
    expect(unexpectedProblems(watched, [TAMPERED])).toEqual([]);
  });
});

describe("readers' pages in Japanese (NEWSLETTER_LANG=ja)", () => {
  let ja: Runtime;
  let jaPage: Page;
  beforeAll(async () => {
    ja = await startRuntime({ feeds, env: { NEWSLETTER_LANG: "ja", NEWSLETTER_NAME: "週刊MLニュース" } });
    jaPage = await context.newPage();
  });
  afterAll(async () => {
    await jaPage?.close();
    await ja?.close();
  });

  it("subscribe, check your inbox and confirm speak Japanese, with lang=ja", async () => {
    const res = await jaPage.goto(`${ja.url}/subscribe`);
    expect(res?.status()).toBe(200);
    expect(await jaPage.evaluate(() => document.documentElement.lang)).toBe("ja");
    await jaPage.getByRole("heading", { name: "「週刊MLニュース」を購読する" }).waitFor();
    await capture(jaPage, "subscribe-ja");

    const email = "yamada@example.jp";
    await jaPage.getByLabel("メールアドレス").fill(email);
    await Promise.all([jaPage.waitForNavigation(), jaPage.getByRole("button", { name: "購読する" }).click()]);
    await jaPage.getByRole("heading", { name: "メールをご確認ください" }).waitFor();

    const mine = async () => (await readOutbox(ja.dataDir)).filter((m) => m.to.includes(email));
    await expect.poll(async () => (await mine()).length, { timeout: 60_000, interval: 250 }).toBe(1);
    const [mail] = await mine();
    expect(mail!.subject).toBe("「週刊MLニュース」購読のご確認");
    await jaPage.goto(confirmLink(mail!)!);
    await jaPage.getByRole("heading", { name: "購読の登録が完了しました" }).waitFor();
    await capture(jaPage, "confirmed-ja");
    expect(unexpectedProblems(watched, [TAMPERED])).toEqual([]);
  });
});

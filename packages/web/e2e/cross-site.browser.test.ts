/**
 * Forged requests: with the editor signed in (the session cookie in the browser), a page on
 * another origin (a second loopback server on another port: same site, so the SameSite=Strict
 * cookie is sent) posts forms to the API. Each is refused with 403 `forbidden` (not 401: the
 * cookie came along and the Origin check refused it) and nothing changes. The same request from
 * the editor's own origin goes through, so the refusals are the origin check's doing.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type FeedServer, startFeedServer } from "@wkn/testing/browser/fixtures";
import {
  launchBrowser,
  newContext,
  type Runtime,
  signIn,
  startRuntime,
  unexpectedProblems,
  type Watched,
} from "@wkn/testing/browser/harness";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

let feeds: FeedServer;
let runtime: Runtime;
let browser: Browser;
let context: BrowserContext;
let watched: Watched;
let page: Page;
let evil: Server;
let evilUrl = "";

/** The other origin's pages: each posts one form to the editor's API as soon as it loads. */
function evilPage(target: string, path: string): string {
  const forms: Record<string, string> = {
    // A new source, form-encoded (what a plain HTML form sends).
    "/urlencoded": `<form method="post" action="${target}/api/sources"><input name="kind" value="feed"><input name="url" value="https://attacker.example/feed.xml"></form>`,
    // JSON smuggled in a text/plain body (the classic trick against JSON APIs).
    "/text-plain": `<form method="post" enctype="text/plain" action="${target}/api/subscribers"><input name='{"email":"forged@attacker.example","x":"' value='"}'></form>`,
    // A multipart upload to the CSV import (a type the API takes from its own page).
    "/multipart": `<form method="post" enctype="multipart/form-data" action="${target}/api/subscribers/import"><textarea name="file">email\nmultipart@attacker.example\n</textarea></form>`,
    // Signing the browser into the editor's session (login CSRF) with a form.
    "/session": `<form method="post" action="${target}/api/session"><input name="token" value="guess"></form>`,
  };
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Elsewhere</title></head><body>${
    forms[path] ?? ""
  }<script>document.forms[0].submit()</script></body></html>`;
}

beforeAll(async () => {
  feeds = await startFeedServer();
  [runtime, browser] = await Promise.all([startRuntime({ feeds }), launchBrowser()]);
  evil = createServer((req, res) => {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end(evilPage(runtime.url, new URL(req.url ?? "/", "http://x").pathname));
  });
  await new Promise<void>((resolve) => evil.listen(0, "127.0.0.1", resolve));
  evilUrl = `http://127.0.0.1:${(evil.address() as AddressInfo).port}`;
  ({ context, watched } = await newContext(browser));
  page = await context.newPage();
  await signIn(page, runtime, watched);
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await new Promise<void>((resolve) => (evil ? evil.close(() => resolve()) : resolve()));
  await runtime?.close();
  await feeds?.close();
});

/** What the forged requests could change, read with the bearer token. */
async function state() {
  const sources = await runtime.api<{ sources: { id: string }[] }>("GET", "/api/sources");
  const subscribers = await runtime.api<{ subscribers: { email: string }[] }>("GET", "/api/subscribers");
  return {
    sources: sources.body.sources.map((s) => s.id).sort(),
    subscribers: subscribers.body.subscribers.map((s) => s.email).sort(),
  };
}

/** Opens the other origin's page `path` in a new tab and returns the API's answer to its form. */
async function forged(path: string, apiPath: string) {
  const tab = await context.newPage();
  try {
    const [res] = await Promise.all([
      tab.waitForResponse((r) => r.url() === `${runtime.url}${apiPath}` && r.request().method() === "POST"),
      tab.goto(`${evilUrl}${path}`),
    ]);
    const request = res.request();
    return {
      status: res.status(),
      body: (await res.json().catch(() => undefined)) as { error?: { code: string; message: string } },
      cookieSent: /wkn|session/i.test((await request.allHeaders()).cookie ?? ""),
      origin: (await request.allHeaders()).origin,
    };
  } finally {
    await tab.close();
  }
}

describe("cross-site requests with the session cookie", () => {
  it("the browser holds a session cookie (HttpOnly, SameSite=Strict)", async () => {
    const cookies = await context.cookies(runtime.url);
    const session = cookies.find((c) => c.httpOnly);
    expect(session, `an HttpOnly cookie among ${cookies.map((c) => c.name).join(", ")}`).toBeDefined();
    expect(session!.sameSite).toBe("Strict");
  });

  for (const [path, apiPath] of [
    ["/urlencoded", "/api/sources"],
    ["/text-plain", "/api/subscribers"],
    ["/multipart", "/api/subscribers/import"],
    ["/session", "/api/session"],
  ] as const) {
    it(`a form posted from another origin (${path.slice(1)}) to ${apiPath} is refused with 403 and changes nothing`, async () => {
      const before = await state();
      const answer = await forged(path, apiPath);
      expect(answer.origin, "the browser named the other origin").toBe(evilUrl);
      expect(answer.status, JSON.stringify(answer.body)).toBe(403);
      expect(answer.body?.error?.code).toBe("forbidden");
      expect(await state()).toEqual(before);
    });
  }

  it("a JSON request naming another Origin is refused; from the editor's own origin it goes through", async () => {
    const before = await state();
    const data = { email: "origin-check@example.org" };
    const refused = await page.request.post(`${runtime.url}/api/subscribers`, {
      headers: { origin: evilUrl, "content-type": "application/json" },
      data,
    });
    expect(refused.status()).toBe(403);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("forbidden");
    expect(await state()).toEqual(before);

    // The same request, cookie and all, from our own origin: the cookie alone is enough.
    const allowed = await page.request.post(`${runtime.url}/api/subscribers`, {
      headers: { origin: runtime.url, "content-type": "application/json" },
      data,
    });
    expect(allowed.status()).toBe(201);
    expect((await state()).subscribers).toEqual([...before.subscribers, data.email].sort());
  });

  it("the editor's page is still signed in, and logged nothing unexpected", async () => {
    await page.reload();
    await page.getByRole("navigation", { name: "Editor" }).waitFor();
    // The refused posts are top-level navigations answered 403: Chromium logs each as a failed load.
    expect(unexpectedProblems(watched, [/Failed to load resource: .* 403/])).toEqual([]);
  });
});

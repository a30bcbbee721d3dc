/**
 * The browser suite's harness: a real runtime started as `npm start` starts it (prepareLocal, then
 * startLocal, in this process: dynalite, the local SES endpoint writing DATA_DIR/outbox, the node
 * server with the API, the readers' pages and the editor's page), loopback feeds (fixtures.ts),
 * Debian's Chromium through playwright-core, and the checks every page gets: console errors, CSP
 * violations and uncaught exceptions collected, `lang` present, no horizontal overflow at 375 px,
 * a full-page screenshot at 1280 and 375 px into `.build/screenshots/<name>-<width>.png`.
 *
 * Nothing here waits on the clock: it waits on state (the job runner going idle, Playwright's
 * auto-waiting locators, vitest's `expect.poll` on the API).
 */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadConfig } from "@wkn/core/config";
import { silentLogger } from "@wkn/core/log";
import { prepareLocal } from "@wkn/local/prepare";
import { type LocalRuntime, startLocal } from "@wkn/local/runtime";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import PostalMime from "postal-mime";
import { expect } from "vitest";
import { type FeedServer, routeImages } from "./fixtures.js";

/** The repository's root (this file is packages/testing/src/browser/harness.ts). */
export const ROOT = fileURLToPath(new URL("../../../../", import.meta.url));
export const SCREENSHOTS = join(ROOT, ".build", "screenshots");
export const WIDTHS = [1280, 375] as const;

// ---------------------------------------------------------------------------------------------
// The runtime

export interface Runtime {
  rt: LocalRuntime;
  /** The server's own origin, also PUBLIC_BASE_URL (the Origin check compares with it). */
  url: string;
  token: string;
  dataDir: string;
  /** A request with the editor's bearer token; JSON in and out. */
  api<T = unknown>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
  /** Polls every due source through the job runner and waits until all work (unfurls too) is done. */
  pollAndSettle(): Promise<void>;
  close(): Promise<void>;
}

export interface RuntimeOptions {
  feeds: FeedServer;
  /** More environment (NEWSLETTER_NAME, NEWSLETTER_LANG, …). */
  env?: Record<string, string>;
}

/** A temporary folder removed by `close()`. */
function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export async function startRuntime(opts: RuntimeOptions): Promise<Runtime> {
  const work = tempDir("wkn-browser-");
  const dataDir = join(work, "data");
  const sourcesFile = join(work, "sources.yaml");
  writeFileSync(
    sourcesFile,
    [
      "blogs:",
      "  - id: loopback-blog",
      "    name: Loopback ML Blog",
      "    kind: feed",
      `    url: ${opts.feeds.blogFeed}`,
      "research:",
      "  - id: kenkyu-notes",
      "    name: 研究ノート",
      "    kind: feed",
      `    url: ${opts.feeds.notesFeed}`,
      "",
    ].join("\n"),
  );
  const config = loadConfig({
    PORT: "0",
    HOST: "127.0.0.1",
    DATA_DIR: dataDir,
    SOURCES_FILE: sourcesFile,
    ALLOW_PRIVATE_NETWORK: "1",
    NEWSLETTER_NAME: "Weekly ML News",
    FROM_EMAIL: "newsletter@example.com",
    // Fast local SES: three recipients, a test copy and a confirmation go out at once.
    SES_MAX_SEND_RATE: "50",
    ...opts.env,
  });
  // As main.ts: the checks (the port bound) first, then the runtime on what they took. With
  // PORT=0 the port is known only now; PUBLIC_BASE_URL is the server's own origin, as it is for
  // `npm start` on its default port.
  const prepared = await prepareLocal(config, silentLogger);
  const port = new URL(prepared.http.url).port;
  const url = `http://127.0.0.1:${port}`;
  if (!opts.env?.PUBLIC_BASE_URL) prepared.config.publicBaseUrl = url;
  let rt: LocalRuntime;
  try {
    rt = await startLocal(prepared.config, { log: silentLogger, schedule: false, prepared });
  } catch (e) {
    rmSync(work, { recursive: true, force: true });
    throw e;
  }
  const token = rt.config.editorToken;

  const api = async <T>(method: string, path: string, body?: unknown) => {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body !== undefined ? { "content-type": "application/json" } : {}),
      },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: kept as text
    }
    return { status: res.status, body: parsed as T };
  };

  return {
    rt,
    url,
    token,
    dataDir: rt.config.dataDir,
    api,
    pollAndSettle: async () => {
      await rt.tick();
      await rt.jobs.idle();
    },
    close: async () => {
      try {
        await rt.close();
      } finally {
        rmSync(work, { recursive: true, force: true });
      }
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The outbox (DATA_DIR/outbox/*.eml), read as the assertions' ground truth

export interface Mail {
  file: string;
  to: string[];
  subject: string;
  html: string;
  text: string;
  headers: Record<string, string>;
}

export async function readOutbox(dataDir: string): Promise<Mail[]> {
  const dir = join(dataDir, "outbox");
  if (!existsSync(dir)) return [];
  const files = readdirSync(dir)
    .filter((f) => f.endsWith(".eml"))
    .sort();
  const out: Mail[] = [];
  for (const file of files) {
    const parsed = await PostalMime.parse(readFileSync(join(dir, file)));
    out.push({
      file,
      to: (parsed.to ?? []).map((a) => ("address" in a && a.address ? a.address.toLowerCase() : "")),
      subject: parsed.subject ?? "",
      html: parsed.html ?? "",
      text: parsed.text ?? "",
      headers: Object.fromEntries(parsed.headers.map((h) => [h.key, h.value])),
    });
  }
  return out;
}

/** The outbox through the local run's API (`GET /api/outbox`, `/api/outbox/:id`), as the Outbox view reads it. */
export async function outboxMessagesTo(
  runtime: Runtime,
  email: string,
): Promise<{ id: string; subject: string; to: string[]; html: string; text: string }[]> {
  const list = await runtime.api<{ messages: { id: string; to: string[] }[] }>(
    "GET",
    "/api/outbox?limit=100",
  );
  if (list.status !== 200)
    throw new Error(`GET /api/outbox answered ${list.status}: ${JSON.stringify(list.body)}`);
  const theirs = list.body.messages.filter((m) => m.to.some((t) => t.toLowerCase().includes(email)));
  const out = [];
  for (const m of theirs) {
    const one = await runtime.api<{
      subject: string;
      to: string[];
      html: string | null;
      text: string | null;
    }>("GET", `/api/outbox/${encodeURIComponent(m.id)}`);
    out.push({
      id: m.id,
      subject: one.body.subject,
      to: one.body.to,
      html: one.body.html ?? "",
      text: one.body.text ?? "",
    });
  }
  return out;
}

/** The first `http(s)://…/confirm?token=…` link in a mail. */
export function confirmLink(mail: Pick<Mail, "text" | "html">): string | undefined {
  const m = /https?:\/\/[^\s"'<>]+\/confirm\?token=[^\s"'<>]+/.exec(`${mail.text}\n${mail.html}`);
  return m?.[0].replace(/&amp;/g, "&");
}

// ---------------------------------------------------------------------------------------------
// The browser

export function chromiumPath(): string {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  for (const dir of (process.env.PATH ?? "").split(":").filter(Boolean)) {
    for (const name of ["chromium", "chromium-browser"]) {
      const p = join(dir, name);
      if (existsSync(p)) return p;
    }
  }
  return "/usr/bin/chromium";
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: ["--no-sandbox", "--disable-dev-shm-usage", "--lang=en-US"],
  });
}

export interface Watched {
  /** Console errors (CSP violations among them) and uncaught exceptions, with the page's URL. */
  problems: string[];
  /** Those a step expected and set aside (the signed-out probe's 401). */
  expected: string[];
}

/**
 * A browser context in English at 1280×900 whose pages report every console error, CSP
 * violation and uncaught exception into `watched.problems`, and whose card pictures are answered
 * locally (fixtures.ts).
 */
export async function newContext(
  browser: Browser,
  opts: { javaScriptEnabled?: boolean } = {},
): Promise<{ context: BrowserContext; watched: Watched }> {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 900 },
    locale: "en-US",
    javaScriptEnabled: opts.javaScriptEnabled ?? true,
  });
  // Playwright's own waits (locators, navigations): generous on a loaded 2-core machine.
  context.setDefaultTimeout(60_000);
  context.setDefaultNavigationTimeout(60_000);
  await routeImages(context);
  const watched: Watched = { problems: [], expected: [] };
  const watch = (page: Page) => {
    page.on("console", (msg) => {
      if (msg.type() === "error" || /Content Security Policy/i.test(msg.text()))
        watched.problems.push(`console ${msg.type()} on ${page.url()}: ${msg.text()}`);
    });
    page.on("pageerror", (err) => watched.problems.push(`uncaught on ${page.url()}: ${err.message}`));
  };
  context.on("page", watch);
  return { context, watched };
}

/**
 * Problems that are the test's own doing, not the page's: a deliberately refused request (the
 * cross-site checks) logs "Failed to load resource: … 403" and is expected there.
 */
export function unexpectedProblems(watched: Watched, allow: RegExp[] = []): string[] {
  return watched.problems.filter((p) => !allow.some((re) => re.test(p)));
}

// ---------------------------------------------------------------------------------------------
// Page checks and screenshots

/** The CSP of a response, parsed: directive → sources. */
export function parseCsp(header: string | null | undefined): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const part of (header ?? "").split(";")) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (name) out.set(name.toLowerCase(), values);
  }
  return out;
}

/** The sources that govern scripts: script-src, else default-src. */
export function scriptSources(csp: Map<string, string[]>): string[] | undefined {
  return csp.get("script-src-elem") ?? csp.get("script-src") ?? csp.get("default-src");
}

/** The text of the iframe titled `title` ("" until it has loaded). */
export async function frameText(page: Page, title: string): Promise<string> {
  const handle = await page.locator(`iframe[title="${title}"]`).first().elementHandle();
  const frame = (await handle?.contentFrame()) ?? null;
  if (!frame) return "";
  return frame.evaluate(() => document.body?.textContent ?? "").catch(() => "");
}

export async function htmlLang(page: Page): Promise<string> {
  return page.evaluate(() => document.documentElement.getAttribute("lang") ?? "");
}

/**
 * Saves `<name>-1280.png` and `<name>-375.png` (full page) and checks, softly (the flow goes on):
 * the page has a `lang`, and at 375 px nothing is wider than the screen. Leaves the page at 1280 px.
 */
export async function capture(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const lang = await htmlLang(page);
  expect.soft(lang, `${name}: <html lang>`).toMatch(/^[a-z]{2}(-[A-Za-z0-9]+)?$/);
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: width === 375 ? 812 : 900 });
    // From the top, so a sticky header is drawn where it belongs in the full-page picture.
    // (Reading the layout below forces it; no frame callback: a page without JavaScript runs none.)
    await page.evaluate(() => window.scrollTo(0, 0));
    if (width === 375) {
      const overflow = await page.evaluate(() => {
        const doc = document.documentElement;
        const wide = [...document.querySelectorAll("body *")]
          .filter((el) => el.getBoundingClientRect().right > doc.clientWidth + 1)
          .slice(0, 5)
          .map((el) => {
            const id = el.id ? `#${el.id}` : "";
            const cls =
              typeof el.className === "string" && el.className
                ? `.${el.className.split(/\s+/).join(".")}`
                : "";
            return `${el.tagName.toLowerCase()}${id}${cls} (right ${Math.round(el.getBoundingClientRect().right)})`;
          });
        return { scrollWidth: doc.scrollWidth, wide };
      });
      expect
        .soft(overflow.scrollWidth, `${name} at 375 px: scrollWidth (widest: ${overflow.wide.join(", ")})`)
        .toBeLessThanOrEqual(375);
    }
    await page.screenshot({ path: join(SCREENSHOTS, `${name}-${width}.png`), fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

// ---------------------------------------------------------------------------------------------
// The editor's page

/** Opens `/`, signs in with the token through the sign-in form, and waits for the editor's navigation. */
export async function signIn(page: Page, runtime: Runtime, watched?: Watched): Promise<void> {
  const before = watched?.problems.length ?? 0;
  await page.goto(`${runtime.url}/`);
  await page.getByLabel("Editor token").fill(runtime.token);
  const [res] = await Promise.all([
    page.waitForResponse((r) => r.url() === `${runtime.url}/api/session` && r.request().method() === "POST"),
    page.getByRole("button", { name: "Sign in" }).click(),
  ]);
  expect(res.status(), "POST /api/session").toBe(204);
  await page.getByRole("navigation", { name: "Editor" }).waitFor();
  // Signed out, `GET /api/session` answers 200 {signedIn: false}: the sign-in logs nothing.
  if (watched) expect(watched.problems.slice(before), "console during sign-in").toEqual([]);
}

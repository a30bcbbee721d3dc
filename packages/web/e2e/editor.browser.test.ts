/**
 * The editor's weekly routine in a browser, against a real runtime with loopback feeds: sign in,
 * filter the candidates, select three and reject one by keyboard, comment in Japanese, add a link
 * by URL, make an issue from the selection, reorder two items (buttons, then drag) and see the
 * preview follow, send a test copy, send to three confirmed subscribers and watch it reach "sent",
 * find each message exactly once in the outbox. Every view is screenshotted at 1280 and 375 px.
 *
 * The steps build on each other (one page, one runtime): a failing step makes the later ones fail.
 */

import { join } from "node:path";
import {
  ADDED_PAGE,
  BLOG_ENTRIES,
  type FeedServer,
  NOTES_ENTRIES,
  startFeedServer,
} from "@wkn/testing/browser/fixtures";
import {
  capture,
  frameText,
  htmlLang,
  launchBrowser,
  newContext,
  parseCsp,
  type Runtime,
  readOutbox,
  SCREENSHOTS,
  scriptSources,
  signIn,
  startRuntime,
  unexpectedProblems,
  type Watched,
} from "@wkn/testing/browser/harness";
import type { Browser, BrowserContext, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

let feeds: FeedServer;
let runtime: Runtime;
let browser: Browser;
let context: BrowserContext;
let watched: Watched;
let page: Page;

const ENTRY_COUNT = BLOG_ENTRIES.length + NOTES_ENTRIES.length;
const RECIPIENTS = ["alice@example.org", "bob@example.net", "chihiro@example.jp"];
const TEST_TO = "editor@example.org";
const COMMENT_JA = "長文脈でも精度が落ちない点に注目。実装も公開されています。";

interface ApiItem {
  id: string;
  title: string;
  status: string;
  comment?: string | null;
  updatedAt?: string;
}
interface ApiIssue {
  id: string;
  number: number;
  title: string;
  status: string;
  sections: { heading: string; itemIds: string[] }[];
  delivery?: { total: number; sent: number; failed: number; pending: number; ambiguous: number };
}

/** Titles picked (in order) and rejected, learnt from the API as the keyboard works. */
const picked: string[] = [];
let rejectedTitle = "";
let issue: ApiIssue | undefined;

const items = async (status: string) =>
  (await runtime.api<{ items: ApiItem[] }>("GET", `/api/items?status=${status}&limit=100`)).body.items;

const getIssue = async (id: string) => (await runtime.api<ApiIssue>("GET", `/api/issues/${id}`)).body;

/** The cards shown in the candidates list. */
const cards = () => page.getByRole("region", { name: "Candidates found" }).getByRole("article");
const card = (title: string) => page.getByRole("article", { name: title });
const nav = (name: string) =>
  page.getByRole("navigation", { name: "Editor" }).getByRole("link", { name, exact: true });

/** The preview's text, read inside its iframe. */
const previewText = () => frameText(page, "Email preview");

/** The items of the issue editor among `titles`, in the order shown (read from their Move buttons). */
async function editorOrder(titles: string[]): Promise<string[]> {
  const labels = await page
    .getByRole("button", { name: /^Move “.*” up$/ })
    .evaluateAll((els) => els.map((e) => e.getAttribute("aria-label") ?? ""));
  const shown = labels.map((l) => l.replace(/^Move “(.*)” up$/, "$1"));
  return shown.filter((t) => titles.includes(t));
}

const orderIn = (text: string, titles: string[]) =>
  titles.filter((t) => text.includes(t)).sort((a, b) => text.indexOf(a) - text.indexOf(b));

const itemRow = (title: string): Locator =>
  page.getByRole("listitem").filter({ has: page.getByRole("button", { name: `Move “${title}” up` }) });

beforeAll(async () => {
  feeds = await startFeedServer();
  [runtime, browser] = await Promise.all([
    startRuntime({ feeds, env: { SES_MAX_SEND_RATE: "1" } }),
    launchBrowser(),
  ]);
  // The candidates exist before the page opens: poll the seeded loopback feeds, unfurl included.
  await runtime.pollAndSettle();
  ({ context, watched } = await newContext(browser));
  page = await context.newPage();
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await runtime?.close();
  await feeds?.close();
});

describe("the editor's weekly routine", () => {
  it("the page comes with a strict CSP and a lang, and signs in with the token", async () => {
    const res = await page.goto(`${runtime.url}/`);
    expect(res?.status()).toBe(200);
    const csp = parseCsp(res?.headers()["content-security-policy"]);
    const scripts = scriptSources(csp);
    expect(scripts, "script-src (or default-src) on /").toBeDefined();
    expect(scripts).not.toContain("'unsafe-inline'");
    expect(scripts).not.toContain("'unsafe-eval'");
    expect(await page.locator("script:not([src])").count(), "inline scripts in /").toBe(0);
    await page.getByLabel("Editor token").waitFor();
    expect(await htmlLang(page)).toBe("en");
    await capture(page, "sign-in");

    // A wrong token is refused in words, next to the field.
    await page.getByLabel("Editor token").fill("not-the-token");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByText("That token is not right.").waitFor();
    // The wrong token's 401 is logged as a failed load: expected (the signed-out probe logs nothing).
    const all = watched.problems.splice(0);
    const is401 = (p: string) => /Failed to load resource: .* 401/.test(p);
    watched.problems.push(...all.filter((p) => !is401(p)));
    watched.expected.push(...all.filter(is401));

    await signIn(page, runtime, watched);
    await page.getByRole("heading", { name: "Candidates", level: 1 }).waitFor();
  });

  it("shows the polled candidates as cards and filters them by status, source, kind and text", async () => {
    await expect.poll(() => cards().count(), { timeout: 30_000 }).toBe(ENTRY_COUNT);
    // A card like the mail shows it: title, domain, source, description, picture.
    const first = card(BLOG_ENTRIES[1]!.title);
    await first.getByText(BLOG_ENTRIES[1]!.description).waitFor();
    await first.getByText(/via Loopback ML Blog/).waitFor();
    await first.getByRole("img").waitFor();
    // our hosted thumbnail (made by the unfurl job from the post's og:image), from our origin
    expect(await first.getByRole("img").getAttribute("src")).toMatch(/^\/media\/[0-9a-f]{64}\.jpg$/);
    await capture(page, "candidates");

    // Text (Japanese, as typed).
    const search = page.getByLabel("Search", { exact: true });
    await search.pressSequentially("日本語");
    await expect.poll(() => cards().count(), { timeout: 30_000 }).toBe(1);
    await card(BLOG_ENTRIES[1]!.title).waitFor();
    await search.fill("");
    await search.press("Enter");
    await expect.poll(() => cards().count(), { timeout: 30_000 }).toBe(ENTRY_COUNT);

    // Source.
    await page.getByLabel("Source", { exact: true }).selectOption({ label: "研究ノート" });
    await expect.poll(() => cards().count(), { timeout: 30_000 }).toBe(NOTES_ENTRIES.length);
    await card(NOTES_ENTRIES[0]!.title).waitFor();

    // Kind: every fixture entry is an article; no competitions.
    await page.getByLabel("Kind", { exact: true }).selectOption({ label: "Competitions" });
    await page.getByText("Nothing matches these filters.").waitFor();
    await page.getByRole("button", { name: "Clear filters" }).click();
    await expect.poll(() => cards().count(), { timeout: 30_000 }).toBe(ENTRY_COUNT);

    // Order: best score first, as the API ranks them, each card saying why.
    const ranked = (await runtime.api<{ items: ApiItem[] }>("GET", "/api/items?sort=score&limit=100")).body
      .items;
    expect(ranked).toHaveLength(ENTRY_COUNT);
    await page.getByLabel("Order", { exact: true }).selectOption({ label: "Best score first" });
    await expect
      .poll(() => cards().evaluateAll((els) => els.map((e) => e.getAttribute("data-id"))), {
        timeout: 30_000,
      })
      .toEqual(ranked.map((i) => i.id));
    await cards()
      .first()
      .getByText(/^Score \d/)
      .waitFor();
    await page.getByLabel("Order", { exact: true }).selectOption({ label: "Newest first" });
    await expect
      .poll(
        () =>
          cards()
            .first()
            .getByText(/^Score \d/)
            .count(),
        { timeout: 30_000 },
      )
      .toBe(0);

    // Status, with the counts on the tabs.
    await page.getByRole("button", { name: /^Rejected/ }).click();
    await page.getByText("No items with this status.").waitFor();
    await page.getByRole("button", { name: /^New/ }).click();
    await expect.poll(() => cards().count(), { timeout: 30_000 }).toBe(ENTRY_COUNT);
    await expect
      .poll(async () => (await page.getByRole("button", { name: /^New/ }).textContent()) ?? "")
      .toMatch(new RegExp(`${ENTRY_COUNT}`));
  });

  it("selects three candidates and rejects one with the keyboard (j/k/s/x)", async () => {
    // Keys act on the current card when the focus is not in a field.
    await page.getByRole("heading", { name: "Candidates", level: 1 }).click();
    const current = async () =>
      ((await cards().and(page.locator(".current")).getByRole("heading").textContent()) ?? "")
        .replace(/\s*\(opens in a new tab\)\s*$/, "")
        .trim();

    const press = async (key: string) => {
      await page.keyboard.press(key);
    };
    const expectCounts = async (selected: number, rejected: number) => {
      await expect.poll(async () => (await items("selected")).length, { timeout: 30_000 }).toBe(selected);
      await expect.poll(async () => (await items("rejected")).length, { timeout: 30_000 }).toBe(rejected);
    };

    // From outside the cards the first j goes to the highlighted card; then j moves down, k back up.
    const top = await current();
    const focusedCard = () => page.evaluate(() => document.activeElement?.tagName === "ARTICLE");
    await press("j");
    await expect.poll(focusedCard).toBe(true);
    expect(await current()).toBe(top);
    await press("j");
    await expect.poll(current).not.toBe(top);
    await press("k");
    await expect.poll(current).toBe(top);

    for (let n = 1; n <= 3; n++) {
      const title = await current();
      await press("s");
      await expectCounts(n, 0);
      picked.push(title);
      await page
        .getByRole("status")
        .filter({ hasText: `Selected “${title}”` })
        .first()
        .waitFor();
      // On to a card that is still new (the list may keep the selected one in place).
      await expect
        .poll(async () => {
          if (!picked.includes(await current())) return true;
          await press("j");
          return !picked.includes(await current());
        })
        .toBe(true);
    }
    rejectedTitle = await current();
    // x then u at once: u undoes the reject even while it is still saving (not the select before
    // it), and only after the reject has landed, so the two PATCHes cannot cross.
    await press("x");
    await press("u");
    const toast = async () =>
      (
        await page
          .getByRole("status")
          .filter({ hasText: /Back to|Nothing to undo/ })
          .allTextContents()
      ).join(" | ");
    await expect.poll(toast).toMatch(/Back to|Nothing to undo/);
    expect(await toast(), "the toast after u").toContain(`Back to New: “${rejectedTitle}”`);
    await expectCounts(3, 0);
    await expect.poll(current).toBe(rejectedTitle);
    expect((await items("rejected")).map((i) => i.title)).toEqual([]);
    expect((await items("selected")).map((i) => i.title).sort()).toEqual([...picked].sort());
    await press("x");
    await expectCounts(3, 1);
    expect((await items("selected")).map((i) => i.title).sort()).toEqual([...picked].sort());
    expect((await items("rejected")).map((i) => i.title)).toEqual([rejectedTitle]);
    await page
      .getByRole("status")
      .filter({ hasText: `Rejected “${rejectedTitle}”` })
      .first()
      .waitFor();
  });

  it("? shows the keyboard shortcuts, Escape closes them", async () => {
    await page.keyboard.press("?");
    const help = page.getByRole("dialog", { name: "Keyboard shortcuts" });
    await help.waitFor();
    await help.getByText("Select the card").waitFor();
    await page.keyboard.press("Escape");
    await help.waitFor({ state: "hidden" });
  });

  it("comments in Japanese on a selected card, with a preview, and shows it on the card", async () => {
    await page.getByRole("button", { name: /^Selected/ }).click();
    const target = card(picked[0]!);
    await target.waitFor();
    await target.getByRole("button", { name: "Comment" }).click();
    const box = page.getByLabel("Comment (markdown)");
    await box.pressSequentially(COMMENT_JA);
    await page.getByLabel("Section", { exact: true }).fill("注目の論文");
    await target.getByRole("button", { name: "Preview" }).click();
    await target.getByText(COMMENT_JA).waitFor(); // the preview (the textarea is hidden)
    await capture(page, "comment-open");
    // Back from the preview to the text (the Preview button is a toggle).
    await target.getByRole("button", { name: "Preview" }).click();
    await box.waitFor();

    const [res] = await Promise.all([
      page.waitForResponse((r) => r.url().includes("/api/items/") && r.request().method() === "PATCH"),
      target.getByRole("button", { name: "Save" }).click(),
    ]);
    expect(res.status(), await res.text()).toBe(200);
    await target.getByText(COMMENT_JA).waitFor();
    await target.getByText("Section: 注目の論文").waitFor();
    const saved = (await items("selected")).find((i) => i.title === picked[0]);
    expect(saved?.comment).toBe(COMMENT_JA);
  });

  it("adds a link by URL: its unfurled card appears, selected", async () => {
    await page.getByLabel("Link URL").fill(feeds.pageUrl(ADDED_PAGE.slug));
    await page.getByRole("button", { name: "Add", exact: true }).click();
    await page.getByText(`Added “${ADDED_PAGE.title}”`).waitFor({ timeout: 60_000 });
    const added = card(ADDED_PAGE.title);
    await added.waitFor();
    await added.getByText(ADDED_PAGE.description).waitFor();
    await added.getByRole("img").waitFor();
    picked.push(ADDED_PAGE.title);
    await expect
      .poll(async () => (await items("selected")).map((i) => i.title).sort())
      .toEqual([...picked].sort());
  });

  it("shows the sources with their health", async () => {
    await nav("Sources").click();
    await page.getByRole("heading", { name: "Sources", level: 1 }).waitFor();
    await page.getByText("研究ノート").first().waitFor();
    await page.getByText("Loopback ML Blog").first().waitFor();
    await capture(page, "sources");
  });

  it("builds an issue from the selection, in the order picked", async () => {
    await nav("Issues").click();
    await page.getByRole("heading", { name: "Issues", level: 1 }).waitFor();
    await capture(page, "issues");
    await page.getByRole("button", { name: "New issue from selected" }).click();
    await page.waitForURL(/#\/issues\/[^/]+$/);
    await page.getByRole("heading", { name: /^Issue #\d+/ }).waitFor();
    const id = decodeURIComponent(new URL(page.url()).hash.replace(/^#\/issues\//, ""));
    issue = await getIssue(id);
    expect(issue.status).toBe("draft");
    const selected = await items("selected");
    const titleOf = new Map(selected.map((i) => [i.id, i.title]));
    const inIssue = issue.sections.flatMap((s) => s.itemIds).map((i) => titleOf.get(i));
    // Sections and items in the order the editor selected them (the commented item has its own
    // section, the others are grouped by kind, the added link last).
    expect(inIssue).toEqual(picked);
    // Every item is in the editor, as a row with its Move buttons.
    for (const title of picked) await itemRow(title).waitFor();
  });

  it("reorders two items with the Move buttons, saves, and the preview shows the new order", async () => {
    // Two items of one section: the first section with at least two.
    const before = await getIssue(issue!.id);
    const selected = await items("selected");
    const titleOf = new Map(selected.map((i) => [i.id, i.title]));
    const section = before.sections.find((s) => s.itemIds.length >= 2);
    let a: string;
    let b: string;
    if (section) {
      a = titleOf.get(section.itemIds[0]!)!;
      b = titleOf.get(section.itemIds[1]!)!;
    } else {
      // One item per section: put the second item into the first section, then reorder.
      const [s0, s1] = before.sections;
      a = titleOf.get(s0!.itemIds[0]!)!;
      b = titleOf.get(s1!.itemIds[0]!)!;
      await page.getByLabel(`Section for “${b}”`).selectOption({ index: 0 });
      await expect
        .poll(async () => (await getIssue(issue!.id)).sections[0]!.itemIds.length)
        .toBeGreaterThanOrEqual(2);
      const after = await getIssue(issue!.id);
      b = titleOf.get(after.sections[0]!.itemIds[1]!)!;
      a = titleOf.get(after.sections[0]!.itemIds[0]!)!;
    }
    await expect.poll(async () => orderIn(await previewText(), [a, b]), { timeout: 30_000 }).toEqual([a, b]);

    await page.getByRole("button", { name: `Move “${a}” down` }).click();
    await expect.poll(() => editorOrder([a, b])).toEqual([b, a]);
    // Saved (a PATCH of the sections), then the preview follows.
    await expect
      .poll(
        async () => {
          const s = (await getIssue(issue!.id)).sections.flatMap((x) => x.itemIds).map((i) => titleOf.get(i));
          return orderIn(s.join("\n"), [a, b]);
        },
        { timeout: 30_000 },
      )
      .toEqual([b, a]);
    await page.getByText("All changes saved").waitFor();
    await expect.poll(async () => orderIn(await previewText(), [a, b]), { timeout: 30_000 }).toEqual([b, a]);
    await capture(page, "editor");

    // The preview at phone width. The mail is a fixed 600 px layout (core's render/style.ts); a
    // frame narrower than that scrolls sideways. Not failed here (mail apps scale such mail to fit):
    // printed, so a change of the mail's layout shows in the log.
    await page.getByRole("radio", { name: "Phone" }).check();
    const frame = page.getByTitle("Email preview");
    await expect.poll(async () => (await frame.boundingBox())?.width ?? 0).toBeLessThan(500);
    const inner = await (await frame.elementHandle())?.contentFrame();
    const fits = await inner?.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      clientWidth: document.documentElement.clientWidth,
    }));
    if (fits && fits.scrollWidth > fits.clientWidth)
      console.warn(`[browser] the mail is wider than its phone preview: ${JSON.stringify(fits)}`);
    await frame.scrollIntoViewIfNeeded();
    await frame.screenshot({ path: join(SCREENSHOTS, "editor-preview-phone-1280.png") });
    await page.getByRole("radio", { name: "Desktop" }).check();
  });

  it("reorders by drag as well", async () => {
    const now = await getIssue(issue!.id);
    const selected = await items("selected");
    const titleOf = new Map(selected.map((i) => [i.id, i.title]));
    const section = now.sections.find((s) => s.itemIds.length >= 2)!;
    const a = titleOf.get(section.itemIds[0]!)!;
    const b = titleOf.get(section.itemIds[1]!)!;
    // Drag the second onto the top half of the first: it goes before it.
    const target = itemRow(a);
    const box = await target.boundingBox();
    await itemRow(b)
      .locator(".drag-handle")
      .dragTo(target, { targetPosition: { x: 20, y: Math.max(4, (box?.height ?? 40) / 4) } });
    await expect
      .poll(
        async () => {
          const s = (await getIssue(issue!.id)).sections.flatMap((x) => x.itemIds).map((i) => titleOf.get(i));
          return orderIn(s.join("\n"), [a, b]);
        },
        { timeout: 30_000 },
      )
      .toEqual([b, a]);
    await expect.poll(async () => orderIn(await previewText(), [a, b]), { timeout: 30_000 }).toEqual([b, a]);
  });

  it("sends a test copy to an address", async () => {
    await page.getByLabel("Send a test copy to").fill(TEST_TO);
    await page.getByRole("button", { name: "Send test" }).click();
    await page.getByText(`Test copy sent to ${TEST_TO}.`).waitFor({ timeout: 60_000 });
    const mails = (await readOutbox(runtime.dataDir)).filter((m) => m.to.includes(TEST_TO));
    expect(mails).toHaveLength(1);
  });

  it("sends to three confirmed subscribers after a confirmation naming 3, and the progress reaches sent", async () => {
    for (const email of RECIPIENTS) {
      const res = await runtime.api("POST", "/api/subscribers", { email });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
    }
    // A link in the intro that answers 404: the send is refused and names it, until the editor
    // chooses to send anyway.
    const dead = `${feeds.url}/gone-post`;
    const intro = page.getByLabel("Intro (markdown)");
    await intro.fill(`${await intro.inputValue()}\n\nSee [the old post](${dead}).`);
    await page.getByText("All changes saved").waitFor({ timeout: 30_000 });
    await page.getByRole("button", { name: "Send to subscribers" }).click();
    const dialog = page.getByRole("alertdialog").or(page.getByRole("dialog"));
    await dialog.getByRole("heading", { name: `Send issue #${issue!.number} to 3 subscribers?` }).waitFor();
    const [refused] = await Promise.all([
      page.waitForResponse(
        (r) => /\/api\/issues\/[^/]+\/send$/.test(r.url()) && r.request().method() === "POST",
      ),
      dialog.getByRole("button", { name: "Send now" }).click(),
    ]);
    expect(refused.status()).toBe(409);
    // The refused send's 409 is logged by the browser as a failed load (once it arrives): expected
    // here only.
    const is409 = (p: string) => /Failed to load resource: .* 409/.test(p);
    await expect.poll(() => watched.problems.some(is409), { timeout: 30_000 }).toBe(true);
    const logged = watched.problems.splice(0);
    watched.problems.push(...logged.filter((p) => !is409(p)));
    await dialog.getByText("Some links are dead or moved to another site").waitFor();
    await dialog.getByRole("listitem").filter({ hasText: dead }).waitFor();
    expect((await getIssue(issue!.id)).status).toBe("draft");
    await dialog.getByLabel("Send anyway, with these links").check();
    const [started] = await Promise.all([
      page.waitForResponse(
        (r) => /\/api\/issues\/[^/]+\/send$/.test(r.url()) && r.request().method() === "POST",
      ),
      dialog.getByRole("button", { name: "Send now" }).click(),
    ]);
    expect(started.status()).toBe(202);
    expect(((await started.json()) as ApiIssue).status).toBe("sending");

    // Paced at one message a second (SES_MAX_SEND_RATE=1): the progress is seen while it runs.
    const delivery = page.getByRole("region", { name: "Delivery" });
    await delivery.getByRole("heading", { name: "Delivery" }).waitFor();
    await capture(page, "send-progress");
    await delivery.getByRole("status").filter({ hasText: /^Sent/ }).waitFor({ timeout: 120_000 });
    // The counts are a <dl>: each <dt> and the <dd> after it.
    const counts = async (label: string) =>
      (
        await delivery
          .locator("dt")
          .getByText(label, { exact: true })
          .locator("xpath=ancestor-or-self::dt[1]/following-sibling::dd[1]")
          .textContent()
      )?.trim();
    await expect.poll(() => counts("Sent"), { timeout: 60_000 }).toBe("3");
    expect(await counts("Recipients")).toBe("3");
    expect(await counts("Failed")).toBe("0");
    expect(await counts("Pending")).toBe("0");
    expect(await counts("Ambiguous")).toBe("0");
    // The sent issue's preview still shows the mail.
    await expect.poll(previewText, { timeout: 30_000 }).toContain(picked[0]!);
    await capture(page, "sent");
    const sent = await getIssue(issue!.id);
    expect(sent.status).toBe("sent");
  });

  it("lists the subscribers", async () => {
    await nav("Subscribers").click();
    await page.getByRole("heading", { name: "Subscribers", level: 1 }).waitFor();
    for (const email of RECIPIENTS) await page.getByText(email).first().waitFor();
    await capture(page, "subscribers");
  });

  it("the outbox holds each recipient's message exactly once, viewable with its parts", async () => {
    const mails = await readOutbox(runtime.dataDir);
    for (const email of RECIPIENTS) {
      const theirs = mails.filter((m) => m.to.includes(email));
      expect(theirs, `messages to ${email}`).toHaveLength(1);
      expect(theirs[0]!.html).toContain(picked[0]!.slice(0, 10));
    }

    await nav("Outbox").click();
    await page.getByRole("heading", { name: "Outbox", level: 1 }).waitFor();
    const rows = page
      .getByRole("table")
      .getByRole("row")
      .filter({ has: page.getByRole("cell") });
    await expect.poll(() => rows.count(), { timeout: 30_000 }).toBe(mails.length);
    for (const email of RECIPIENTS) {
      await expect.poll(() => rows.filter({ hasText: email }).count(), { timeout: 30_000 }).toBe(1);
    }
    await capture(page, "outbox");

    await rows.filter({ hasText: RECIPIENTS[0]! }).getByRole("link").first().click();
    await page.getByRole("tablist", { name: "Message parts" }).waitFor();
    await page.getByRole("tab", { name: "HTML" }).waitFor();
    // The message as the recipient sees it, in its frame.
    await expect.poll(() => frameText(page, "Message HTML"), { timeout: 30_000 }).toContain(picked[0]!);
    await capture(page, "outbox-message");
    await page.getByRole("tab", { name: "Text" }).click();
    await page.getByRole("tabpanel").getByText(picked[0]!.slice(0, 10)).first().waitFor();
    await page.getByRole("tab", { name: "Headers" }).click();
    await page.getByRole("tabpanel").getByText(RECIPIENTS[0]!).first().waitFor();
  });

  it("the sent issue is in the public archive", async () => {
    const archive = await context.newPage();
    try {
      const res = await archive.goto(`${runtime.url}/issues`);
      expect(res?.status()).toBe(200);
      await archive
        .getByRole("link", {
          name: new RegExp(issue!.title.slice(0, 20).replace(/[.*+?^${}()|[\]\\]/g, "\\$&")),
        })
        .first()
        .waitFor();
      await capture(archive, "issues-archive");
      const one = await archive.goto(`${runtime.url}/issues/${issue!.number}`);
      expect(one?.status()).toBe(200);
      expect(await htmlLang(archive)).toMatch(/^(en|ja)$/);
      await capture(archive, "issue-web");
    } finally {
      await archive.close();
    }
  });

  it("switches the editor to Japanese", async () => {
    await page.getByLabel("Language").selectOption({ label: "日本語" });
    await page.getByRole("navigation", { name: "編集" }).waitFor();
    expect(await htmlLang(page)).toBe("ja");
    await page
      .getByRole("navigation", { name: "編集" })
      .getByRole("link", { name: "候補", exact: true })
      .click();
    await page.getByRole("heading", { name: "候補", level: 1 }).waitFor();
    await page.getByRole("region", { name: "候補の一覧" }).getByRole("article").first().waitFor();
    await capture(page, "candidates-ja");
    await page.getByLabel("言語").selectOption({ label: "English" });
    await page.getByRole("navigation", { name: "Editor" }).waitFor();
  });

  it("signs out: the sign-in form is back, also after a reload", async () => {
    const [res] = await Promise.all([
      page.waitForResponse(
        (r) => r.url() === `${runtime.url}/api/session` && r.request().method() === "DELETE",
      ),
      page.getByRole("button", { name: "Sign out" }).click(),
    ]);
    expect(res.status()).toBe(204);
    await page.getByLabel("Editor token").waitFor();
    const before = watched.problems.length;
    await page.reload();
    await page.getByLabel("Editor token").waitFor();
    // Signed out, the page's probe (GET /api/session) answers {signedIn: false}: no failed load.
    expect(watched.problems.slice(before)).toEqual([]);
    expect((await context.cookies(runtime.url)).filter((c) => c.httpOnly)).toEqual([]);
  });

  it("logged no console error, CSP violation or uncaught exception", () => {
    expect(unexpectedProblems(watched)).toEqual([]);
  });
});

/**
 * The issue's mail as a phone and a desktop client draw it, in Chromium: the fixture issue (Japanese
 * and English cards, a release, a competition without a picture, hostile cards) rendered by the
 * same renderer the sender uses, with its hosted thumbnails answered locally. At 600 px a card's
 * picture sits beside its text, at 375 px above it, and nothing is wider than the screen. Saves
 * `.build/screenshots/mail-600.png` and `mail-375.png` (README shows copies from docs/screenshots/).
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { renderIssue } from "@wkn/core/issues/render";
import { CARDS, issue72, mediaKey, OPTIONS } from "@wkn/core/issues/render/testing";
import { launchBrowser, SCREENSHOTS } from "@wkn/testing/browser/harness";
import type { Browser, Page } from "playwright-core";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const MEDIA = `${OPTIONS.publicBaseUrl}/media/`;
const LONG_URL = `https://example.org/${"averyveryverylongpathsegment".repeat(6)}`;

/** The reference issue plus an English article whose description carries a long unbroken URL. */
function fixtureMail(): string {
  const base = issue72();
  const english = {
    id: "english",
    title: "Scaling laws for sparse mixture-of-experts language models",
    url: "https://blog.example.com/moe-scaling",
    domain: "blog.example.com",
    description: `We fit scaling laws across 400 runs; code and data at ${LONG_URL}`,
    imageUrl: "https://cdn.example.com/moe.png",
    thumbnail: mediaKey("english"),
    comment: "専門家混合モデルのスケーリング則を調べた記事。",
    kind: "article" as const,
  };
  const cards = new Map([...base.cards, ["english", english]]);
  const sections = base.sections.map((s, i) => (i === 0 ? { ...s, itemIds: [...s.itemIds, "english"] } : s));
  const mail = renderIssue(
    { ...base, cards, sections, date: "2026-12-01T20:00:00.000Z" },
    { ...OPTIONS, lang: "ja", timeZone: "Asia/Tokyo" },
  );
  return mail.html("https://news.example.org/unsubscribe?token=sample");
}

const COLOURS = ["#e4572e", "#29335c", "#f3a712", "#669bbc", "#a8c686"];

let browser: Browser;
let page: Page;
const requested: string[] = [];

beforeAll(async () => {
  browser = await launchBrowser();
  const context = await browser.newContext({ viewport: { width: 600, height: 900 } });
  context.setDefaultTimeout(60_000);
  // Our media answered here with real 280×280 JPEGs; anything else a mail client would load is recorded.
  const pictures = new Map<string, Buffer>();
  await context.route("**/*", async (route) => {
    const url = route.request().url();
    requested.push(url);
    if (!url.startsWith(MEDIA)) return route.abort();
    const key = url.slice(MEDIA.length);
    if (!pictures.has(key)) {
      const background = COLOURS[Number.parseInt(key.slice(0, 4), 16) % COLOURS.length]!;
      pictures.set(
        key,
        await sharp({ create: { width: 280, height: 280, channels: 3, background } })
          .jpeg()
          .toBuffer(),
      );
    }
    return route.fulfill({ status: 200, contentType: "image/jpeg", body: pictures.get(key)! });
  });
  page = await context.newPage();
  // A page of our own origin holding the mail, as a web mail client shows a message.
  await page.route(`${OPTIONS.publicBaseUrl}/mail`, (route) =>
    route.fulfill({ status: 200, contentType: "text/html; charset=utf-8", body: fixtureMail() }),
  );
  await page.goto(`${OPTIONS.publicBaseUrl}/mail`);
});
afterAll(async () => {
  await browser?.close();
});

interface CardBox {
  id: string;
  img: { x: number; y: number; right: number; bottom: number; w: number; h: number; natural: number } | null;
  text: { x: number; y: number; right: number; bottom: number };
  descriptionFont: number;
}

async function layout(width: number): Promise<{ scrollWidth: number; cards: CardBox[] }> {
  await page.setViewportSize({ width, height: 900 });
  await page.waitForFunction(() => [...document.images].every((i) => i.complete && i.naturalWidth > 0));
  return page.evaluate(() => {
    const box = (el: Element) => {
      const r = el.getBoundingClientRect();
      return { x: r.left, y: r.top, right: r.right, bottom: r.bottom };
    };
    const cards = [...document.querySelectorAll("[data-item]")].map((card) => {
      const img = card.querySelector("img") as HTMLImageElement | null;
      const text = card.querySelector(".card-text") ?? card;
      const description = card.querySelector(".card-description");
      return {
        id: card.getAttribute("data-item") ?? "",
        img: img
          ? {
              ...box(img),
              w: img.getBoundingClientRect().width,
              h: img.getBoundingClientRect().height,
              natural: img.naturalWidth,
            }
          : null,
        text: box(text),
        descriptionFont: description ? Number.parseFloat(getComputedStyle(description).fontSize) : 16,
      };
    });
    return { scrollWidth: document.documentElement.scrollWidth, cards };
  });
}

describe("the mail in a browser", () => {
  it("is in the newsletter's language and loads pictures only from our media", async () => {
    expect(await page.evaluate(() => document.documentElement.lang)).toBe("ja");
    await layout(600);
    const elsewhere = requested.filter((u) => !u.startsWith(MEDIA) && u !== `${OPTIONS.publicBaseUrl}/mail`);
    expect(elsewhere).toEqual([]);
    const publishers = CARDS.flatMap((c) => (c.imageUrl?.startsWith("https:") ? [c.imageUrl] : []));
    for (const p of publishers) expect(requested).not.toContain(p);
  });

  it("at 600 px: each picture (280 px, shown at 140) beside its card's text, nothing wider than the window", async () => {
    const { scrollWidth, cards } = await layout(600);
    expect(scrollWidth).toBeLessThanOrEqual(600);
    const pictured = cards.filter((c) => c.img);
    expect(pictured.map((c) => c.id).sort()).toEqual(["accelerate", "autonlp", "english", "transformer"]);
    for (const c of pictured) {
      expect([c.img!.natural, Math.round(c.img!.w), Math.round(c.img!.h)], c.id).toEqual([280, 140, 140]);
      expect(c.img!.right, `${c.id}: picture left of the text`).toBeLessThanOrEqual(c.text.x + 1);
      expect(c.img!.y, `${c.id}: on the same line`).toBeLessThan(c.text.bottom);
    }
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOTS, "mail-600.png"), fullPage: true });
  });

  it("at 375 px: pictures above the text, readable type, no horizontal scroll despite a long URL", async () => {
    const { scrollWidth, cards } = await layout(375);
    expect(scrollWidth).toBeLessThanOrEqual(375);
    for (const c of cards) {
      expect(c.text.right, `${c.id}: text inside the screen`).toBeLessThanOrEqual(375);
      expect(c.descriptionFont, `${c.id}: description font`).toBeGreaterThanOrEqual(14);
      if (c.img) expect(c.img.bottom, `${c.id}: picture above the text`).toBeLessThanOrEqual(c.text.y + 1);
    }
    // the competition has no picture: its text starts at the card's left, no empty box before it
    const addi = cards.find((c) => c.id === "addi")!;
    expect(addi.img).toBeNull();
    const english = cards.find((c) => c.id === "english")!;
    expect(addi.text.x).toBeLessThanOrEqual(english.text.x + 1);
    await page.screenshot({ path: join(SCREENSHOTS, "mail-375.png"), fullPage: true });
  });
});

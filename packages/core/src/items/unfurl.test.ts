import { startTestEnv, type TestEnv } from "@wkn/testing";
import iconv from "iconv-lite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Ctx } from "../context.js";
import { closeServers, serve, type TestServer } from "../fetch/testing.js";
import type { JobKind, JobPayloads, Jobs } from "../jobs/index.js";
import { urlHash } from "../url/canonical.js";
import { storeCandidates } from "./candidates.js";
import { editItem } from "./edit.js";
import { listItems } from "./list.js";
import { storeItems, testItem } from "./testing.js";
import { unfurlItem } from "./unfurl.js";
import { enqueueUnfurl } from "./unfurl-queue.js";

let env: TestEnv;
let site: TestServer;
/** path → [content-type, body] */
const pages = new Map<string, [string, Buffer | string, number?]>();
/** Run when a path is requested, before it answers (to change the item meanwhile). */
const beforeAnswer = new Map<string, () => Promise<void>>();

beforeAll(async () => {
  env = await startTestEnv();
  site = await serve(async (req, res) => {
    const path = req.url ?? "/";
    await beforeAnswer.get(path)?.();
    const page = pages.get(path);
    if (!page) {
      res.writeHead(404, { "content-type": "text/html" });
      return res.end("<html><head><title>Not found</title></head></html>");
    }
    res.writeHead(page[2] ?? 200, { "content-type": page[0] });
    res.end(page[1]);
  });
});
afterAll(async () => {
  await closeServers();
  await env.close();
});

const html = (head: string) => `<!doctype html><html><head>${head}</head><body><p>Body</p></body></html>`;
const OG = html(`<title>Doc title</title>
  <meta property="og:title" content="Page title">
  <meta property="og:description" content="What the page is about">
  <meta property="og:image" content="/images/cover.png">
  <meta property="og:site_name" content="Example Site">`);

async function ctxWith(
  path: string,
  page: [string, Buffer | string, number?],
): Promise<{ ctx: Ctx; url: string }> {
  pages.set(path, page);
  return { ctx: await env.ctx(), url: `${site.origin}${path}` };
}

const requestsFor = (path: string) => site.requests.filter((r) => r.url === path).length;

describe("unfurlItem", () => {
  it("fills description, image (resolved against the page) and site name, keeps the feed's title, once", async () => {
    const { ctx, url } = await ctxWith("/blog/og", ["text/html; charset=utf-8", OG]);
    const [item] = await storeItems(ctx, [testItem(url, { title: "Feed title" })]);
    await unfurlItem(ctx, item!.id);
    const got = await ctx.store.items.get(item!.id);
    expect(got).toMatchObject({
      title: "Feed title",
      description: "What the page is about",
      imageUrl: `${site.origin}/images/cover.png`,
      siteName: "Example Site",
    });
    expect(got?.unfurlError ?? null).toBeNull();
    expect(typeof got?.unfurledAt).toBe("string");

    await unfurlItem(ctx, item!.id);
    expect(requestsFor("/blog/og")).toBe(1);
    // the filled description is searchable
    const found = await ctx.store.items.list({ status: "new", terms: ["about"], limit: 10 });
    expect(found.items.map((i) => i.id)).toEqual([item!.id]);
  });

  it("never overwrites what the feed gave or the editor set, even when set while the page loads", async () => {
    const { ctx, url } = await ctxWith("/race", ["text/html", OG]);
    const [item] = await storeItems(ctx, [testItem(url, { imageUrl: "https://feed.example/pic.png" })]);
    beforeAnswer.set("/race", async () => {
      await editItem(ctx, item!.id, { description: "The editor's words", status: "selected" });
    });
    await unfurlItem(ctx, item!.id);
    const got = await ctx.store.items.get(item!.id);
    expect(got).toMatchObject({
      description: "The editor's words",
      imageUrl: "https://feed.example/pic.png",
      status: "selected",
      siteName: "Example Site",
    });
    expect(got?.unfurledAt).toBeTruthy();
  });

  it("falls back to <title> and meta description, and replaces a placeholder title", async () => {
    const { ctx, url } = await ctxWith("/plain", [
      "text/html",
      html(`<title>  Plain   &amp; simple </title><meta name="description" content="Meta description">`),
    ]);
    const [item] = await storeItems(ctx, [testItem(url, { title: url, kind: "link", sourceIds: [] })]);
    await unfurlItem(ctx, item!.id);
    expect(await ctx.store.items.get(item!.id)).toMatchObject({
      title: "Plain & simple",
      description: "Meta description",
      imageUrl: null,
    });
  });

  it("decodes a Shift_JIS page declared only by <meta charset>", async () => {
    const page = html(`<meta charset="shift_jis"><title>機械学習ニュース</title>
      <meta property="og:description" content="日本語の説明：Ｋａｇｇｌｅ コンペ">`);
    const { ctx, url } = await ctxWith("/sjis", ["text/html", iconv.encode(page, "shift_jis")]);
    const [item] = await storeItems(ctx, [testItem(url, { title: url })]);
    await unfurlItem(ctx, item!.id);
    expect(await ctx.store.items.get(item!.id)).toMatchObject({
      title: "機械学習ニュース",
      description: "日本語の説明：Ｋａｇｇｌｅ コンペ",
    });
    const found = await ctx.store.items.list({ status: "new", terms: ["kaggle", "説明"], limit: 10 });
    expect(found.items).toHaveLength(1);
  });

  it("records a 404 on the item, which stays usable and is not fetched again", async () => {
    const ctx = await env.ctx();
    const url = `${site.origin}/missing`;
    const [item] = await storeItems(ctx, [testItem(url)]);
    await unfurlItem(ctx, item!.id);
    const got = await ctx.store.items.get(item!.id);
    expect(got?.unfurlError).toMatch(/http_status.*404/);
    expect(got).toMatchObject({ title: item!.title, description: null, status: "new" });
    await unfurlItem(ctx, item!.id);
    expect(requestsFor("/missing")).toBe(1);
    expect((await ctx.store.items.list({ status: "new", limit: 10 })).items).toHaveLength(1);
  });

  it("cuts off a huge page and keeps the item usable", async () => {
    const huge = html(`<title>Huge</title>`).replace("<p>Body</p>", "<p>filler</p>".repeat(300_000)); // ~3.6 MB
    const { ctx, url } = await ctxWith("/huge", ["text/html", huge]);
    const [item] = await storeItems(ctx, [testItem(url)]);
    await unfurlItem(ctx, item!.id);
    const got = await ctx.store.items.get(item!.id);
    expect(got?.unfurlError).toMatch(/too_large/);
    expect(got).toMatchObject({ title: item!.title, status: "new" });
  });

  it("keeps only text and http(s) images from a hostile page", async () => {
    const { ctx, url } = await ctxWith("/hostile", [
      "text/html",
      html(`<meta property="og:title" content="&lt;script&gt;alert(document.cookie)&lt;/script&gt;Totally normal">
        <meta property="og:description" content="<img src=x onerror=alert(1)>Read me">
        <meta property="og:image" content="javascript:alert(1)">
        <script>document.write('<meta property=og:image content=https://evil.example/x.png>')</script>`),
    ]);
    const [item] = await storeItems(ctx, [testItem(url, { title: "" })]);
    await unfurlItem(ctx, item!.id);
    const got = await ctx.store.items.get(item!.id);
    expect(got).toMatchObject({ title: "Totally normal", description: "Read me", imageUrl: null });
  });

  it("notes a page that is not HTML", async () => {
    const { ctx, url } = await ctxWith("/paper.pdf", ["application/pdf", Buffer.from("%PDF-1.7 ...")]);
    const [item] = await storeItems(ctx, [testItem(url)]);
    await unfurlItem(ctx, item!.id);
    expect((await ctx.store.items.get(item!.id))?.unfurlError).toMatch(
      /not an HTML page \(application\/pdf\)/,
    );
  });

  it("leaves an item alone that was unfurled already, and an unknown id", async () => {
    const { ctx, url } = await ctxWith("/complete", ["text/html", OG]);
    const [item] = await storeItems(ctx, [testItem(url, { unfurledAt: "2024-05-01T00:00:00.000Z" })]);
    await unfurlItem(ctx, item!.id);
    await unfurlItem(ctx, "does-not-exist");
    expect(requestsFor("/complete")).toBe(0);
    expect((await ctx.store.items.get(item!.id))?.description ?? null).toBeNull();
  });

  it("prefers the page's og:description to the feed's article body, shortened, keeping the body searchable", async () => {
    const og = "Transformerが結局のところ何をやっているのかを図メインで説明しています。".repeat(4);
    const { ctx, url } = await ctxWith("/og-ja", [
      "text/html; charset=utf-8",
      html(`<title>T</title><meta property="og:description" content="${og}">`),
    ]);
    const body = `はじめに こんにちは。${"本文".repeat(120)}`;
    const [item] = await storeCandidatesOf(ctx, url, body);
    expect(item!.descriptionSource).toBe("feed");
    await unfurlItem(ctx, item!.id);
    const got = (await ctx.store.items.get(item!.id))!;
    expect(got.descriptionSource).toBe("page");
    expect(got.description!.startsWith("Transformerが結局のところ")).toBe(true);
    expect([...new Intl.Segmenter().segment(got.description!)].length).toBeLessThanOrEqual(161);
    const found = await listItems(ctx, { status: "new", q: "本文本文" });
    expect(found.items.map((i) => i.id)).toEqual([item!.id]);
  });

  it("never replaces the editor's description, even one set while the page was fetched", async () => {
    const { ctx, url } = await ctxWith("/og-race", ["text/html; charset=utf-8", OG]);
    const [item] = await storeCandidatesOf(ctx, url, "The feed's summary.");
    beforeAnswer.set("/og-race", async () => {
      beforeAnswer.delete("/og-race");
      await editItem(ctx, item!.id, { description: "The editor's words." });
    });
    await unfurlItem(ctx, item!.id);
    const got = (await ctx.store.items.get(item!.id))!;
    expect(got).toMatchObject({ description: "The editor's words.", descriptionSource: "editor" });
    expect(got.unfurledAt).toBeTruthy();
  });
});

/** A feed item with `body` as its summary, stored the way a poll stores it. */
async function storeCandidatesOf(ctx: Ctx, url: string, body: string) {
  await storeCandidates(ctx, { id: "s" }, [
    {
      url,
      title: "Feed title",
      description: body,
      imageUrl: null,
      siteName: null,
      author: null,
      publishedAt: null,
      kind: "article",
    },
  ]);
  return [(await ctx.store.items.get(urlHash(url)))!];
}

describe("enqueueUnfurl", () => {
  it("queues every item never unfurled, once", async () => {
    const queued: JobPayloads["unfurl"][] = [];
    const jobs: Jobs = {
      async enqueue<K extends JobKind>(kind: K, payload: JobPayloads[K]) {
        if (kind === "unfurl") queued.push(payload as JobPayloads["unfurl"]);
      },
    };
    const ctx = await env.ctx({ jobs });
    const items = [
      testItem("https://a.example/1"),
      testItem("https://a.example/2", { description: "d", imageUrl: "https://a.example/i.png" }),
      testItem("https://a.example/2", { description: "d", imageUrl: "https://a.example/i.png" }),
      testItem("https://a.example/3", { unfurledAt: "2024-05-01T00:00:00.000Z" }),
    ];
    expect(await enqueueUnfurl(ctx, items)).toBe(2);
    expect(queued.map((p) => p.itemId).sort()).toEqual([items[0]!.id, items[1]!.id].sort());
  });
});

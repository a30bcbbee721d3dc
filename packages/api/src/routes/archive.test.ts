import { createDraft, snapshotIssue, updateDraft } from "@wkn/core/issues";
import { storeItems, testItem } from "@wkn/core/items/testing";
import { startTestEnv, type TestEnv } from "@wkn/testing";
import { testClient } from "@wkn/testing/api";
import { DomUtils, parseDocument } from "htmlparser2";
import Parser from "rss-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pagePolicy } from "../middleware/csp/index.js";

let env: TestEnv;
beforeAll(async () => {
  env = await startTestEnv();
});
afterAll(() => env.close());

const BASE = "https://news.example.org";

/** Issues 1 and 3 sent (in that order), 2 still a draft, 4 sending. */
async function setup(lang?: "en" | "ja") {
  const ctx = await env.ctx({ env: { PUBLIC_BASE_URL: BASE, ...(lang ? { NEWSLETTER_LANG: lang } : {}) } });
  const [a, b] = await storeItems(ctx, [
    testItem("https://blog.example/a", {
      title: "Post A",
      imageUrl: "https://img.example/a.png",
      status: "selected",
    }),
    testItem("https://blog.example/b", { title: "Post B", status: "selected" }),
  ]);
  const send = async (n: number, sentAt: string) => {
    await ctx.store.issues.transition(n, "draft", "sending");
    await snapshotIssue(ctx, n);
    if (sentAt) await ctx.store.issues.transition(n, "sending", "sent", { sentAt });
  };
  for (let i = 1; i <= 4; i++) {
    const { number } = await createDraft(ctx, { intro: `Intro of issue ${i}.` });
    await updateDraft(ctx, number, {
      intro: `Intro of issue ${i}.`,
      sections: [{ heading: "News", itemIds: i === 3 ? [b!.id, a!.id] : [a!.id] }],
    });
  }
  await send(1, "2024-05-01T09:00:00.000Z");
  await send(3, "2024-05-08T09:00:00.000Z");
  await send(4, "");
  return { ctx, t: testClient(ctx) };
}

const noAuth = (t: ReturnType<typeof testClient>, path: string, headers: Record<string, string> = {}) =>
  t.app.request(`http://localhost${path}`, { headers });

describe("public archive", () => {
  it("GET /issues lists the sent issues, newest first, without auth", async () => {
    const { t } = await setup();
    const res = await noAuth(t, "/issues");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    const doc = parseDocument(await res.text());
    const hrefs = DomUtils.findAll((el) => el.attribs.class === "issue", doc.children).map(
      (li) => DomUtils.findOne((a) => a.name === "a", li.children)?.attribs.href,
    );
    expect(hrefs).toEqual([`${BASE}/issues/3`, `${BASE}/issues/1`]);
  });

  it("GET /issues/:number is the web version of a sent (or sending) issue and a 404 page otherwise", async () => {
    const { t } = await setup();
    const res = await noAuth(t, "/issues/3");
    expect(res.status).toBe(200);
    const doc = parseDocument(await res.text());
    const meta = (k: string) =>
      DomUtils.findOne((el) => el.name === "meta" && el.attribs.property === k, doc.children)?.attribs
        .content;
    expect(meta("og:title")).toBe("Weekly Kaggle News #3");
    expect(meta("og:url")).toBe(`${BASE}/issues/3`);
    expect(meta("og:description")).toBe("Intro of issue 3.");
    const titles = DomUtils.findAll((el) => el.attribs.class === "card-title", doc.children);
    expect(titles.map((a) => DomUtils.textContent(a))).toEqual(["Post B", "Post A"]);
    expect(new URL(titles[0]!.attribs.href!).searchParams.get("utm_medium")).toBe("web");
    expect((await noAuth(t, "/issues/4")).status).toBe(200);

    for (const path of ["/issues/2", "/issues/99", "/issues/abc", "/issues/0"]) {
      const missing = await noAuth(t, path);
      expect(missing.status, path).toBe(404);
      expect(missing.headers.get("content-type"), path).toMatch(/^text\/html/);
      expect(await missing.text(), path).toContain("Not found");
      expect(missing.headers.get("cache-control"), path).toBeNull();
    }
  });

  it("GET /feed.xml is an RSS 2.0 feed of the sent issues, newest first, linking their web versions", async () => {
    const { t } = await setup();
    const res = await noAuth(t, "/feed.xml");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/rss+xml; charset=utf-8");
    const feed = await new Parser().parseString(await res.text());
    expect(feed.feedUrl).toBe(`${BASE}/feed.xml`);
    expect(feed.items.map((i) => [i.title, i.link, i.guid])).toEqual([
      ["Weekly Kaggle News #3", `${BASE}/issues/3`, `${BASE}/issues/3`],
      ["Weekly Kaggle News #1", `${BASE}/issues/1`, `${BASE}/issues/1`],
    ]);
    expect(feed.items.map((i) => i.isoDate)).toEqual([
      "2024-05-08T09:00:00.000Z",
      "2024-05-01T09:00:00.000Z",
    ]);
    expect(feed.items[0]?.content).toContain("Post B");
  });

  it("is cacheable: ETag and Cache-Control, 304 on If-None-Match, a new ETag after a new issue", async () => {
    const { ctx, t } = await setup();
    for (const path of ["/issues", "/issues/1", "/feed.xml"]) {
      const first = await noAuth(t, path);
      const tag = first.headers.get("etag");
      expect(tag, path).toMatch(/^"[^"]+"$/);
      expect(first.headers.get("cache-control"), path).toBe("public, max-age=300");
      const again = await noAuth(t, path, { "If-None-Match": tag! });
      expect(again.status, path).toBe(304);
      expect(await again.text(), path).toBe("");
      expect(again.headers.get("etag"), path).toBe(tag);
      expect(again.headers.get("cache-control"), path).toBe("public, max-age=300");
    }
    const feedTag = (await noAuth(t, "/feed.xml")).headers.get("etag")!;
    await ctx.store.issues.transition(4, "sending", "sent", { sentAt: "2024-05-15T09:00:00.000Z" });
    const changed = await noAuth(t, "/feed.xml", { "If-None-Match": feedTag });
    expect(changed.status).toBe(200);
    expect((await new Parser().parseString(await changed.text())).items[0]?.link).toBe(`${BASE}/issues/4`);
  });
});

describe("the archive's pages for readers", () => {
  const parts = async (res: Response) => {
    const html = await res.text();
    const doc = parseDocument(html);
    const one = (name: string) => DomUtils.findOne((el) => el.name === name, doc.children);
    return {
      html,
      lang: one("html")?.attribs.lang,
      form: one("form")?.attribs,
      input: one("input")?.attribs,
      label: one("label") ? DomUtils.textContent(one("label")!) : undefined,
      button: one("button") ? DomUtils.textContent(one("button")!) : undefined,
      h2: DomUtils.textContent(DomUtils.findAll((el) => el.attribs.id === "subscribe-heading", doc.children)),
    };
  };

  it("carry the strict policy (style attributes only on an issue's web version), no script, and the subscribe form", async () => {
    const { t } = await setup();
    for (const [path, status, attrs] of [
      ["/issues", 200, false],
      ["/issues/3", 200, true],
      ["/issues/99", 404, true],
    ] as const) {
      const res = await noAuth(t, path);
      expect(res.status, path).toBe(status);
      expect(res.headers.get("content-security-policy"), path).toBe(pagePolicy({ styleAttributes: attrs }));
      const page = await parts(res);
      expect(page.html, path).not.toMatch(/<script/i);
      expect(page.lang, path).toBe("en");
      expect(page.form, path).toMatchObject({ method: "post", action: "/subscribe" });
      expect(page.input, path).toMatchObject({
        name: "email",
        type: "email",
        autocomplete: "email",
        required: "",
      });
      expect([page.h2, page.label, page.button], path).toEqual([
        "Get Weekly Kaggle News by email",
        "Email address",
        "Subscribe",
      ]);
    }
    // a cached answer keeps its policy
    const first = await noAuth(t, "/issues");
    const again = await noAuth(t, "/issues", { "If-None-Match": first.headers.get("etag")! });
    expect(again.status).toBe(304);
    expect(again.headers.get("content-security-policy")).toBe(pagePolicy());
    expect((await noAuth(t, "/feed.xml")).headers.get("content-security-policy")).toBeNull();
  });

  it("speak Japanese with NEWSLETTER_LANG=ja", async () => {
    const { t } = await setup("ja");
    for (const path of ["/issues", "/issues/3", "/issues/99"]) {
      const page = await parts(await noAuth(t, path));
      expect(page.lang, path).toBe("ja");
      expect([page.h2, page.label, page.button], path).toEqual([
        "「Weekly Kaggle News」をメールで受け取る",
        "メールアドレス",
        "購読する",
      ]);
    }
    expect(await (await noAuth(t, "/issues/99")).text()).toContain("ページが見つかりません");
    expect(await (await noAuth(t, "/issues/3")).text()).toContain("「Weekly Kaggle News」のバックナンバー");
  });
});

import net from "node:net";
import type { Ctx } from "@wkn/core/context";
import { closeServers, serve, type TestServer } from "@wkn/core/fetch/testing";
import { storeCandidates } from "@wkn/core/items/candidates";
import { markItemsUsed } from "@wkn/core/items/edit";
import { storeItems, testCandidate, testItem } from "@wkn/core/items/testing";
import type { Item } from "@wkn/core/model";
import { startTestEnv, type TestEnv } from "@wkn/testing";
import { testClient } from "@wkn/testing/api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

let env: TestEnv;
let site: TestServer;
beforeAll(async () => {
  env = await startTestEnv();
  site = await serve((req, res) => {
    if (req.url?.startsWith("/article")) {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      return res.end(`<html><head><title>Fallback</title>
        <meta property="og:title" content="An article worth reading">
        <meta property="og:description" content="Why it matters">
        <meta property="og:image" content="/cover.jpg"></head><body></body></html>`);
    }
    res.writeHead(404).end();
  });
});
afterAll(async () => {
  await closeServers();
  await env.close();
});

type Page = { items: Item[]; nextCursor: string | null };
const ids = (page: Page) => page.items.map((i) => i.id);

async function seeded() {
  const ctx = await env.ctx();
  const t = testClient(ctx);
  const items = await storeItems(ctx, [
    testItem("https://blog.example/a", {
      title: "Kaggle Grandmaster interview",
      publishedAt: "2024-05-10T09:00:00.000Z",
    }),
    testItem("https://zenn.dev/b", {
      title: "機械学習で株価予測",
      description: "LightGBM の特徴量",
      publishedAt: "2024-05-08T09:00:00.000Z",
    }),
    testItem("https://github.com/org/repo/releases/v1", {
      kind: "release",
      sourceIds: ["gh"],
      title: "org/repo v1",
      publishedAt: "2024-05-09T00:00:00.000Z",
    }),
    testItem("https://www.kaggle.com/competitions/x", {
      kind: "competition",
      sourceIds: ["kg"],
      title: "Competition X",
      publishedAt: null,
      discoveredAt: "2024-05-07T00:00:00.000Z",
    }),
    testItem("https://blog.example/old", {
      title: "Old selected post",
      status: "selected",
      publishedAt: "2024-04-01T00:00:00.000Z",
    }),
  ]);
  return { ctx, t, items };
}

describe("GET /api/items", () => {
  it("lists new items newest first by publishedAt, else discoveredAt", async () => {
    const { t, items } = await seeded();
    const res = await t.get("/api/items");
    expect(res.status).toBe(200);
    const page = (await res.json()) as Page;
    expect(ids(page)).toEqual([items[0]!.id, items[2]!.id, items[1]!.id, items[3]!.id]);
    expect(page.nextCursor).toBeNull();
    expect(page.items[0]).not.toHaveProperty("searchText");
    expect(page.items[0]).not.toHaveProperty("gsi1pk");
  });

  it("filters by status, source, kind, date range and text, alone and combined", async () => {
    const { t, items } = await seeded();
    const q = async (query: string) => ids((await (await t.get(`/api/items?${query}`)).json()) as Page);
    expect(await q("status=selected")).toEqual([items[4]!.id]);
    expect(await q("status=rejected")).toEqual([]);
    expect(await q("sourceId=gh")).toEqual([items[2]!.id]);
    expect(await q("kind=competition")).toEqual([items[3]!.id]);
    expect(await q("from=2024-05-08&to=2024-05-09")).toEqual([items[2]!.id, items[1]!.id]);
    expect(await q("from=2024-05-09T08:00:00%2B09:00")).toEqual([items[0]!.id, items[2]!.id]);
    expect(await q("to=2024-05-07")).toEqual([items[3]!.id]);
    expect(await q("q=GRANDMASTER")).toEqual([items[0]!.id]);
    expect(await q("q=blog.example&status=selected")).toEqual([items[4]!.id]);
    expect(await q("sourceId=src-a&from=2024-05-09")).toEqual([items[0]!.id]);
    expect(await q("kind=article&q=kaggle")).toEqual([items[0]!.id]);
    expect(await q("kind=release&q=kaggle")).toEqual([]);
    expect(await q("sourceId=gh&kind=release&from=2024-05-01&to=2024-05-31")).toEqual([items[2]!.id]);
    expect(await q("sourceId=gh&kind=article")).toEqual([]);
  });

  it("finds Japanese text, and full-width or half-width forms of it", async () => {
    const { t, items } = await seeded();
    const q = async (text: string) =>
      ids((await (await t.get(`/api/items?q=${encodeURIComponent(text)}`)).json()) as Page);
    expect(await q("機械学習")).toEqual([items[1]!.id]);
    expect(await q("特徴量 lightgbm")).toEqual([items[1]!.id]);
    expect(await q("ＬＩＧＨＴＧＢＭ")).toEqual([items[1]!.id]);
    expect(await q("深層学習")).toEqual([]);
  });

  it("pages with a cursor that only works for the same query", async () => {
    const { t, items } = await seeded();
    const first = (await (await t.get("/api/items?limit=3")).json()) as Page;
    expect(first.items).toHaveLength(3);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = (await (
      await t.get(`/api/items?limit=3&cursor=${encodeURIComponent(first.nextCursor!)}`)
    ).json()) as Page;
    expect([...ids(first), ...ids(second)]).toEqual([items[0]!.id, items[2]!.id, items[1]!.id, items[3]!.id]);
    expect(second.nextCursor).toBeNull();

    const cursor = encodeURIComponent(first.nextCursor!);
    for (const other of [
      "status=selected",
      "kind=article",
      "q=kaggle",
      "sourceId=src-a",
      "from=2024-01-01",
    ]) {
      const res = await t.get(`/api/items?limit=3&${other}&cursor=${cursor}`);
      expect(res.status, other).toBe(400);
      expect((await res.json()).error.details[0].field).toBe("cursor");
    }
    const [body, sig] = first.nextCursor!.split(".");
    const forgedBody = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(body!, "base64url").toString()), s: "x" }),
    ).toString("base64url");
    for (const bad of [`${forgedBody}.${sig}`, `${body}.${sig!.slice(0, -2)}xx`, "garbage"]) {
      const res = await t.get(`/api/items?limit=3&cursor=${encodeURIComponent(bad)}`);
      expect(res.status).toBe(400);
      expect((await res.json()).error.details[0].field).toBe("cursor");
    }
  });

  it("answers 400 naming the field for bad parameters, 401 without the token", async () => {
    const { t } = await seeded();
    for (const [query, field] of [
      ["limit=101", "limit"],
      ["limit=0", "limit"],
      ["limit=ten", "limit"],
      ["status=used-up", "status"],
      ["kind=video", "kind"],
      ["from=last-week", "from"],
      ["from=2024-05-02&to=2024-05-01", "to"],
      [`q=${"x".repeat(201)}`, "q"],
    ]) {
      const res = await t.get(`/api/items?${query}`);
      expect(res.status, query).toBe(400);
      expect((await res.json()).error.details[0].field, query).toBe(field);
    }
    expect((await t.get("/api/items?limit=100")).status).toBe(200);
    expect((await t.get("/api/items", { authorization: "Bearer nope" })).status).toBe(401);
  });
});

describe("GET and PATCH /api/items/:id", () => {
  it("reads one item, 404 for an unknown id", async () => {
    const { t, items } = await seeded();
    expect(await (await t.get(`/api/items/${items[0]!.id}`)).json()).toMatchObject({
      id: items[0]!.id,
      status: "new",
    });
    expect((await t.get("/api/items/nope")).status).toBe(404);
    expect((await t.patch("/api/items/nope", { status: "selected" })).status).toBe(404);
  });

  it("selects, rejects and restores an item, moving it between listings", async () => {
    const { t, items } = await seeded();
    const id = items[2]!.id; // a release of source gh
    const res = await t.patch(`/api/items/${id}`, {
      status: "selected",
      comment: "Big **release**.\r\nUpgrade!",
      section: "  News  ",
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      id,
      status: "selected",
      comment: "Big **release**.\nUpgrade!",
      section: "News",
      kind: "release",
    });
    const list = async (query: string) => ids((await (await t.get(`/api/items?${query}`)).json()) as Page);
    expect(await list("status=selected&kind=release")).toEqual([id]);
    expect(await list("status=selected&sourceId=gh")).toEqual([id]);
    expect(await list("kind=release")).toEqual([]);
    expect(await list("sourceId=gh")).toEqual([]);

    expect((await (await t.patch(`/api/items/${id}`, { status: "rejected" })).json()).status).toBe(
      "rejected",
    );
    expect(
      await (await t.patch(`/api/items/${id}`, { status: "new", comment: null, section: null })).json(),
    ).toMatchObject({
      status: "new",
      comment: null,
      section: null,
    });
    expect(await list("sourceId=gh")).toEqual([id]);
  });

  it("overrides title, description and image, and search follows", async () => {
    const { t, items } = await seeded();
    const id = items[0]!.id;
    const res = await t.patch(`/api/items/${id}`, {
      title: "Interview with a Grandmaster",
      description: "深層学習コンペの戦略",
      imageUrl: "https://cdn.example.com/gm.png",
    });
    expect(await res.json()).toMatchObject({
      title: "Interview with a Grandmaster",
      description: "深層学習コンペの戦略",
      imageUrl: "https://cdn.example.com/gm.png",
    });
    expect(ids((await (await t.get(`/api/items?q=${encodeURIComponent("コンペ")}`)).json()) as Page)).toEqual(
      [id],
    );
    expect(
      await (await t.patch(`/api/items/${id}`, { imageUrl: null, description: null })).json(),
    ).toMatchObject({ imageUrl: null, description: null });
    expect(ids((await (await t.get(`/api/items?q=${encodeURIComponent("コンペ")}`)).json()) as Page)).toEqual(
      [],
    );
  });

  it("answers 400 naming the field for bad input", async () => {
    const { t, items } = await seeded();
    const id = items[0]!.id;
    const cases: [unknown, string][] = [
      [{ status: "used" }, "status"],
      [{ status: "archived" }, "status"],
      [{ comment: "x".repeat(2001) }, "comment"],
      [{ section: "s".repeat(101) }, "section"],
      [{ title: "" }, "title"],
      [{ title: "   " }, "title"],
      [{ title: null }, "title"],
      [{ imageUrl: "javascript:alert(1)" }, "imageUrl"],
      [{ imageUrl: "/relative.png" }, "imageUrl"],
      [{ description: 42 }, "description"],
    ];
    for (const [body, field] of cases) {
      const res = await t.patch(`/api/items/${id}`, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect((await res.json()).error.details[0].field, JSON.stringify(body)).toBe(field);
    }
    expect((await t.patch(`/api/items/${id}`, { url: "https://elsewhere.example/" })).status).toBe(400);
    expect((await (await t.get(`/api/items/${id}`)).json()).title).toBe(items[0]!.title);
  });

  it("keeps a used item's status (409) but lets its comment be edited", async () => {
    const { ctx, t, items } = await seeded();
    const id = items[4]!.id;
    expect(await markItemsUsed(ctx, [id, "unknown"])).toEqual([id]);
    for (const status of ["new", "selected", "rejected"]) {
      const res = await t.patch(`/api/items/${id}`, { status });
      expect(res.status).toBe(409);
      expect((await res.json()).error.code).toBe("conflict");
    }
    expect((await t.patch(`/api/items/${id}`, { status: "used" })).status).toBe(400);
    const ok = await t.patch(`/api/items/${id}`, { comment: "fixed a typo" });
    expect(await ok.json()).toMatchObject({ status: "used", comment: "fixed a typo" });
    expect(ids((await (await t.get("/api/items?status=used")).json()) as Page)).toEqual([id]);
  });
});

describe("POST /api/items", () => {
  it("adds a link, unfurled before answering (201), and returns it again for the same canonical URL (200)", async () => {
    const ctx = await env.ctx();
    const t = testClient(ctx);
    const url = `${site.origin}/article?id=7&utm_source=twitter`;
    const res = await t.post("/api/items", { url, comment: "Must read", section: "Articles" });
    expect(res.status).toBe(201);
    const item = (await res.json()) as Item;
    expect(item).toMatchObject({
      url,
      canonicalUrl: `${site.origin}/article?id=7`,
      title: "An article worth reading",
      description: "Why it matters",
      imageUrl: `${site.origin}/cover.jpg`,
      kind: "link",
      status: "selected",
      comment: "Must read",
      section: "Articles",
      sourceIds: [],
      publishedAt: null,
      domain: "127.0.0.1",
    });
    expect(item.unfurledAt).toEqual(expect.any(String));

    const again = await t.post("/api/items", {
      url: `${site.origin}/article?utm_medium=x&id=7#comments`,
      comment: "other words",
    });
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ id: item.id, comment: "Must read" });
    expect(site.requests.filter((r) => r.url?.startsWith("/article"))).toHaveLength(1);
    expect(ids((await (await t.get("/api/items?status=selected&kind=link")).json()) as Page)).toEqual([
      item.id,
    ]);
  });

  it("selects a known candidate and fills an empty comment, but keeps the editor's decisions", async () => {
    const ctx = await env.ctx();
    const t = testClient(ctx);
    const [fresh, rejected] = await storeItems(ctx, [
      testItem("https://known.example/1"),
      testItem("https://known.example/2", { status: "rejected", comment: "not this week" }),
    ]);
    const a = await t.post("/api/items", {
      url: "https://known.example/1",
      comment: "Good one",
      section: "News",
    });
    expect(a.status).toBe(200);
    expect(await a.json()).toMatchObject({
      id: fresh!.id,
      status: "selected",
      comment: "Good one",
      section: "News",
      kind: "article",
    });
    const b = await t.post("/api/items", { url: "https://known.example/2", comment: "changed my mind?" });
    expect(b.status).toBe(200);
    expect(await b.json()).toMatchObject({ id: rejected!.id, status: "rejected", comment: "not this week" });
  });

  it("stores a link whose page cannot be fetched, with the error noted", async () => {
    const ctx = await env.ctx();
    const t = testClient(ctx);
    const closed = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, "127.0.0.1", () => {
        const port = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(port));
      });
    });
    const url = `http://127.0.0.1:${closed}/gone`;
    const res = await t.post("/api/items", { url });
    expect(res.status).toBe(201);
    const item = (await res.json()) as Item;
    expect(item).toMatchObject({ url, title: url, description: null, status: "selected" });
    expect(item.unfurlError).toMatch(/network/);
    const missing = await t.post("/api/items", { url: `${site.origin}/nothing-here` });
    expect(missing.status).toBe(201);
    expect((await missing.json()).unfurlError).toMatch(/404/);
  });

  it("refuses bad URLs and literal private addresses with 400 naming url", async () => {
    const ctx: Ctx = await env.ctx({ env: { ALLOW_PRIVATE_NETWORK: "0" } });
    const t = testClient(ctx);
    for (const body of [
      {},
      { url: "" },
      { url: "not a url" },
      { url: "ftp://example.com/file" },
      { url: "https://user:pw@example.com/" },
      { url: "http://127.0.0.1:8080/admin" },
      { url: "http://169.254.169.254/latest/meta-data/" },
      { url: "http://[::1]/" },
      { url: "http://10.0.0.7/" },
      { url: "http://localhost:3000/" },
    ]) {
      const res = await t.post("/api/items", body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect((await res.json()).error.details[0].field, JSON.stringify(body)).toBe("url");
    }
    const res = await t.post("/api/items", { url: "https://example.com/", section: "x".repeat(101) });
    expect((await res.json()).error.details[0].field).toBe("section");
  });
});

describe("GET /api/items/counts", () => {
  type Counts = { counts: Record<"new" | "selected" | "rejected" | "used", number> };
  const counts = async (t: ReturnType<typeof testClient>, query = "") => {
    const res = await t.get(`/api/items/counts${query}`);
    expect(res.status, query).toBe(200);
    return ((await res.json()) as Counts).counts;
  };

  it("counts every status under the listing's filters, and follows status changes", async () => {
    const { ctx, t, items } = await seeded();
    expect(await counts(t)).toEqual({ new: 4, selected: 1, rejected: 0, used: 0 });
    expect(await counts(t, "?sourceId=gh")).toEqual({ new: 1, selected: 0, rejected: 0, used: 0 });
    expect(await counts(t, "?kind=competition")).toEqual({ new: 1, selected: 0, rejected: 0, used: 0 });
    expect(await counts(t, "?q=kaggle")).toEqual({ new: 2, selected: 0, rejected: 0, used: 0 });
    expect(await counts(t, "?q=blog.example")).toEqual({ new: 1, selected: 1, rejected: 0, used: 0 });
    expect(await counts(t, "?from=2024-05-08&to=2024-05-09")).toEqual({
      new: 2,
      selected: 0,
      rejected: 0,
      used: 0,
    });
    expect(await counts(t, "?sourceId=gh&kind=article")).toEqual({
      new: 0,
      selected: 0,
      rejected: 0,
      used: 0,
    });

    await t.patch(`/api/items/${items[0]!.id}`, { status: "rejected" });
    await t.patch(`/api/items/${items[1]!.id}`, { status: "selected" });
    await markItemsUsed(ctx, [items[4]!.id]);
    expect(await counts(t)).toEqual({ new: 2, selected: 1, rejected: 1, used: 1 });

    // the same listing gives the same numbers
    for (const status of ["new", "selected", "rejected", "used"] as const) {
      const page = (await (await t.get(`/api/items?status=${status}&limit=100`)).json()) as Page;
      expect(page.items.length, status).toBe((await counts(t))[status]);
    }
  });

  it("counts an item found by a further source in that source's counts, filters included", async () => {
    const { ctx, t, items } = await seeded();
    expect(await ctx.store.items.addSource(items[0]!.id, "other")).toBe(true);
    const none = { new: 0, selected: 0, rejected: 0, used: 0 };
    expect(await counts(t, "?sourceId=other")).toEqual({ ...none, new: 1 });
    expect(await counts(t, "?sourceId=other&q=grandmaster")).toEqual({ ...none, new: 1 });
    expect(await counts(t, "?sourceId=other&q=nothing-like-it")).toEqual(none);
    expect(await counts(t, "?sourceId=other&kind=article")).toEqual({ ...none, new: 1 });
    expect(await counts(t, "?sourceId=other&kind=release")).toEqual(none);
    await t.patch(`/api/items/${items[0]!.id}`, { status: "selected" });
    expect(await counts(t, "?sourceId=other&q=grandmaster")).toEqual({ ...none, selected: 1 });
  });

  it("answers 400 naming the field for bad filters, 401 without the token", async () => {
    const { t } = await seeded();
    for (const [query, field] of [
      ["kind=video", "kind"],
      ["from=yesterday", "from"],
      ["from=2024-05-09&to=2024-05-01", "to"],
      ["q=" + "x".repeat(201), "q"],
    ] as const) {
      const res = await t.get(`/api/items/counts?${query}`);
      expect(res.status, query).toBe(400);
      const body = (await res.json()) as { error: { details: { field: string }[] } };
      expect(
        body.error.details.map((d) => d.field),
        query,
      ).toContain(field);
    }
    expect((await t.get("/api/items/counts", { authorization: "Bearer wrong" })).status).toBe(401);
  });
});

describe("selectedAt", () => {
  it("is set when an item becomes selected, kept by other edits, cleared when it leaves selected", async () => {
    let now = Date.parse("2024-06-01T10:00:00.000Z");
    const ctx = await env.ctx({ now: () => new Date(now) });
    const t = testClient(ctx);
    const [a, b] = await storeItems(ctx, [
      testItem("https://blog.example/a"),
      testItem("https://blog.example/b"),
    ]);
    const patch = async (id: string, body: unknown) =>
      (await (await t.patch(`/api/items/${id}`, body)).json()) as Item;

    expect((await patch(a!.id, { status: "selected" })).selectedAt).toBe("2024-06-01T10:00:00.000Z");
    now += 60_000;
    expect((await patch(a!.id, { comment: "Good" })).selectedAt).toBe("2024-06-01T10:00:00.000Z");
    // selecting a selected item again does not move it
    expect((await patch(a!.id, { status: "selected" })).selectedAt).toBe("2024-06-01T10:00:00.000Z");
    expect((await patch(a!.id, { status: "rejected" })).selectedAt).toBeUndefined();
    expect((await patch(a!.id, { status: "selected" })).selectedAt).toBe("2024-06-01T10:01:00.000Z");

    await patch(b!.id, { status: "selected" });
    await markItemsUsed(ctx, [b!.id]);
    const used = (await (await t.get(`/api/items/${b!.id}`)).json()) as Item;
    expect(used.status).toBe("used");
    expect(used.selectedAt).toBeUndefined();

    // a link added by hand is selected when it is added
    now += 60_000;
    const link = (await (await t.post("/api/items", { url: `${site.origin}/article?id=s` })).json()) as Item;
    expect(link).toMatchObject({ status: "selected", selectedAt: "2024-06-01T10:02:00.000Z" });
  });
});

describe("GET /api/items?sort=score, PATCH /api/sources/:id {rankWeight}", () => {
  it("ranks by score with its parts, re-ranks after the editor weighs a source, and names bad parameters", async () => {
    const ctx = await env.ctx();
    const t = testClient(ctx);
    const a = await (
      await t.post("/api/sources", { kind: "feed", url: "https://a.example/feed.xml" })
    ).json();
    const b = await (
      await t.post("/api/sources", { kind: "feed", url: "https://b.example/feed.xml" })
    ).json();
    const post = (slug: string, publishedAt: string) =>
      testCandidate(`https://blog.example/${slug}`, slug, { publishedAt });
    await storeCandidates(ctx, { id: a.id }, [post("from-a", "2024-05-10T00:00:00.000Z")]);
    await storeCandidates(ctx, { id: b.id }, [post("from-b", "2024-05-03T00:00:00.000Z")]);
    const ranked = async () => ((await (await t.get("/api/items?sort=score")).json()) as Page).items;
    expect((await ranked()).map((i) => i.title)).toEqual(["from-a", "from-b"]);
    expect((await ranked())[0]).toMatchObject({
      score: expect.any(Number),
      scoreParts: { editor: 0, mentions: 0 },
    });

    const patched = await t.patch(`/api/sources/${b.id}`, { rankWeight: 2 });
    expect(patched.status).toBe(200);
    expect(await patched.json()).toMatchObject({ rankWeight: 2 });
    expect((await ranked()).map((i) => i.title)).toEqual(["from-b", "from-a"]);

    for (const [path, field] of [
      ["/api/items?sort=hot", "sort"],
      [`/api/items?sort=score&sourceId=${a.id}`, "sort"],
      ["/api/items?open=maybe", "open"],
    ] as const) {
      const res = await t.get(path);
      expect(res.status, path).toBe(400);
      expect(JSON.stringify(await res.json()), path).toContain(field);
    }
    expect((await t.patch(`/api/sources/${b.id}`, { rankWeight: 5 })).status).toBe(400);
  });
});

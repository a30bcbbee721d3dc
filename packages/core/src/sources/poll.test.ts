import { gzipSync } from "node:zlib";
import { startTestEnv, type TestEnv } from "@wkn/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Ctx } from "../context.js";
import { createFetcher } from "../fetch/index.js";
import { urlHash } from "../url/canonical.js";
import { createSource, getSource } from "./manage.js";
import { dueSourceIds, pollDue, pollSource } from "./poll.js";
import { recordCommands, rss, serve, startTestServer, type TestServer } from "./test-server.js";

let env: TestEnv;
let srv: TestServer;
beforeAll(async () => {
  env = await startTestEnv();
  srv = await startTestServer("127.0.0.2");
});
afterAll(async () => {
  await srv.close();
  await env.close();
});

const MIN = 60_000;

/** A clock the test moves by hand. */
function clock(start = "2026-03-01T00:00:00.000Z") {
  let t = new Date(start).getTime();
  return {
    now: () => new Date(t),
    advance: (ms: number) => {
      t += ms;
    },
    iso: (plusMs = 0) => new Date(t + plusMs).toISOString(),
  };
}

/**
 * A context whose fetcher applies the real address rule (no ALLOW_PRIVATE_NETWORK) with one
 * exception, the test server's own address 127.0.0.2, and small limits so that slow and large
 * answers fail fast.
 */
async function guardedCtx(now: () => Date): Promise<Ctx & { close(): void }> {
  const ctx = await env.ctx({ env: { ALLOW_PRIVATE_NETWORK: "0" }, now });
  const fetcher = createFetcher({
    userAgent: ctx.config.userAgent,
    allowPrivateNetwork: false,
    allowAddresses: ["127.0.0.2"],
    defaults: { timeoutMs: 1_500, maxBytes: 1024 * 1024, maxRetryWaitMs: 0 },
  });
  return Object.assign(ctx, { fetch: fetcher, close: () => fetcher.close() });
}

async function feedSource(ctx: Ctx, id: string, path: string) {
  return createSource(ctx, { kind: "feed", id, url: `${srv.origin}${path}` });
}

describe("pollDue: every failure is recorded on its own source, the others are stored", () => {
  it("handles broken, hostile and odd feeds in one cycle", async () => {
    const c = clock();
    const ctx = await guardedCtx(c.now);
    const p = (name: string) => `/modes/${name}`;
    srv.route(
      p("good"),
      serve(
        rss("Good Blog", [
          { title: "First", link: "https://good.example/1", description: "<p>One</p>" },
          { title: "Second", link: "https://good.example/2" },
        ]),
      ),
    );
    srv.route(
      p("truncated"),
      serve(
        `<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><item><title>whole</title><link>https://trunc.example/1</link></item><item><title>cut<link>https://trunc.example/2`,
      ),
    );
    srv.route(p("garbage"), serve("this is not xml at all, nor json", { "content-type": "application/xml" }));
    srv.route(
      p("html"),
      serve("<!doctype html><html><head><title>Blog</title></head><body>hi</body></html>", {
        "content-type": "text/html",
      }),
    );
    srv.route(p("error500"), (_req, res) => void res.writeHead(500).end("boom"));
    srv.route(p("slow"), (_req, res) => void setTimeout(() => res.end(rss("late", [])), 10_000).unref());
    srv.route(p("loop-a"), (_req, res) => void res.writeHead(302, { location: p("loop-b") }).end());
    srv.route(p("loop-b"), (_req, res) => void res.writeHead(302, { location: p("loop-a") }).end());
    srv.route(
      p("to-loopback"),
      (_req, res) => void res.writeHead(302, { location: `http://127.0.0.1:${srv.port}${p("good")}` }).end(),
    );
    srv.route(
      p("to-metadata"),
      (_req, res) => void res.writeHead(301, { location: "http://169.254.169.254/latest/meta-data/" }).end(),
    );
    srv.route(p("huge"), serve(Buffer.alloc(2 * 1024 * 1024, 0x20)));
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024, 0x20));
    srv.route(p("bomb"), serve(bomb, { "content-encoding": "gzip" }));
    srv.route(
      p("charset"),
      serve(rss("日本語のブログ", [{ title: "機械学習の記事", link: "https://ja.example/1" }]), {
        "content-type": "application/rss+xml; charset=ISO-8859-1",
      }),
    );
    srv.route(p("empty-body"), serve(""));
    srv.route(p("no-entries"), serve(rss("Quiet", [])));
    srv.route(
      p("dup-guids"),
      serve(
        rss("Dups", [
          { title: "A", link: "https://dup.example/a", guid: "same" },
          { title: "B", link: "https://dup.example/b", guid: "same" },
          { title: "A again", link: "https://dup.example/a", guid: "same" },
        ]),
      ),
    );
    srv.route(
      p("no-link"),
      serve(
        rss("Linkless", [
          { title: "has one", link: "https://nolink.example/1" },
          { title: "has none" },
          { title: "", link: "https://nolink.example/untitled", description: "A micro-post with no title" },
        ]),
      ),
    );

    const names = [
      "good",
      "truncated",
      "garbage",
      "html",
      "error500",
      "slow",
      "loop-a",
      "to-loopback",
      "to-metadata",
      "huge",
      "bomb",
      "charset",
      "empty-body",
      "no-entries",
      "dup-guids",
      "no-link",
    ];
    for (const n of names) await feedSource(ctx, n, p(n));

    const results = await pollDue(ctx);
    ctx.close();
    const byId = Object.fromEntries(results.map((r) => [r.sourceId, r]));
    expect(Object.keys(byId).sort()).toEqual([...names].sort());

    const failed: Record<string, RegExp> = {
      garbage: /not a feed/,
      html: /not a feed: got an HTML page/,
      error500: /500/,
      slow: /modes\/slow/,
      "loop-a": /redirect/i,
      "to-loopback": /127\.0\.0\.1/,
      "to-metadata": /169\.254\.169\.254/,
      huge: /larger than/,
      bomb: /larger than|decompress/i,
      "empty-body": /empty/,
    };
    for (const [id, pattern] of Object.entries(failed)) {
      expect(byId[id], id).toMatchObject({ status: "error", newItems: 0 });
      expect(byId[id]!.error, id).toMatch(pattern);
      const s = await getSource(ctx, id);
      expect(s.lastError, id).toBe(byId[id]!.error);
      expect(s.consecutiveFailures, id).toBe(1);
      expect(s.lastSuccessAt, id).toBeNull();
      expect(s.nextPollAt, id).toBe(c.iso(60 * MIN));
    }
    // the timeout names what timed out; the address rule says why
    expect(byId.slow!.error).toMatch(/within 1\.5 s/);
    expect(byId["to-metadata"]!.error).toMatch(/link-?local|not a public|private|blocked|refus/i);

    expect(byId.good).toEqual({ sourceId: "good", status: "ok", newItems: 2 });
    expect((await ctx.store.items.get(urlHash("https://good.example/1")))?.siteName).toBe("Good Blog");
    expect(byId.truncated).toMatchObject({ status: "ok", newItems: 1 });
    expect(await ctx.store.items.get(urlHash("https://trunc.example/1"))).toBeDefined();
    expect(byId.charset).toMatchObject({ status: "ok", newItems: 1 });
    expect((await ctx.store.items.get(urlHash("https://ja.example/1")))?.title).toBe("機械学習の記事");
    expect(byId["no-entries"]).toMatchObject({ status: "ok", newItems: 0 });
    expect(byId["dup-guids"]).toMatchObject({ status: "ok", newItems: 2 });
    expect(byId["no-link"]).toMatchObject({ status: "ok", newItems: 2 });
    expect((await ctx.store.items.get(urlHash("https://nolink.example/untitled")))?.title).toBe(
      "A micro-post with no title",
    );
    expect((await getSource(ctx, "no-link")).lastSkipped).toBe(1);
    expect((await getSource(ctx, "truncated")).lastSkipped).toBe(1);
    const good = await getSource(ctx, "good");
    expect(good).toMatchObject({
      consecutiveFailures: 0,
      lastError: null,
      lastSuccessAt: c.iso(),
      lastPolledAt: c.iso(),
      lastSkipped: 0,
    });
  });
});

describe("pollSource", () => {
  it("stores the same article from two feeds as one item listing both sources", async () => {
    const ctx = await env.ctx();
    srv.route(
      "/two/a",
      serve(
        rss("A", [
          { title: "Shared", link: "https://shared.example/post?utm_source=a" },
          { title: "Only A", link: "https://shared.example/a" },
        ]),
      ),
    );
    srv.route("/two/b", serve(rss("B", [{ title: "Shared", link: "https://shared.example/post#comments" }])));
    await feedSource(ctx, "feed-a", "/two/a");
    await feedSource(ctx, "feed-b", "/two/b");
    const results = await pollDue(ctx);
    expect(results.map((r) => r.newItems).reduce((a, b) => a + b)).toBe(2);
    const item = await ctx.store.items.get(urlHash("https://shared.example/post"));
    expect([...(item?.sourceIds ?? [])].sort()).toEqual(["feed-a", "feed-b"]);
    const listed = await ctx.store.items.list({ status: "new", sourceId: "feed-b", limit: 10 });
    expect(listed.items.map((i) => i.id)).toEqual([item!.id]);
  });

  it("writes no items when the feed is unchanged, and answers a 304 with one small source update", async () => {
    const c = clock();
    const ctx = await env.ctx({ now: c.now });
    const entries = [1, 2, 3].map((i) => ({ title: `Post ${i}`, link: `https://same.example/${i}` }));
    srv.route("/same/plain", serve(rss("Plain", entries)));
    const tagged = [4, 5].map((i) => ({ title: `Post ${i}`, link: `https://same.example/${i}` }));
    srv.route("/same/etag", serve(rss("Tagged", tagged), {}, { etag: '"v1"' }));
    await feedSource(ctx, "plain", "/same/plain");
    await feedSource(ctx, "tagged", "/same/etag");
    expect((await pollDue(ctx)).map((r) => r.newItems).sort()).toEqual([2, 3]);
    const itemsBefore = (await ctx.store.items.list({ status: "new", limit: 100 })).items;
    expect(itemsBefore).toHaveLength(5);

    const rec = recordCommands(ctx);
    c.advance(61 * MIN);
    const before = srv.requests.length;
    const plain = await pollSource(ctx, "plain");
    expect(plain).toEqual({ sourceId: "plain", status: "ok", newItems: 0 });
    // read the source, update the source: no item read, no item write
    expect(rec.commands.map((x) => x.name)).toEqual(["GetItemCommand", "UpdateItemCommand"]);
    expect(rec.commands.flatMap((x) => x.keys).every((k) => k === "SOURCE#plain")).toBe(true);

    rec.clear();
    const again = await pollSource(ctx, "tagged");
    expect(again).toEqual({ sourceId: "tagged", status: "not_modified", newItems: 0 });
    const sent = srv.requests.slice(before).find((r) => r.path === "/same/etag");
    expect(sent?.headers["if-none-match"]).toBe('"v1"');
    expect(rec.commands.map((x) => x.name)).toEqual(["GetItemCommand", "UpdateItemCommand"]);
    const s = await getSource(ctx, "tagged");
    expect(s).toMatchObject({ lastSuccessAt: c.iso(), nextPollAt: c.iso(60 * MIN), consecutiveFailures: 0 });

    const itemsAfter = (await ctx.store.items.list({ status: "new", limit: 100 })).items;
    expect(itemsAfter).toEqual(itemsBefore);
  });

  it("backs off exponentially after failures, keeps the error, and resets on success", async () => {
    const c = clock();
    const ctx = await env.ctx({ now: c.now });
    let up = false;
    srv.route("/flaky", (req, res) => {
      if (up) serve(rss("Flaky", [{ title: "Back", link: "https://flaky.example/1" }]))(req, res, "");
      else res.writeHead(503).end("down");
    });
    await feedSource(ctx, "flaky", "/flaky");
    const waits: number[] = [];
    for (let i = 1; i <= 6; i++) {
      const r = await pollSource(ctx, "flaky");
      expect(r.status).toBe("error");
      const s = await getSource(ctx, "flaky");
      expect(s.consecutiveFailures).toBe(i);
      expect(s.lastError).toMatch(/503/);
      expect(s.enabled).toBe(true);
      waits.push((Date.parse(s.nextPollAt) - c.now().getTime()) / MIN);
      c.advance(Date.parse(s.nextPollAt) - c.now().getTime());
      expect(await dueSourceIds(ctx)).toEqual(["flaky"]);
    }
    expect(waits).toEqual([60, 120, 240, 480, 960, 1440]);

    up = true;
    expect(await pollSource(ctx, "flaky")).toEqual({ sourceId: "flaky", status: "ok", newItems: 1 });
    const s = await getSource(ctx, "flaky");
    expect(s).toMatchObject({ consecutiveFailures: 0, lastError: null, nextPollAt: c.iso(60 * MIN) });
    expect(await dueSourceIds(ctx)).toEqual([]);
  });

  it("stretches the next poll for Cache-Control max-age and Retry-After, never shortens it", async () => {
    const c = clock();
    const ctx = await env.ctx({ now: c.now });
    srv.route("/cc/long", serve(rss("Long", []), { "cache-control": "public, max-age=10800" }));
    srv.route("/cc/short", serve(rss("Short", []), { "cache-control": "max-age=60" }));
    srv.route("/cc/limited", (_req, res) => void res.writeHead(429, { "retry-after": "7200" }).end());
    await feedSource(ctx, "long", "/cc/long");
    await feedSource(ctx, "short", "/cc/short");
    await feedSource(ctx, "limited", "/cc/limited");
    ctx.fetch = createFetcher({ userAgent: "t", allowPrivateNetwork: true, defaults: { maxRetryWaitMs: 0 } });
    await pollDue(ctx);
    expect((await getSource(ctx, "long")).nextPollAt).toBe(c.iso(180 * MIN));
    expect((await getSource(ctx, "short")).nextPollAt).toBe(c.iso(60 * MIN));
    const limited = await getSource(ctx, "limited");
    expect(limited).toMatchObject({ consecutiveFailures: 1, nextPollAt: c.iso(120 * MIN) });
    expect(limited.lastError).toMatch(/429|rate|too many/i);
  });

  it("treats an unknown source id as a no-op, or a 404 when asked to", async () => {
    const ctx = await env.ctx();
    expect(await pollSource(ctx, "gone")).toMatchObject({
      sourceId: "gone",
      status: "error",
      error: "source not found",
    });
    expect(await ctx.store.sources.get("gone")).toBeUndefined();
    await expect(pollSource(ctx, "gone", { mustExist: true })).rejects.toMatchObject({ kind: "not_found" });
  });

  it("polls only enabled sources that are due, or every enabled one with all", async () => {
    const c = clock();
    const ctx = await env.ctx({ now: c.now });
    srv.route("/due/feed", serve(rss("Due", [])));
    await feedSource(ctx, "due-1", "/due/feed");
    await createSource(ctx, { kind: "feed", id: "off", url: `${srv.origin}/due/feed?off`, enabled: false });
    expect((await pollDue(ctx)).map((r) => r.sourceId)).toEqual(["due-1"]);
    expect(await pollDue(ctx)).toEqual([]);
    expect((await pollDue(ctx, { all: true })).map((r) => r.sourceId)).toEqual(["due-1"]);
  });

  it("throws for a store failure so that a queue retries the poll", async () => {
    const ctx = await env.ctx();
    srv.route("/infra", serve(rss("Infra", [{ title: "x", link: "https://infra.example/1" }])));
    await feedSource(ctx, "infra", "/infra");
    ctx.store.items.createAllIfAbsent = async () => {
      throw new Error("ProvisionedThroughputExceededException");
    };
    await expect(pollSource(ctx, "infra")).rejects.toThrow(/ProvisionedThroughput/);
    expect((await getSource(ctx, "infra")).consecutiveFailures).toBe(0);
  });
});

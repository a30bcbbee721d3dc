/**
 * Link checks against loopback servers (ALLOW_PRIVATE_NETWORK=1 in the test env): what each
 * answer means, HEAD refused → GET, and the table's cache under an injected clock.
 */
import { startTestEnv, type TestEnv } from "@wkn/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { closeServers, serve, type TestServer } from "../fetch/testing.js";
import { checkLinks } from "./checker.js";

let env: TestEnv;
beforeAll(async () => {
  env = await startTestEnv();
});
afterEach(closeServers);
afterAll(() => env.close());

/** Short enough that the test never waits on real time for long. */
const FAST = { timeoutMs: 250 };

/** A site answering by path; `other` is a second host (localhost ≠ 127.0.0.1: another site). */
async function site(): Promise<{ a: TestServer; other: TestServer }> {
  const other = await serve((_req, res) => res.writeHead(200).end("elsewhere"));
  const a = await serve((req, res) => {
    const path = req.url ?? "/";
    if (path === "/ok") return res.writeHead(200, { "content-type": "text/html" }).end("<p>hi</p>");
    if (path === "/404") return res.writeHead(404).end();
    if (path === "/410") return res.writeHead(410).end();
    if (path === "/500") return res.writeHead(500).end();
    if (path === "/slow") return; // never answers
    if (path === "/no-head")
      return req.method === "HEAD" ? res.writeHead(405).end() : res.writeHead(200).end("body");
    if (path === "/moved-here") return res.writeHead(301, { location: "/ok" }).end();
    if (path === "/moved-away")
      return res.writeHead(302, { location: `http://localhost:${other.port}/landing` }).end();
    res.writeHead(404).end();
  });
  return { a, other };
}

describe("checkLinks", () => {
  it("classifies 200, 404, 410, 5xx, timeout, a redirect on the site and one off it, and DNS failure", async () => {
    const { a } = await site();
    const ctx = await env.ctx({ now: () => new Date("2026-03-02T10:00:00.000Z") });
    const u = (p: string) => `${a.origin}${p}`;
    const nowhere = "http://no-such-host.invalid/page";
    const urls = ["/ok", "/404", "/410", "/500", "/slow", "/moved-here", "/moved-away"].map(u);
    const started = Date.now();
    const r = await checkLinks(ctx, [...urls, nowhere], FAST);
    expect(Date.now() - started).toBeLessThan(3_000);

    expect(r.get(u("/ok"))).toMatchObject({ status: "ok", httpStatus: 200, finalUrl: null });
    expect(r.get(u("/404"))).toMatchObject({ status: "dead", httpStatus: 404, reason: "404 Not Found" });
    expect(r.get(u("/410"))).toMatchObject({ status: "dead", httpStatus: 410, reason: "410 Gone" });
    expect(r.get(u("/500"))).toMatchObject({ status: "error", httpStatus: 500 });
    expect(r.get(u("/500"))?.reason).toMatch(/not counted as dead/);
    expect(r.get(u("/slow"))).toMatchObject({ status: "error", httpStatus: null });
    expect(r.get(u("/slow"))?.reason).toMatch(/no answer within 0.3 s; not counted as dead/);
    expect(r.get(u("/moved-here"))).toMatchObject({ status: "ok", finalUrl: u("/ok") });
    expect(r.get(u("/moved-away"))).toMatchObject({ status: "offsite" });
    expect(r.get(u("/moved-away"))?.reason).toMatch(
      /redirects to another site: http:\/\/localhost:\d+\/landing/,
    );
    expect(r.get(nowhere)).toMatchObject({ status: "dead", httpStatus: null });
    expect(r.get(nowhere)?.reason).toMatch(/does not resolve/);
    for (const c of r.values()) expect(c.checkedAt).toBe("2026-03-02T10:00:00.000Z");
  });

  it("tries HEAD first and GET when HEAD is refused", async () => {
    const { a } = await site();
    const ctx = await env.ctx();
    const r = await checkLinks(ctx, [`${a.origin}/no-head`, `${a.origin}/ok`], FAST);
    expect(r.get(`${a.origin}/no-head`)).toMatchObject({ status: "ok", httpStatus: 200 });
    const seen = (path: string) => a.requests.filter((q) => q.url === path).map((q) => q.method);
    expect(seen("/no-head")).toEqual(["HEAD", "GET"]);
    expect(seen("/ok")).toEqual(["HEAD"]);
  });

  it("keeps no more requests in flight than the bound", async () => {
    let inFlight = 0;
    let most = 0;
    const s = await serve((_req, res) => {
      most = Math.max(most, ++inFlight);
      // Answer on the next turn, so requests that could overlap do.
      setImmediate(() => {
        inFlight--;
        res.writeHead(200).end();
      });
    });
    const ctx = await env.ctx();
    const urls = Array.from({ length: 10 }, (_, i) => `${s.origin}/p${i}`);
    const r = await checkLinks(ctx, urls, { ...FAST, concurrency: 3 });
    expect([...r.values()].every((c) => c.status === "ok")).toBe(true);
    expect(most).toBeLessThanOrEqual(3);
  });

  it("answers from the table within the hour, and checks again after it", async () => {
    const { a } = await site();
    let now = Date.parse("2026-03-02T10:00:00.000Z");
    const ctx = await env.ctx({ now: () => new Date(now) });
    const urls = [`${a.origin}/ok`, `${a.origin}/404`];
    await checkLinks(ctx, urls, FAST);
    const first = a.requests.length;
    expect(first).toBe(3); // HEAD /ok; HEAD /404, then GET /404

    // Another instance (another context on the same table) sees the same cache.
    const other = await env.ctx({ now: () => new Date(now), env: { TABLE_NAME: ctx.config.tableName } });
    now += 59 * 60_000;
    const cached = await checkLinks(other, urls, FAST);
    expect(a.requests.length).toBe(first);
    expect(cached.get(`${a.origin}/404`)).toMatchObject({
      status: "dead",
      checkedAt: "2026-03-02T10:00:00.000Z",
    });

    now += 2 * 60_000; // 61 minutes after the first check
    const again = await checkLinks(ctx, urls, FAST);
    expect(a.requests.length).toBe(first * 2);
    expect(again.get(`${a.origin}/ok`)?.checkedAt).toBe("2026-03-02T11:01:00.000Z");
  });

  it("reports links left when the overall budget runs out as not checked, and does not cache them", async () => {
    const { a } = await site();
    const ctx = await env.ctx();
    const url = `${a.origin}/slow`;
    const r = await checkLinks(ctx, [url], { timeoutMs: 5_000, budgetMs: 100 });
    expect(r.get(url)).toMatchObject({ status: "error", reason: "not checked: the check ran out of time" });
    expect((await ctx.store.linkChecks.getMany([url])).size).toBe(0);
  });
});

import { rss, serve, startTestServer, type TestServer } from "@wkn/core/sources/test-server";
import { startTestEnv, type TestEnv } from "@wkn/testing";
import { testClient } from "@wkn/testing/api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

let env: TestEnv;
let srv: TestServer;
beforeAll(async () => {
  env = await startTestEnv();
  srv = await startTestServer();
  srv.route("/feed.xml", serve(rss("Example", [{ title: "Hello", link: "https://example.com/hello" }])));
  srv.route("/broken", (_req, res) => void res.writeHead(500).end());
});
afterAll(async () => {
  await srv.close();
  await env.close();
});

describe("POST /api/sources/:id/poll", () => {
  it("polls one source now and reports new items; the source shows the outcome", async () => {
    const t = testClient(await env.ctx());
    const src = await (await t.post("/api/sources", { kind: "feed", url: `${srv.origin}/feed.xml` })).json();
    const res = await t.post(`/api/sources/${src.id}/poll`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ sourceId: src.id, status: "ok", newItems: 1 });
    expect(await (await t.post(`/api/sources/${src.id}/poll`)).json()).toEqual({
      sourceId: src.id,
      status: "ok",
      newItems: 0,
    });
    const after = await (await t.get(`/api/sources/${src.id}`)).json();
    expect(after).toMatchObject({ consecutiveFailures: 0, lastError: null, lastSkipped: 0 });
    expect(after.lastSuccessAt).not.toBeNull();
  });

  it("says when the feed was not modified (a conditional GET answered 304)", async () => {
    srv.route(
      "/etag.xml",
      serve(rss("Example", [{ title: "Hello", link: "https://example.com/etag" }]), {}, { etag: '"v1"' }),
    );
    const t = testClient(await env.ctx());
    const src = await (await t.post("/api/sources", { kind: "feed", url: `${srv.origin}/etag.xml` })).json();
    expect(await (await t.post(`/api/sources/${src.id}/poll`)).json()).toEqual({
      sourceId: src.id,
      status: "ok",
      newItems: 1,
    });
    expect(await (await t.post(`/api/sources/${src.id}/poll`)).json()).toEqual({
      sourceId: src.id,
      status: "not_modified",
      newItems: 0,
    });
    const after = await (await t.get("/api/sources")).json();
    expect(after.sources[0]).toMatchObject({
      id: src.id,
      consecutiveFailures: 0,
      lastError: null,
      lastSuccessAt: expect.any(String),
      nextPollAt: expect.any(String),
    });
  });

  it("reports a failing source as status error, with the error kept on the source", async () => {
    const t = testClient(await env.ctx());
    const src = await (await t.post("/api/sources", { kind: "feed", url: `${srv.origin}/broken` })).json();
    const body = await (await t.post(`/api/sources/${src.id}/poll`)).json();
    expect(body).toMatchObject({ sourceId: src.id, status: "error", newItems: 0 });
    expect(body.error).toMatch(/500/);
    expect(await (await t.get(`/api/sources/${src.id}`)).json()).toMatchObject({
      lastError: body.error,
      consecutiveFailures: 1,
    });
  });

  it("answers 404 for an unknown source and 401 without the token", async () => {
    const t = testClient(await env.ctx());
    const res = await t.post("/api/sources/nope/poll");
    expect(res.status).toBe(404);
    expect((await res.json()).error.code).toBe("not_found");
    expect((await t.post("/api/sources/nope/poll", {}, { authorization: "Bearer wrong" })).status).toBe(401);
  });
});

describe("POST /api/poll", () => {
  it("polls the due sources, or every enabled one with ?all=1", async () => {
    const t = testClient(await env.ctx());
    const a = await (await t.post("/api/sources", { kind: "feed", url: `${srv.origin}/feed.xml` })).json();
    const b = await (await t.post("/api/sources", { kind: "feed", url: `${srv.origin}/broken` })).json();
    await t.post("/api/sources", { kind: "feed", url: `${srv.origin}/feed.xml?off`, enabled: false });

    const first = await t.post("/api/poll");
    expect(first.status).toBe(200);
    const { results } = await first.json();
    expect(results).toHaveLength(2);
    expect(results).toContainEqual({ sourceId: a.id, status: "ok", newItems: 1 });
    expect(results).toContainEqual(expect.objectContaining({ sourceId: b.id, status: "error" }));

    // nothing is due right after a poll
    expect(await (await t.post("/api/poll")).json()).toEqual({ results: [] });
    const all = await (await t.post("/api/poll?all=1")).json();
    expect(all.results.map((r: { sourceId: string }) => r.sourceId).sort()).toEqual([a.id, b.id].sort());
    expect((await t.post("/api/poll?all=maybe")).status).toBe(400);
  });
});

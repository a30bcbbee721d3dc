import { startTestEnv, type TestEnv } from "@wkn/testing";
import { testClient } from "@wkn/testing/api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

let env: TestEnv;
beforeAll(async () => {
  env = await startTestEnv();
});
afterAll(() => env.close());

describe("/api/sources", () => {
  it("creates, lists, edits and deletes a source", async () => {
    const t = testClient(await env.ctx());
    const created = await t.post("/api/sources", {
      kind: "feed",
      url: "https://huggingface.co/blog/feed.xml",
      name: "HF",
    });
    expect(created.status).toBe(201);
    const src = await created.json();
    expect(src).toMatchObject({
      kind: "feed",
      name: "HF",
      url: "https://huggingface.co/blog/feed.xml",
      enabled: true,
      intervalMinutes: 60,
      consecutiveFailures: 0,
      lastError: null,
    });
    expect(typeof src.id).toBe("string");
    expect(src).not.toHaveProperty("naturalKey");

    const list = await (await t.get("/api/sources")).json();
    expect(list.sources.map((s: { id: string }) => s.id)).toEqual([src.id]);

    const patched = await t.patch(`/api/sources/${src.id}`, {
      name: "Hugging Face",
      intervalMinutes: 120,
      enabled: false,
    });
    expect(patched.status).toBe(200);
    expect(await patched.json()).toMatchObject({
      id: src.id,
      name: "Hugging Face",
      intervalMinutes: 120,
      enabled: false,
    });

    expect((await t.del(`/api/sources/${src.id}`)).status).toBe(204);
    expect((await t.get(`/api/sources/${src.id}`)).status).toBe(404);
    expect((await t.del(`/api/sources/${src.id}`)).status).toBe(404);
    // the address is free again once its source is gone
    expect(
      (await t.post("/api/sources", { kind: "feed", url: "https://huggingface.co/blog/feed.xml" })).status,
    ).toBe(201);
  });

  it("shows who named a source, the last poll's warning and a move (issue 13)", async () => {
    const ctx = await env.ctx();
    const t = testClient(ctx);
    const unnamed = await (
      await t.post("/api/sources", { kind: "feed", url: "https://zenn.dev/a/feed" })
    ).json();
    expect(unnamed).toMatchObject({ name: "zenn.dev", nameSource: "default", lastWarning: null });
    const named = await (
      await t.post("/api/sources", { kind: "feed", url: "https://zenn.dev/b/feed", name: "B" })
    ).json();
    expect(named.nameSource).toBe("editor");

    // what a poll records (sources/poll.health.test.ts polls for real)
    await ctx.store.sources.update(unnamed.id, {
      lastWarning: "Skipped 2 of 5 entries: no usable link.",
      movedFrom: "https://zenn.dev/old/feed",
      movedAt: "2026-03-01T00:00:00.000Z",
      pendingMove: { url: "https://x.example/", seenAt: "2026-03-01T00:00:00.000Z" },
    });
    const { sources } = await (await t.get("/api/sources")).json();
    const shown = sources.find((s: { id: string }) => s.id === unnamed.id);
    expect(shown).toMatchObject({
      lastWarning: "Skipped 2 of 5 entries: no usable link.",
      movedFrom: "https://zenn.dev/old/feed",
      movedAt: "2026-03-01T00:00:00.000Z",
    });
    expect(shown).not.toHaveProperty("pendingMove");

    const renamed = await (await t.patch(`/api/sources/${unnamed.id}`, { name: "Zenn A" })).json();
    expect(renamed).toMatchObject({ name: "Zenn A", nameSource: "editor" });
  });

  it("answers 409 for the same source twice, also through an equivalent URL or repo spelling", async () => {
    const t = testClient(await env.ctx());
    expect(
      (await t.post("/api/sources", { kind: "feed", url: "https://example.com/feed?utm_source=x" })).status,
    ).toBe(201);
    const dup = await t.post("/api/sources", { kind: "feed", url: "HTTPS://EXAMPLE.com/feed#top" });
    expect(dup.status).toBe(409);
    expect((await dup.json()).error.code).toBe("duplicate");
    expect((await t.post("/api/sources", { kind: "github", repo: "huggingface/transformers" })).status).toBe(
      201,
    );
    expect((await t.post("/api/sources", { kind: "github", repo: "HuggingFace/Transformers" })).status).toBe(
      409,
    );
    expect((await t.post("/api/sources", { kind: "kaggle" })).status).toBe(201);
    expect((await t.post("/api/sources", { kind: "kaggle" })).status).toBe(409);
  });

  it("rejects an invalid body with 400 naming the field", async () => {
    const t = testClient(await env.ctx());
    const cases: [unknown, string][] = [
      [{ kind: "feed", url: "ftp://example.com/feed" }, "url"],
      [{ kind: "feed", url: "not a url" }, "url"],
      [{ kind: "feed" }, "url"],
      [{ kind: "github", repo: "no-slash" }, "repo"],
      [{ kind: "feed", url: "https://example.com/f", intervalMinutes: 1 }, "intervalMinutes"],
      [{ kind: "rss", url: "https://example.com/f" }, "kind"],
    ];
    for (const [body, field] of cases) {
      const res = await t.post("/api/sources", body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      const err = await res.json();
      expect(err.error.code).toBe("invalid_request");
      expect(err.error.details.map((d: { field: string }) => d.field)).toContain(field);
    }
    const bad = await t.call("POST", "/api/sources", "{not json");
    expect(bad.status).toBe(400);
    const src = await (await t.post("/api/sources", { kind: "feed", url: "https://example.com/f" })).json();
    const res = await t.patch(`/api/sources/${src.id}`, { bogus: 1 });
    expect(res.status).toBe(400);
  });

  it("moves a feed to a new URL and refuses one already taken", async () => {
    const t = testClient(await env.ctx());
    const a = await (await t.post("/api/sources", { kind: "feed", url: "https://a.example/feed" })).json();
    await t.post("/api/sources", { kind: "feed", url: "https://b.example/feed" });
    expect((await t.patch(`/api/sources/${a.id}`, { url: "https://b.example/feed" })).status).toBe(409);
    const moved = await t.patch(`/api/sources/${a.id}`, { url: "https://c.example/feed" });
    expect(moved.status).toBe(200);
    expect((await moved.json()).url).toBe("https://c.example/feed");
    // the old address is free again
    expect((await t.post("/api/sources", { kind: "feed", url: "https://a.example/feed" })).status).toBe(201);
  });
});

describe("editor auth", () => {
  it("guards every /api route but health", async () => {
    const t = testClient(await env.ctx());
    expect((await t.app.request("http://localhost/api/health")).status).toBe(200);
    expect(await (await t.app.request("http://localhost/api/health")).json()).toEqual({ ok: true });
    for (const path of ["/api/sources", "/api/items", "/api/openapi.json"]) {
      expect((await t.app.request(`http://localhost${path}`)).status).toBe(401);
      const wrong = await t.app.request(`http://localhost${path}`, {
        headers: { authorization: "Bearer nope" },
      });
      expect(wrong.status).toBe(401);
      expect((await wrong.json()).error.code).toBe("unauthorized");
    }
    const post = await t.app.request("http://localhost/api/sources", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ kind: "feed", url: "https://x.example/f" }),
    });
    expect(post.status).toBe(401);
  });
});

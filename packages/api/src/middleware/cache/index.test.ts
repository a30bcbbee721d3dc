import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { cacheable } from "./index.js";

function app() {
  const a = new Hono();
  let body = "version 1";
  a.get("/page", cacheable({ maxAge: 120 }), (c) => c.text(body));
  a.get("/missing", cacheable(), (c) => c.text("no such page", 404));
  a.post("/page", cacheable(), (c) => {
    body = "version 2";
    return c.text("ok");
  });
  return a;
}

describe("cacheable", () => {
  it("sets an ETag and Cache-Control, and answers a matching If-None-Match with 304", async () => {
    const a = app();
    const first = await a.request("/page");
    expect(first.status).toBe(200);
    expect(first.headers.get("cache-control")).toBe("public, max-age=120");
    const tag = first.headers.get("etag");
    expect(tag).toMatch(/^"[0-9a-f]+"$/);

    const again = await a.request("/page", { headers: { "If-None-Match": tag! } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe("");
    expect(again.headers.get("etag")).toBe(tag);
    expect(again.headers.get("cache-control")).toBe("public, max-age=120");

    // a list of tags, and a weak comparison of our strong tag
    expect((await a.request("/page", { headers: { "If-None-Match": `"other", W/${tag}` } })).status).toBe(
      304,
    );
  });

  it("gives a new ETag when the content changes", async () => {
    const a = app();
    const tag = (await a.request("/page")).headers.get("etag")!;
    await a.request("/page", { method: "POST" });
    const changed = await a.request("/page", { headers: { "If-None-Match": tag } });
    expect(changed.status).toBe(200);
    expect(await changed.text()).toBe("version 2");
    expect(changed.headers.get("etag")).not.toBe(tag);
  });

  it("leaves error responses uncached", async () => {
    const res = await app().request("/missing");
    expect(res.status).toBe(404);
    expect(res.headers.get("cache-control")).toBeNull();
    expect(res.headers.get("etag")).toBeNull();
  });
});

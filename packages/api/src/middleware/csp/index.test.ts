import { createHash } from "node:crypto";
import { PAGE_CSS } from "@wkn/core/issues/render/page";
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { pageCsp, pagePolicy } from "./index.js";

const directives = (policy: string) =>
  new Map(policy.split(/\s*;\s*/).map((d) => [d.split(" ")[0]!, d.split(" ").slice(1)] as const));

describe("pageCsp", () => {
  it("allows no script, and styles only by the stylesheet's hash", () => {
    const d = directives(pagePolicy());
    expect(d.get("default-src")).toEqual(["'none'"]);
    expect(d.has("script-src")).toBe(false); // default-src 'none' covers scripts
    const hash = createHash("sha256").update(PAGE_CSS).digest("base64");
    expect(d.get("style-src")).toEqual([`'sha256-${hash}'`]);
    expect(d.has("style-src-attr")).toBe(false);
    expect(d.get("img-src")).toEqual(["'self'", "https:", "data:"]);
    expect(d.get("form-action")).toEqual(["'self'"]);
    expect(d.get("frame-ancestors")).toEqual(["'none'"]);
    expect(d.get("base-uri")).toEqual(["'none'"]);
    expect(pagePolicy()).not.toContain("unsafe-inline");
  });

  it("allows style attributes only when asked, and other style blocks by their hash", () => {
    const d = directives(pagePolicy({ styleAttributes: true, styles: ["a{}", "b{}"] }));
    expect(d.get("style-src-attr")).toEqual(["'unsafe-inline'"]);
    expect(d.get("style-src")).toHaveLength(2);
  });

  it("is set on the route's responses, a 304 and an error page included", async () => {
    const app = new Hono();
    app.get("/page", pageCsp(), (c) => c.html("<p>hi</p>"));
    app.get("/missing", pageCsp(), (c) => c.html("<p>no</p>", 404));
    app.get("/cached", pageCsp(), (c) => c.body(null, 304));
    app.get("/other", (c) => c.text("no policy"));
    for (const path of ["/page", "/missing", "/cached"]) {
      expect((await app.request(path)).headers.get("content-security-policy"), path).toBe(pagePolicy());
    }
    expect((await app.request("/other")).headers.get("content-security-policy")).toBeNull();
  });
});

import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { editorAuth, issueSession, SESSION_COOKIE, sessionValid, tokenMatches } from "./index.js";

const TOKEN = "s3cret-token-value";

function app(token = TOKEN, now = () => Date.now()) {
  const a = new Hono();
  a.use("/api/*", editorAuth({ token, now }));
  a.get("/api/x", (c) => c.text("ok"));
  return a;
}

describe("editorAuth", () => {
  it("accepts the bearer token and refuses everything else with 401 and WWW-Authenticate", async () => {
    const a = app();
    expect((await a.request("/api/x", { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
    expect((await a.request("/api/x", { headers: { authorization: `bearer ${TOKEN}` } })).status).toBe(200);
    const bad: Record<string, string>[] = [
      {},
      { authorization: "Bearer" },
      { authorization: `Bearer ${TOKEN}x` },
      { authorization: `Basic ${TOKEN}` },
    ];
    for (const h of bad) {
      const res = await a.request("/api/x", { headers: h });
      expect(res.status).toBe(401);
      expect(res.headers.get("www-authenticate")).toContain("Bearer");
    }
  });

  it("fails closed when no token is configured", async () => {
    expect((await app("").request("/api/x", { headers: { authorization: "Bearer " } })).status).toBe(401);
    expect(tokenMatches("", "")).toBe(false);
  });

  it("accepts a session cookie until it expires, and only for the token that issued it", async () => {
    const t0 = Date.UTC(2026, 0, 1);
    const cookie = issueSession(TOKEN, t0, 60);
    expect(sessionValid(cookie, TOKEN, t0 + 59_000)).toBe(true);
    expect(sessionValid(cookie, TOKEN, t0 + 61_000)).toBe(false);
    expect(sessionValid(cookie, "another-token", t0)).toBe(false);
    const res = await app(TOKEN, () => t0).request("/api/x", {
      headers: { cookie: `${SESSION_COOKIE}=${cookie}` },
    });
    expect(res.status).toBe(200);
    const [exp, mac] = cookie.split(".");
    expect(sessionValid(`${Number(exp) + 3600}.${mac}`, TOKEN, t0)).toBe(false);
  });
});

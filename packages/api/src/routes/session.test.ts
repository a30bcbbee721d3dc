import { startTestEnv, TEST_TOKEN, type TestEnv } from "@wkn/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../app.js";

let env: TestEnv;
beforeAll(async () => {
  env = await startTestEnv();
});
afterAll(() => env.close());

/** The default PUBLIC_BASE_URL's origin: the editor page's own. */
const OWN = { origin: "http://localhost:3000" };

const login = (app: ReturnType<typeof createApp>, token: string, headers: Record<string, string> = OWN) =>
  app.request("http://localhost/api/session", {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ token }),
  });

describe("web page session", () => {
  it("logs in with the editor token and then authorises /api by an HttpOnly SameSite=Strict cookie", async () => {
    const app = createApp(await env.ctx());
    const res = await login(app, TEST_TOKEN);
    expect(res.status).toBe(204);
    const cookie = res.headers.get("set-cookie") ?? "";
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    expect(cookie).not.toContain(TEST_TOKEN);
    const value = cookie.split(";")[0]!;
    expect((await app.request("http://localhost/api/sources", { headers: { cookie: value } })).status).toBe(
      200,
    );

    const out = await app.request("http://localhost/api/session", {
      method: "DELETE",
      headers: { cookie: value, "sec-fetch-site": "same-origin" },
    });
    expect(out.status).toBe(204);
    expect(out.headers.get("set-cookie")).toMatch(/Max-Age=0/i);
  });

  it("refuses a wrong token, a forged cookie and a sign-in from anywhere but our own origin", async () => {
    const app = createApp(await env.ctx());
    expect((await login(app, "wrong")).status).toBe(401);
    for (const headers of <Record<string, string>[]>[
      { "sec-fetch-site": "cross-site", origin: "https://evil.example" },
      { "sec-fetch-site": "same-site", origin: "http://localhost:5173" },
      { origin: "http://localhost:5173" },
      { origin: "null" },
      {},
    ]) {
      const res = await login(app, TEST_TOKEN, headers);
      expect(res.status, JSON.stringify(headers)).toBe(403);
      expect(res.headers.get("set-cookie")).toBeNull();
      expect((await res.json()).error.code).toBe("forbidden");
    }
    const form = await app.request("http://localhost/api/session", {
      method: "POST",
      headers: { "content-type": "text/plain", ...OWN },
      body: JSON.stringify({ token: TEST_TOKEN }),
    });
    expect(form.status).toBe(403);
    expect((await login(app, TEST_TOKEN, { "sec-fetch-site": "same-origin" })).status).toBe(204);
    const forged = `wkn_session=${Math.floor(Date.now() / 1000) + 3600}.AAAA`;
    expect((await app.request("http://localhost/api/sources", { headers: { cookie: forged } })).status).toBe(
      401,
    );
  });
});

describe("GET /api/session", () => {
  const NOW = new Date("2026-03-02T09:00:00.000Z");

  it("answers who is signed in with the cookie: its expiry, the newsletter, whether there is an outbox", async () => {
    const ctx = await env.ctx({
      now: () => NOW,
      env: { NEWSLETTER_NAME: "ML Weekly", NEWSLETTER_LANG: "ja" },
    });
    const app = createApp(ctx);
    const cookie = ((await login(app, TEST_TOKEN)).headers.get("set-cookie") ?? "").split(";")[0]!;
    const res = await app.request("http://localhost/api/session", { headers: { cookie } });
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(await res.json()).toEqual({
      signedIn: true,
      expiresAt: "2026-03-02T21:00:00.000Z", // 12 hours after sign-in
      newsletter: { name: "ML Weekly", lang: "ja", publicBaseUrl: "http://localhost:3000" },
      outbox: false,
    });

    const local = createApp(ctx, { outbox: true });
    const bearer = await local.request("http://localhost/api/session", {
      headers: { authorization: `Bearer ${TEST_TOKEN}` },
    });
    expect(bearer.status).toBe(200);
    expect(await bearer.json()).toMatchObject({ signedIn: true, expiresAt: null, outbox: true });
  });

  it("answers {signedIn: false} without a valid session, 401 to a wrong token", async () => {
    let now = NOW;
    const ctx = await env.ctx({ now: () => now });
    const app = createApp(ctx);
    const cookie = ((await login(app, TEST_TOKEN)).headers.get("set-cookie") ?? "").split(";")[0]!;
    const session = (headers: Record<string, string>) =>
      app.request("http://localhost/api/session", { headers });

    const signedOut = async (headers: Record<string, string>) => {
      const res = await session(headers);
      return { status: res.status, body: await res.json() };
    };
    expect(await signedOut({})).toEqual({ status: 200, body: { signedIn: false } });
    const forged = `wkn_session=${Math.floor(NOW.getTime() / 1000) + 3600}.AAAA`;
    expect(await signedOut({ cookie: forged })).toEqual({ status: 200, body: { signedIn: false } });
    expect((await session({ authorization: "Bearer wrong" })).status).toBe(401);
    // a wrong Bearer token is not rescued by a good cookie (as on every /api route)
    expect((await session({ authorization: "Bearer wrong", cookie })).status).toBe(401);
    const unauthorized = await session({ authorization: "Bearer wrong" });
    expect((await unauthorized.json()).error.code).toBe("unauthorized");

    expect((await session({ cookie })).status).toBe(200);
    now = new Date(NOW.getTime() + 12 * 3600_000 + 1000);
    expect(await signedOut({ cookie })).toEqual({ status: 200, body: { signedIn: false } });
  });
});

describe("GET /", () => {
  it("is no route of the API (the web package serves the editor's page)", async () => {
    const app = createApp(await env.ctx());
    const res = await app.request("http://localhost/");
    expect(res.status).toBe(404);
    expect((await res.json()).error.code).toBe("not_found");
  });
});

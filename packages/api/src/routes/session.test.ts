import { startTestEnv, TEST_TOKEN, type TestEnv } from "@wkn/core/testing";
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

describe("GET / (the editor page)", () => {
  it("asks for the token, then shows the signed-in page with the session cookie", async () => {
    const app = createApp(await env.ctx());
    const anon = await app.request("http://localhost/");
    expect(anon.status).toBe(200);
    const page = await anon.text();
    expect(page).toContain('id="login"');
    expect(page).not.toContain("You are signed in");
    const cookie = ((await login(app, TEST_TOKEN)).headers.get("set-cookie") ?? "").split(";")[0]!;
    const signedIn = await (await app.request("http://localhost/", { headers: { cookie } })).text();
    expect(signedIn).not.toContain(TEST_TOKEN);
    expect(signedIn).toContain("You are signed in");
  });
});

/**
 * Every route that changes something (any method but GET/HEAD/OPTIONS) under /api, found by
 * walking the app's routes like openapi.test.ts, so a route added later is covered too:
 * with the session cookie it must come from our own origin as JSON or a CSV file (403
 * otherwise), the bearer token needs no Origin, and a route declaring no body takes none.
 */
import { startTestEnv, TEST_TOKEN, type TestEnv } from "@wkn/testing";
import { testClient } from "@wkn/testing/api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { routesOf } from "./lazy.js";

let env: TestEnv;
beforeAll(async () => {
  env = await startTestEnv();
});
afterAll(() => env.close());

const BASE = "https://news.example.org";
const MUTATING = new Set(["POST", "PUT", "PATCH", "DELETE"]);
const toOpenApiPath = (path: string) => path.replace(/:([A-Za-z0-9_]+)(\{[^}]*\})?/g, "{$1}");

interface Route {
  method: string;
  path: string;
  /** A harmless valid-looking body of the declared type, or none. */
  body?: { type: string; text: string };
}

async function setup() {
  const t = testClient(await env.ctx({ env: { PUBLIC_BASE_URL: `${BASE}/` } }));
  const doc = (await (await t.get("/api/openapi.json")).json()) as {
    paths: Record<string, Record<string, { requestBody?: { content: Record<string, unknown> } }>>;
  };
  const seen = new Set<string>();
  const routes: Route[] = [];
  for (const r of await routesOf(t.app)) {
    if (!MUTATING.has(r.method) || !r.path.startsWith("/api/") || r.path.includes("*")) continue;
    if (seen.has(`${r.method} ${r.path}`)) continue;
    seen.add(`${r.method} ${r.path}`);
    const declared = doc.paths[toOpenApiPath(r.path)]?.[r.method.toLowerCase()]?.requestBody?.content ?? {};
    const type = Object.keys(declared)[0];
    routes.push({
      method: r.method,
      // "0" names no issue, item, source, job or subscriber: nothing is changed by the passing requests
      path: r.path.replace(/:([A-Za-z0-9_]+)(\{[^}]*\})?/g, "0"),
      body: type ? { type, text: type === "text/csv" ? "email\n" : "{}" } : undefined,
    });
  }
  const login = await t.call(
    "POST",
    "/api/session",
    { token: TEST_TOKEN },
    { authorization: "", origin: BASE },
  );
  expect(login.status).toBe(204);
  const cookie = (login.headers.get("set-cookie") ?? "").split(";")[0]!;
  const send = (route: Route, headers: Record<string, string>, body = route.body) =>
    t.app.request(`http://localhost${route.path}`, {
      method: route.method,
      headers: { ...(body ? { "content-type": body.type } : {}), ...headers },
      body: body?.text,
    });
  return { routes, cookie, send };
}

describe("every mutating /api route", () => {
  it("is found by walking the app", async () => {
    const { routes } = await setup();
    const names = routes.map((r) => `${r.method} ${r.path}`);
    expect(names).toEqual(
      expect.arrayContaining([
        "POST /api/session",
        "DELETE /api/session",
        "POST /api/issues",
        "PUT /api/issues/0",
        "POST /api/issues/0/send",
        "POST /api/poll",
        "POST /api/subscribers/import",
        "DELETE /api/subscribers/0",
      ]),
    );
  });

  it("refuses the session cookie from another origin, without one, or in a form post (403)", async () => {
    const { routes, cookie, send } = await setup();
    const refused: [string, Record<string, string>, Route["body"]?][] = [
      ["cross-site", { "sec-fetch-site": "cross-site", origin: "https://evil.example" }],
      ["same-site", { "sec-fetch-site": "same-site", origin: "https://admin.example.org" }],
      ["no Origin", {}],
      ["foreign Origin", { origin: "http://localhost:5173" }],
      ["form", { origin: BASE }, { type: "application/x-www-form-urlencoded", text: "token=x&a=b" }],
      ["text/plain", { origin: BASE, "sec-fetch-site": "same-origin" }, { type: "text/plain", text: "{}" }],
    ];
    for (const route of routes) {
      for (const [what, headers, body] of refused) {
        const res = await send(route, { cookie, ...headers }, body ?? route.body);
        const name = `${route.method} ${route.path} (${what})`;
        expect(res.status, name).toBe(403);
        const { error } = await res.json();
        expect(error.code, name).toBe("forbidden");
        expect(error.message, name).toContain(BASE);
      }
    }
  });

  it("lets the same request through from our own origin, and the bearer token without Origin", async () => {
    const { routes, cookie, send } = await setup();
    for (const route of routes) {
      for (const [what, headers] of [
        ["Origin", { cookie, origin: BASE }],
        ["Sec-Fetch-Site", { cookie, "sec-fetch-site": "same-origin" }],
        ["bearer", { authorization: `Bearer ${TEST_TOKEN}` }],
      ] as const) {
        const res = await send(route, headers);
        expect([401, 403], `${route.method} ${route.path} (${what}): ${res.status}`).not.toContain(
          res.status,
        );
      }
    }
  });

  it("takes a body only where it declares one, and only of the declared type (415)", async () => {
    const { routes, send } = await setup();
    const bearer = { authorization: `Bearer ${TEST_TOKEN}` };
    for (const route of routes) {
      const name = `${route.method} ${route.path}`;
      const plain = await send(route, bearer, { type: "text/plain", text: "x" });
      expect(plain.status, name).toBe(415);
      expect((await plain.json()).error.code, name).toBe("unsupported_media_type");
      if (!route.body) {
        expect((await send(route, bearer, { type: "application/json", text: "{}" })).status, name).toBe(415);
      }
    }
  });
});

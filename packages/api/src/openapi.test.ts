/**
 * The OpenAPI document covers the whole editor API: every `/api/*` route the app registers (by
 * any route module, now or later) appears with its method, generated from the same zod schemas
 * that validate requests.
 */
import { startTestEnv, type TestEnv } from "@wkn/testing";
import { testClient } from "@wkn/testing/api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { routesOf } from "./lazy.js";

let env: TestEnv;
beforeAll(async () => {
  env = await startTestEnv();
});
afterAll(() => env.close());

const DOC_PATH = "/api/openapi.json";
/** Hono path params (`:id`, `:id{[0-9]+}`) in OpenAPI form (`{id}`). */
const toOpenApiPath = (path: string) => path.replace(/:([A-Za-z0-9_]+)(\{[^}]*\})?/g, "{$1}");

interface OpenApiDoc {
  openapi: string;
  paths: Record<
    string,
    Record<string, { responses?: Record<string, unknown>; parameters?: { name: string; in: string }[] }>
  >;
}

describe("GET /api/openapi.json", () => {
  it("documents every /api route the app registers, with its method", async () => {
    const t = testClient(await env.ctx());
    const res = await t.get(DOC_PATH);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as OpenApiDoc;
    expect(doc.openapi).toMatch(/^3\.1/);

    const routes = (await routesOf(t.app))
      .filter(
        (r) =>
          r.method !== "ALL" && r.path.startsWith("/api/") && r.path !== DOC_PATH && !r.path.includes("*"),
      )
      .map((r) => `${r.method.toLowerCase()} ${toOpenApiPath(r.path)}`);
    const unique = [...new Set(routes)];
    expect(unique.length).toBeGreaterThan(5);
    const documented = new Set(
      Object.entries(doc.paths).flatMap(([path, ops]) =>
        Object.keys(ops).map((method) => `${method} ${path}`),
      ),
    );
    expect(unique.filter((r) => !documented.has(r))).toEqual([]);
  });

  it("keeps /api/health open while documenting it", async () => {
    const t = testClient(await env.ctx());
    const res = await t.get("/api/health", { authorization: "" });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
    expect((await t.get("/api/items", { authorization: "" })).status).toBe(401);
  });

  it("describes the items API from its validation schemas", async () => {
    const t = testClient(await env.ctx());
    const doc = (await (await t.get(DOC_PATH)).json()) as OpenApiDoc;
    const list = doc.paths["/api/items"]?.get;
    expect(list?.parameters?.map((p) => p.name).sort()).toEqual([
      "cursor",
      "from",
      "kind",
      "limit",
      "open",
      "q",
      "sort",
      "sourceId",
      "status",
      "to",
    ]);
    expect(Object.keys(doc.paths["/api/items"]?.post?.responses ?? {})).toEqual(
      expect.arrayContaining(["200", "201", "400"]),
    );
    expect(Object.keys(doc.paths["/api/items/{id}"] ?? {}).sort()).toEqual(["get", "patch"]);
    expect(Object.keys(doc.paths["/api/items/{id}"]?.patch?.responses ?? {})).toEqual(
      expect.arrayContaining(["200", "400", "404", "409"]),
    );
  });
});

/** An unexpected failure: a 500 without details for the caller, and a log line that can be found by its request id. */
import { capturingLogger } from "@wkn/core/log";
import { startTestEnv, type TestEnv } from "@wkn/testing";
import { testClient } from "@wkn/testing/api";
import { afterAll, beforeAll, expect, it } from "vitest";

let env: TestEnv;
beforeAll(async () => {
  env = await startTestEnv();
});
afterAll(() => env.close());

it("answers 500 with the request's id in X-Request-Id, and logs the error (stack included) under that id", async () => {
  const { log, lines } = capturingLogger();
  const ctx = await env.ctx({ log });
  ctx.store.items.list = async () => {
    throw new Error("table exploded for ann@example.com");
  };
  const res = await testClient(ctx).get("/api/items");
  expect(res.status).toBe(500);
  const id = res.headers.get("x-request-id");
  expect(id).toMatch(/^[0-9a-f-]{36}$/);
  const body = await res.text();
  expect(body).not.toContain("exploded");
  const line = lines.find((l) => l.msg === "unhandled error");
  expect(line?.fields).toMatchObject({ path: "/api/items", requestId: id });
  expect((line?.fields?.error as Error | undefined)?.stack).toContain("errors.test.ts");
});

it("names the request (X-Request-Id) on answers from the routes loaded on first use too", async () => {
  const t = testClient(await env.ctx());
  for (const path of ["/api/health", "/api/items", "/api/jobs/failed", "/subscribe", "/api/nope"]) {
    const res = await t.get(path);
    expect([path, res.headers.get("x-request-id")]).toEqual([path, expect.stringMatching(/^[0-9a-f-]{36}$/)]);
  }
});

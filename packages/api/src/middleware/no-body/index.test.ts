import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { declaredBodies, noBody } from "./index.js";

describe("noBody", () => {
  it("refuses a non-empty body with 415 and lets an empty one through", async () => {
    const a = new Hono();
    a.post("/x/:id", noBody(), (c) => c.text("ok"));
    const post = (body?: string | Blob, headers: Record<string, string> = {}) =>
      a.request("/x/1", { method: "POST", body, headers });
    expect((await post()).status).toBe(200);
    expect((await post("")).status).toBe(200);
    for (const body of ["{}", "a=b", new Blob([new Uint8Array([0])])]) {
      const res = await post(body, { "content-type": "application/json" });
      expect(res.status).toBe(415);
      expect((await res.json()).error).toEqual({
        code: "unsupported_media_type",
        message: "POST /x/:id takes no request body",
      });
    }
    expect((await a.request("/x/1", { method: "GET" })).status).toBe(404);
  });

  it("asks `takesBody` about the matched route, and leaves unmatched paths to the 404", async () => {
    const a = new OpenAPIHono();
    a.use("*", noBody({ takesBody: declaredBodies(a) }));
    const body = z.object({ name: z.string() });
    a.openapi(
      createRoute({
        method: "put",
        path: "/things/{id}",
        request: {
          params: z.object({ id: z.string() }),
          body: { content: { "application/json": { schema: body } } },
        },
        responses: { 200: { description: "ok" } },
      }),
      (c) => c.text("put"),
    );
    a.openapi(
      createRoute({
        method: "post",
        path: "/things/{id}/go",
        request: { params: z.object({ id: z.string() }) },
        responses: { 200: { description: "ok" } },
      }),
      (c) => c.text("go"),
    );
    const json = { "content-type": "application/json" };
    expect(
      (await a.request("/things/1", { method: "PUT", headers: json, body: '{"name":"x"}' })).status,
    ).toBe(200);
    expect((await a.request("/things/1/go", { method: "POST", headers: json, body: "{}" })).status).toBe(415);
    expect((await a.request("/things/1/go", { method: "POST" })).status).toBe(200);
    expect((await a.request("/nothing", { method: "POST", headers: json, body: "{}" })).status).toBe(404);
  });
});

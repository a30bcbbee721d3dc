/** Route-test helpers: an app on a fresh dynalite table, and requests with or without the token. */

import { createApp } from "@wkn/api";
import type { Ctx } from "@wkn/core/context";
import { TEST_TOKEN } from "./index.js";

export function testClient(ctx: Ctx) {
  const app = createApp(ctx);
  const call = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    app.request(`http://localhost${path}`, {
      method,
      headers: {
        authorization: `Bearer ${TEST_TOKEN}`,
        ...(body !== undefined ? { "content-type": "application/json" } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    });
  return {
    app,
    call,
    get: (path: string, headers?: Record<string, string>) => call("GET", path, undefined, headers),
    /** Without `body`, no body at all (routes that take none refuse one). */
    post: (path: string, body?: unknown, headers?: Record<string, string>) =>
      call("POST", path, body, headers),
    patch: (path: string, body: unknown) => call("PATCH", path, body),
    put: (path: string, body: unknown) => call("PUT", path, body),
    del: (path: string) => call("DELETE", path),
  };
}

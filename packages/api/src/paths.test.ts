/** Every public path core links to is a route the API serves (one spelling: core's model/paths.ts). */
import { PUBLIC_PATHS, type PublicPath, publicPath } from "@wkn/core/model/paths";
import { startTestEnv, type TestEnv } from "@wkn/testing";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createApp } from "./app.js";

let env: TestEnv;
beforeAll(async () => {
  env = await startTestEnv();
});
afterAll(() => env.close());

it("serves each public path (GET), none answered 'no route'", async () => {
  const app = createApp(await env.ctx());
  for (const name of Object.keys(PUBLIC_PATHS) as PublicPath[]) {
    const path = publicPath(name, { number: 1, key: `${"a".repeat(64)}.jpg` });
    const res = await app.request(`http://localhost${path}`);
    const body = await res.text();
    expect(body, `${name}: ${path}`).not.toContain("no route for");
  }
});

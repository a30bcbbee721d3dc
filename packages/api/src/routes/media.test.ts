import { createHash } from "node:crypto";
import { startTestEnv, type TestEnv } from "@wkn/testing";
import { testClient } from "@wkn/testing/api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

let env: TestEnv;
beforeAll(async () => {
  env = await startTestEnv();
});
afterAll(() => env.close());

const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 0xff, 0xd9]);
const KEY = `${createHash("sha256").update(JPEG).digest("hex")}.jpg`;

async function setup() {
  const ctx = await env.ctx();
  await ctx.media.put(KEY, JPEG, "image/jpeg");
  const t = testClient(ctx);
  // Mail clients and feed readers load pictures without any session or token.
  const anon = (path: string, headers: Record<string, string> = {}, method = "GET") =>
    t.app.request(`http://localhost${path}`, { method, headers });
  return { ctx, anon };
}

describe("GET /media/:key", () => {
  it("serves a hosted thumbnail without auth, as a JPEG cached forever", async () => {
    const { anon } = await setup();
    const res = await anon(`/media/${KEY}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("image/jpeg");
    expect(res.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(Buffer.from(await res.arrayBuffer())).toEqual(JPEG);
  });

  it("answers a revalidation with 304 and no body", async () => {
    const { anon } = await setup();
    const etag = (await anon(`/media/${KEY}`)).headers.get("etag")!;
    const res = await anon(`/media/${KEY}`, { "if-none-match": etag });
    expect(res.status).toBe(304);
    expect(await res.text()).toBe("");
  });

  it("is 404 for an unknown key and for anything that is not a key we make", async () => {
    const { anon } = await setup();
    for (const path of [
      `/media/${"0".repeat(64)}.jpg`,
      "/media/..%2f..%2fpackage.json",
      "/media/x.svg",
      `/media/${KEY}x`,
    ]) {
      const res = await anon(path);
      expect(res.status, path).toBe(404);
      expect(res.headers.get("content-type"), path).toMatch(/^application\/json/);
    }
  });

  it("answers HEAD like GET, without the body", async () => {
    const { anon } = await setup();
    const res = await anon(`/media/${KEY}`, {}, "HEAD");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("image/jpeg");
    expect(await res.text()).toBe("");
  });
});

/**
 * Hostile pages through the real unfurl path (loopback HTTP, guarded fetch, decode, metadata):
 * the failure is kept on the item in words, the item stays usable, and the process keeps
 * answering meanwhile. (Before the parse bounds, the 600k-deep page held `POST /api/items` for
 * minutes: this test would time out.)
 */

import { startTestEnv, type TestEnv } from "@wkn/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deepPage } from "../parse/testing.js";
import { startTestServer, type TestServer } from "../sources/test-server.js";
import { addLink } from "./manual.js";
import { storeItems, testItem } from "./testing.js";
import { unfurlItem } from "./unfurl.js";

let env: TestEnv;
let srv: TestServer;
const html = { "content-type": "text/html; charset=utf-8" };
beforeAll(async () => {
  env = await startTestEnv();
  srv = await startTestServer();
  srv.route("/health", (_req, res) => void res.end("ok"));
  srv.route("/deep", (_req, res) => void res.writeHead(200, html).end(deepPage(600_000)));
  srv.route("/good", (_req, res) => {
    res
      .writeHead(200, html)
      .end(
        `<html><head><title>Good page</title><meta name="description" content="Fine"></head><body></body></html>`,
      );
  });
});
afterAll(async () => {
  await srv.close();
  await env.close();
});

/** Counts answers to `/health` asked over HTTP in a loop while `work` runs. */
async function whileAsking<T>(work: () => Promise<T>): Promise<{ value: T; answered: number }> {
  let answered = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const res = await fetch(`${srv.origin}/health`);
      if (res.ok) answered++;
      await res.arrayBuffer();
    }
  })();
  const value = await work();
  const during = answered;
  running = false;
  await loop;
  return { value, answered: during };
}

const NESTS =
  /^could not read the page http:\/\/127\.0\.0\.1:\d+\/deep: the page nests deeper than 512 elements$/;

describe("unfurling a page nested 600,000 deep (1.8 MB, under the 2 MiB cap)", () => {
  it("adds the link by hand with the failure on the item, while a good link and other requests go on", async () => {
    expect(Buffer.byteLength(deepPage(600_000))).toBeLessThan(2 * 1024 * 1024);
    const ctx = await env.ctx();
    const { value, answered } = await whileAsking(() =>
      Promise.all([addLink(ctx, { url: `${srv.origin}/deep` }), addLink(ctx, { url: `${srv.origin}/good` })]),
    );
    const [deep, good] = value;
    expect(deep.created).toBe(true);
    expect(deep.item).toMatchObject({ title: `${srv.origin}/deep`, status: "selected" });
    expect(deep.item.unfurlError).toMatch(NESTS);
    expect(good.item).toMatchObject({ title: "Good page", description: "Fine", unfurlError: null });
    expect(answered).toBeGreaterThan(0);
  });

  it("records the failure on a polled item, which stays usable", async () => {
    const ctx = await env.ctx();
    const [item] = await storeItems(ctx, [testItem(`${srv.origin}/deep`, { title: "From the feed" })]);
    await unfurlItem(ctx, item!.id);
    const got = await ctx.store.items.get(item!.id);
    expect(got).toMatchObject({ title: "From the feed", status: "new" });
    expect(got?.unfurlError).toMatch(NESTS);
    expect(typeof got?.unfurledAt).toBe("string");
  });
});

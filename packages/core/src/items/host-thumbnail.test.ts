/**
 * Hosting items' pictures end to end: a loopback site serves pages and images, the real image
 * library makes the thumbnail, the media folder of the test env stores it, dynalite the item.
 */

import { startTestEnv, type TestEnv } from "@wkn/testing";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeServers, serve, type TestServer } from "../fetch/testing.js";
import type { JobKind, JobPayloads, Jobs } from "../jobs/index.js";
import { editItem } from "./edit.js";
import { enrichItem } from "./enrich.js";
import { hostThumbnail } from "./host-thumbnail.js";
import { addLink } from "./manual.js";
import { storeItems, testItem } from "./testing.js";
import { enqueueThumbnails } from "./thumbnail.js";

let env: TestEnv;
let site: TestServer;
/** path → [content-type, body, status] */
const files = new Map<string, [string, Buffer | string, number?]>();
/** Run when a path is requested, before it answers (to change the item meanwhile). */
const beforeAnswer = new Map<string, () => Promise<void>>();
let JPEG: Buffer;

beforeAll(async () => {
  env = await startTestEnv();
  site = await serve(async (req, res) => {
    const path = req.url ?? "/";
    await beforeAnswer.get(path)?.();
    const f = files.get(path);
    if (!f) {
      res.writeHead(404, { "content-type": "text/plain" });
      return res.end("not found");
    }
    res.writeHead(f[2] ?? 200, { "content-type": f[0] });
    res.end(f[1]);
  });
  JPEG = await sharp({ create: { width: 1200, height: 630, channels: 3, background: "#3366cc" } })
    .jpeg()
    .toBuffer();
  files.set("/cover.jpg", ["image/jpeg", JPEG]);
  files.set("/other.jpg", [
    "image/jpeg",
    await sharp({ create: { width: 400, height: 400, channels: 3, background: "#cc3333" } })
      .jpeg()
      .toBuffer(),
  ]);
  files.set("/logo.svg", ["image/svg+xml", '<svg xmlns="http://www.w3.org/2000/svg" width="9" height="9"/>']);
  files.set("/fake.jpg", ["image/jpeg", "<!doctype html><html><body>Not an image</body></html>"]);
});
afterAll(async () => {
  await closeServers();
  await env.close();
});

const recordingJobs = () => {
  const queued: { kind: JobKind; payload: JobPayloads[JobKind] }[] = [];
  const jobs: Jobs = {
    async enqueue(kind, payload) {
      queued.push({ kind, payload });
    },
  };
  return { jobs, queued };
};

async function itemWithPicture(path: string, overrides = {}) {
  const ctx = await env.ctx();
  const url = `${site.origin}/post-${Math.random().toString(36).slice(2)}`;
  const [item] = await storeItems(ctx, [
    testItem(url, {
      imageUrl: `${site.origin}${path}`,
      unfurledAt: "2024-05-02T00:00:00.000Z",
      ...overrides,
    }),
  ]);
  return { ctx, item: item! };
}

describe("hostThumbnail", () => {
  it("stores a 280×280 JPEG of the item's picture under its content address and records the key", async () => {
    const { ctx, item } = await itemWithPicture("/cover.jpg");
    await hostThumbnail(ctx, item.id);
    const got = (await ctx.store.items.get(item.id))!;
    expect(got.thumbnail).toMatch(/^[0-9a-f]{64}\.jpg$/);
    expect(got.thumbnailError ?? null).toBeNull();
    expect(got.thumbnailAt).toBeTruthy();
    expect(got.imageUrl).toBe(`${site.origin}/cover.jpg`); // the editor still sees where it came from
    const stored = (await ctx.media.get(got.thumbnail!))!;
    expect(stored.contentType).toBe("image/jpeg");
    const meta = await sharp(stored.bytes).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(["jpeg", 280, 280]);
  });

  it("runs once: a second call fetches nothing", async () => {
    const { ctx, item } = await itemWithPicture("/cover.jpg");
    await hostThumbnail(ctx, item.id);
    const before = site.requests.filter((r) => r.url === "/cover.jpg").length;
    await hostThumbnail(ctx, item.id);
    expect(site.requests.filter((r) => r.url === "/cover.jpg").length).toBe(before);
  });

  it.each([
    ["/missing.jpg", /http_status/],
    ["/logo.svg", /^svg: .*SVG/],
    ["/fake.jpg", /^not_image: /],
  ])("%s: no thumbnail, and the reason in words on the item", async (path, reason) => {
    const { ctx, item } = await itemWithPicture(path);
    await hostThumbnail(ctx, item.id);
    const got = (await ctx.store.items.get(item.id))!;
    expect(got.thumbnail ?? null).toBeNull();
    expect(got.thumbnailError).toMatch(reason);
    expect(got.thumbnailAt).toBeTruthy();
  });

  it("an item without a picture is left alone", async () => {
    const { ctx, item } = await itemWithPicture("/cover.jpg", { imageUrl: null });
    await hostThumbnail(ctx, item.id);
    const got = (await ctx.store.items.get(item.id))!;
    expect(got.thumbnailAt ?? null).toBeNull();
  });

  it("the editor's new picture, set while the old one is fetched, wins", async () => {
    const { ctx, item } = await itemWithPicture("/cover.jpg");
    const path = `/cover.jpg?race=${item.id}`;
    files.set(path, files.get("/cover.jpg")!);
    await ctx.store.items.update(item, { imageUrl: `${site.origin}${path}` });
    beforeAnswer.set(path, async () => {
      beforeAnswer.delete(path);
      await editItem(ctx, item.id, { imageUrl: `${site.origin}/other.jpg` });
    });
    await hostThumbnail(ctx, item.id);
    const got = (await ctx.store.items.get(item.id))!;
    expect(got.imageUrl).toBe(`${site.origin}/other.jpg`);
    const stored = (await ctx.media.get(got.thumbnail!))!;
    const { dominant } = await sharp(stored.bytes).stats();
    expect(dominant.r).toBeGreaterThan(dominant.b); // the red one, not the blue cover
  });
});

describe("queueing the thumbnail step", () => {
  it("an editor's link with a picture queues it; the job (enrichItem) hosts it", async () => {
    const { jobs, queued } = recordingJobs();
    const ctx = await env.ctx({ jobs });
    files.set("/article", [
      "text/html; charset=utf-8",
      `<html><head><title>T</title><meta property="og:image" content="${site.origin}/cover.jpg"></head></html>`,
    ]);
    const { item } = await addLink(ctx, { url: `${site.origin}/article` });
    expect(item.imageUrl).toBe(`${site.origin}/cover.jpg`);
    expect(queued).toEqual([{ kind: "unfurl", payload: { itemId: item.id } }]);
    await enrichItem(ctx, item.id);
    expect((await ctx.store.items.get(item.id))!.thumbnail).toMatch(/\.jpg$/);
  });

  it("a new imageUrl from the editor drops the old thumbnail and queues the new one; clearing queues nothing", async () => {
    const { jobs, queued } = recordingJobs();
    const ctx = await env.ctx({ jobs });
    const [item] = await storeItems(ctx, [
      testItem(`${site.origin}/edited`, {
        imageUrl: `${site.origin}/cover.jpg`,
        thumbnail: `${"a".repeat(64)}.jpg`,
        thumbnailAt: "2024-05-02T00:00:00.000Z",
      }),
    ]);
    const edited = await editItem(ctx, item!.id, { imageUrl: `${site.origin}/other.jpg` });
    expect(edited.thumbnail ?? null).toBeNull();
    expect(edited.thumbnailAt ?? null).toBeNull();
    expect(queued).toEqual([{ kind: "unfurl", payload: { itemId: item!.id } }]);
    await editItem(ctx, item!.id, { comment: "no picture change" });
    await editItem(ctx, item!.id, { imageUrl: null });
    expect(queued).toHaveLength(1);
  });

  it("enqueueThumbnails picks the items with a picture never tried, each once", async () => {
    const { jobs, queued } = recordingJobs();
    const ctx = await env.ctx({ jobs });
    const n = await enqueueThumbnails(ctx, [
      { id: "a", imageUrl: "https://x.example/a.png", thumbnailAt: null },
      { id: "a", imageUrl: "https://x.example/a.png", thumbnailAt: null },
      { id: "b", imageUrl: null, thumbnailAt: null },
      { id: "c", imageUrl: "https://x.example/c.png", thumbnailAt: "2024-01-01T00:00:00.000Z" },
    ]);
    expect(n).toBe(1);
    expect(queued.map((q) => q.payload)).toEqual([{ itemId: "a" }]);
  });
});

import { startTestEnv, type TestEnv } from "@wkn/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Ctx } from "../context.js";
import { closeServers, serve, type TestServer } from "../fetch/testing.js";
import { describeThumbnailFailure, fetchImage } from "./fetch-image.js";
import { makeThumbnail, THUMBNAIL_LIMITS } from "./thumbnail.js";

let env: TestEnv;
let ctx: Ctx;
let site: TestServer;
const JPEG_START = Buffer.from([0xff, 0xd8, 0xff, 0xe0]);

beforeAll(async () => {
  env = await startTestEnv();
  ctx = await env.ctx();
  site = await serve((req, res) => {
    if (req.url === "/huge.jpg") {
      res.writeHead(200, { "content-type": "image/jpeg" });
      return res.end(Buffer.alloc(THUMBNAIL_LIMITS.maxBytes + 1024, 0xff));
    }
    if (req.url === "/page.jpg") {
      res.writeHead(200, { "content-type": "image/jpeg" });
      return res.end("<!doctype html><html><title>Login</title></html>");
    }
    if (req.url === "/ok.jpg") {
      res.writeHead(200, { "content-type": "application/octet-stream" });
      return res.end(JPEG_START);
    }
    res.writeHead(404, { "content-type": "text/plain" });
    res.end("no");
  });
});
afterAll(async () => {
  await closeServers();
  await env.close();
});

const failure = (p: Promise<unknown>) =>
  p.then(
    () => expect.unreachable("should fail"),
    (e: unknown) => describeThumbnailFailure(e),
  );

describe("fetchImage", () => {
  it("returns the bytes whatever the Content-Type says (the bytes are checked next)", async () => {
    expect(await fetchImage(ctx, `${site.origin}/ok.jpg`)).toEqual(JPEG_START);
    expect(site.requests.at(-1)?.headers.accept).toMatch(/^image\//);
  });

  it("stops an image over the size limit while reading it", async () => {
    expect(await failure(fetchImage(ctx, `${site.origin}/huge.jpg`))).toMatch(/^too_large: /);
  });

  it("describes a missing image and a page that claims to be a JPEG", async () => {
    expect(await failure(fetchImage(ctx, `${site.origin}/gone.jpg`))).toMatch(/^http_status: .*404/);
    const bytes = await fetchImage(ctx, `${site.origin}/page.jpg`);
    expect(await failure(makeThumbnail(bytes))).toMatch(/^not_image: /);
  });

  it("leaves other errors (bugs, storage) to the caller", () => {
    expect(describeThumbnailFailure(new TypeError("x"))).toBeUndefined();
  });
});

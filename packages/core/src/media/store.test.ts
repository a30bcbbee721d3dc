/**
 * The two media stores behave alike: a folder (local runs) and S3 (AWS), the latter through the
 * real S3 client against a loopback server speaking S3's path-style PUT/GET.
 */
import { createHash } from "node:crypto";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LOCAL_CREDENTIALS } from "../store/client.js";
import { folderMediaStore } from "./local-store.js";
import { s3MediaStore } from "./s3-store.js";
import { isMediaKey, type MediaStore, mediaUrl } from "./store.js";

const keyOf = (b: Buffer) => `${createHash("sha256").update(b).digest("hex")}.jpg`;
const BYTES = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 0xff, 0xd9]);

let dir: string;
let s3: http.Server;
/** "bucket/key" → [content-type, cache-control, bytes] */
const objects = new Map<string, [string, string, Buffer]>();
let client: S3Client;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "media-store-"));
  s3 = http.createServer(async (req, res) => {
    const key = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname.slice(1));
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    if (req.method === "PUT") {
      const body = Buffer.concat(chunks);
      objects.set(key, [String(req.headers["content-type"]), String(req.headers["cache-control"]), body]);
      res.writeHead(200, { etag: '"x"' });
      return res.end();
    }
    const found = objects.get(key);
    if (!found) {
      res.writeHead(404, { "content-type": "application/xml" });
      return res.end(
        `<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message><Key>${key}</Key></Error>`,
      );
    }
    res.writeHead(200, { "content-type": found[0], "content-length": found[2].length });
    res.end(found[2]);
  });
  await new Promise<void>((resolve) => s3.listen(0, "127.0.0.1", resolve));
  client = new S3Client({
    region: "us-east-1",
    endpoint: `http://127.0.0.1:${(s3.address() as AddressInfo).port}`,
    forcePathStyle: true,
    credentials: LOCAL_CREDENTIALS,
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
});
afterAll(async () => {
  client?.destroy();
  s3.closeAllConnections();
  await new Promise((resolve) => s3.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

const stores = (): [string, MediaStore][] => [
  ["folder", folderMediaStore(dir)],
  ["s3", s3MediaStore(client, "media-bucket")],
];

describe("media stores", () => {
  it("keys are SHA-256 hex names with an image extension, nothing else", () => {
    expect(isMediaKey(keyOf(BYTES))).toBe(true);
    for (const bad of [
      "../etc/passwd",
      `${"a".repeat(64)}.svg`,
      `${"A".repeat(64)}.jpg`,
      "x.jpg",
      `${"a".repeat(63)}.jpg`,
    ])
      expect(isMediaKey(bad), bad).toBe(false);
    expect(mediaUrl("https://news.example/", keyOf(BYTES))).toBe(
      `https://news.example/media/${keyOf(BYTES)}`,
    );
  });

  for (const [name, make] of [
    ["folder", () => stores()[0]![1]],
    ["s3", () => stores()[1]![1]],
  ] as const) {
    it(`${name}: what is put is got back, with its type; an unknown key is null`, async () => {
      const store = make();
      await store.put(keyOf(BYTES), BYTES, "image/jpeg");
      expect(await store.get(keyOf(BYTES))).toEqual({ bytes: BYTES, contentType: "image/jpeg" });
      expect(await store.get(`${"0".repeat(64)}.jpg`)).toBeNull();
    });

    it(`${name}: refuses a key it does not make, before touching storage`, async () => {
      const store = make();
      await expect(store.put("../../x.jpg", BYTES, "image/jpeg")).rejects.toThrow(/not a media key/);
      await expect(store.get("../../package.json")).rejects.toThrow(/not a media key/);
    });
  }

  it("s3: objects sit under media/ with a forever cache header", () => {
    const stored = objects.get(`media-bucket/media/${keyOf(BYTES)}`);
    expect(stored?.[0]).toBe("image/jpeg");
    expect(stored?.[1]).toBe("public, max-age=31536000, immutable");
  });

  it("folder: leaves no temporary files behind", async () => {
    expect(await readdir(dir)).toEqual([keyOf(BYTES)]);
  });
});

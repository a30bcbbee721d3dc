/** The image step, with real images made by the image library itself (no binary fixtures). */
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { pngOf } from "./testing.js";
import { makeThumbnail, sniffImageType, THUMBNAIL_LIMITS, ThumbnailError } from "./thumbnail.js";

async function refusal(p: Promise<unknown>): Promise<ThumbnailError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ThumbnailError);
  return err as ThumbnailError;
}

const solid = (width: number, height: number, background: string) =>
  sharp({ create: { width, height, channels: 3, background } })
    .png()
    .toBuffer();

/** 1200×630: blue, green bands at the far left and right, a red 300×300 centre. */
async function wideJpeg(): Promise<Buffer> {
  return sharp({ create: { width: 1200, height: 630, channels: 3, background: "#0000ff" } })
    .composite([
      { input: await solid(200, 630, "#00ff00"), left: 0, top: 0 },
      { input: await solid(200, 630, "#00ff00"), left: 1000, top: 0 },
      { input: await solid(300, 300, "#ff0000"), left: 450, top: 165 },
    ])
    .jpeg({ quality: 95 })
    .toBuffer();
}

async function pixel(jpeg: Buffer, x: number, y: number): Promise<[number, number, number]> {
  const { data, info } = await sharp(jpeg).raw().toBuffer({ resolveWithObject: true });
  const i = (y * info.width + x) * info.channels;
  return [data[i]!, data[i + 1]!, data[i + 2]!];
}

const near = (got: number[], want: number[], tol = 40) => got.every((v, i) => Math.abs(v - want[i]!) <= tol);

/** A PNG whose header claims width×height around a few KiB of zeros (a "bomb"). */
const pngClaiming = (width: number, height: number): Buffer =>
  pngOf(width, height, 0, Buffer.alloc(Math.min(height, 2000) * (width + 1)));

describe("makeThumbnail", () => {
  it("makes a 1200×630 JPEG a 280×280 JPEG of its centre: the centre's colour, not the far edges", async () => {
    const made = await makeThumbnail(await wideJpeg());
    expect(sniffImageType(made.bytes)).toBe("jpeg");
    const meta = await sharp(made.bytes).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(["jpeg", 280, 280]);
    expect(near(await pixel(made.bytes, 140, 140), [255, 0, 0])).toBe(true);
    // the square is cut from the middle 630 px: corners are the blue around the centre, never the green bands
    for (const [x, y] of [
      [3, 3],
      [276, 3],
      [3, 276],
      [276, 276],
    ] as const) {
      const p = await pixel(made.bytes, x, y);
      expect(near(p, [0, 0, 255]), `corner ${x},${y}: ${p}`).toBe(true);
    }
  });

  it("puts transparency on white", async () => {
    const png = await sharp({
      create: { width: 400, height: 400, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } },
    })
      .png()
      .toBuffer();
    const made = await makeThumbnail(png);
    expect(near(await pixel(made.bytes, 140, 140), [255, 255, 255], 8)).toBe(true);
  });

  it("addresses what it makes by its content: same input, same key; another input, another key", async () => {
    const a = await makeThumbnail(await wideJpeg());
    const b = await makeThumbnail(await wideJpeg());
    const c = await makeThumbnail(await solid(300, 300, "#123456"));
    expect(a.key).toMatch(/^[0-9a-f]{64}\.jpg$/);
    expect(b.key).toBe(a.key);
    expect(c.key).not.toBe(a.key);
  });

  it("accepts a single-frame GIF and a WebP", async () => {
    const base = sharp({ create: { width: 50, height: 30, channels: 3, background: "#808080" } });
    for (const input of [await base.clone().gif().toBuffer(), await base.clone().webp().toBuffer()]) {
      expect((await makeThumbnail(input)).width).toBe(280);
    }
  });

  it("refuses a 20,000×20,000 image by its header, before decoding", async () => {
    const err = await refusal(makeThumbnail(pngClaiming(20_000, 20_000)));
    expect(err.code).toBe("too_many_pixels");
    expect(err.message).toContain("20000×20000");
  });

  it("refuses a PNG bomb: a few KiB that would decode to more pixels than the limit", async () => {
    const bomb = pngClaiming(8_000, 8_000); // 64 MP inside the side limit, over the pixel limit
    expect(bomb.length).toBeLessThan(64 * 1024);
    expect((await refusal(makeThumbnail(bomb))).code).toBe("too_many_pixels");
  });

  it("refuses more bytes than the limit without reading them", async () => {
    const big = Buffer.alloc(THUMBNAIL_LIMITS.maxBytes + 1, 0xff);
    expect((await refusal(makeThumbnail(big))).code).toBe("too_large");
  });

  it.each([
    [
      '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10" fill="red"/></svg>',
    ],
    ['\uFEFF  \n<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><rect/></svg>'],
  ])("refuses SVG, never rasterising it (%#)", async (svg) => {
    const err = await refusal(makeThumbnail(Buffer.from(svg, "utf8")));
    expect(err.code).toBe("svg");
    expect(err.message).toMatch(/SVG is never rasterised/);
  });

  it("refuses bytes that are HTML, whatever header came with them", async () => {
    const err = await refusal(makeThumbnail(Buffer.from("<!doctype html><html><body>Moved</body></html>")));
    expect(err.code).toBe("not_image");
    expect(err.message).toMatch(/look like HTML/);
  });

  it("refuses an animated GIF", async () => {
    const frame = (background: string) =>
      sharp({ create: { width: 20, height: 20, channels: 3, background } })
        .png()
        .toBuffer();
    const gif = await sharp([await frame("#ff0000"), await frame("#0000ff")], { join: { animated: true } })
      .gif()
      .toBuffer();
    expect((await sharp(gif).metadata()).pages).toBe(2);
    expect((await refusal(makeThumbnail(gif))).code).toBe("animated");
  });

  it("refuses a truncated JPEG (half its bytes) as undecodable rather than hosting a grey half", async () => {
    const whole = await wideJpeg();
    expect((await refusal(makeThumbnail(whole.subarray(0, whole.length >> 1)))).code).toBe("undecodable");
  });
});

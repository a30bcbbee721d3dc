/**
 * A card's picture as we host it: any raster image a publisher offers, checked by its bytes,
 * cropped square around its centre and resized to 280×280 (2× the 140 px it is shown at), JPEG.
 * What is refused is refused by limits, never by luck: SVG (librsvg would rasterise untrusted
 * markup), animations, more than 40 megapixels (checked on the header, and again by libvips while
 * decoding, so a header that lies is still stopped), more than 8 MiB of input.
 *
 * sharp (libvips) is loaded with `require` on first use: no bundler can pull it into a Lambda
 * bundle, and on AWS it comes from a layer (Lambda's NODE_PATH has /opt/nodejs/node_modules,
 * which only CommonJS resolution honours). Only the unfurl worker ever calls this.
 */
import { createHash } from "node:crypto";
import { createRequire } from "node:module";
import type Sharp from "sharp";
import type { Metadata } from "sharp";

export const THUMBNAIL_SIZE = 280;

export const THUMBNAIL_LIMITS = {
  /** Bytes of the image as fetched. */
  maxBytes: 8 * 1024 * 1024,
  /** Width × height: 40 MP is a large camera photo; decoded RGBA that is 160 MB, still bounded. */
  maxPixels: 40_000_000,
  /** Either side: a 1 × 40,000,000 strip is no picture either. */
  maxSide: 12_000,
} as const;

export type ThumbnailErrorCode =
  | "not_image"
  | "svg"
  | "unsupported"
  | "animated"
  | "too_large"
  | "too_many_pixels"
  | "undecodable";

export class ThumbnailError extends Error {
  override name = "ThumbnailError";
  constructor(
    readonly code: ThumbnailErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export type ImageType = "jpeg" | "png" | "gif" | "webp" | "avif";

const startsWith = (b: Uint8Array, sig: number[], at = 0) => sig.every((v, i) => b[at + i] === v);
const ascii = (b: Uint8Array, from: number, to: number) =>
  Buffer.from(b.subarray(from, to)).toString("latin1");

/** The raster format by magic bytes (a Content-Type header is never trusted). */
export function sniffImageType(b: Uint8Array): ImageType | null {
  if (startsWith(b, [0xff, 0xd8, 0xff])) return "jpeg";
  if (startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return "png";
  if (ascii(b, 0, 6) === "GIF87a" || ascii(b, 0, 6) === "GIF89a") return "gif";
  if (ascii(b, 0, 4) === "RIFF" && ascii(b, 8, 12) === "WEBP") return "webp";
  if (ascii(b, 4, 8) === "ftyp" && /^(avif|avis)$/.test(ascii(b, 8, 12))) return "avif";
  return null;
}

/** Markup (SVG, XML, HTML) after an optional BOM and whitespace: what a non-image often is. */
function markupKind(b: Uint8Array): "svg" | "html" | null {
  let text = Buffer.from(b.subarray(0, 2048))
    .toString("utf8")
    .replace(/^\uFEFF/, "")
    .trimStart();
  if (!text.startsWith("<")) return null;
  text = text.toLowerCase();
  return /<svg[\s>]/.test(text) ? "svg" : "html";
}

let loaded: typeof Sharp | undefined;
function sharp(): typeof Sharp {
  if (!loaded) {
    loaded = createRequire(import.meta.url)("sharp") as typeof Sharp;
    // No cache of decoded images (each picture is made once) and one libvips thread: the same
    // process serves the API and the pollers, and a thumbnail is not worth more than one core.
    loaded.cache(false);
    loaded.concurrency(1);
  }
  return loaded;
}

/** Makes the 280×280 JPEG of `bytes`; throws ThumbnailError (with words for the editor). */
export async function makeThumbnail(
  bytes: Uint8Array,
): Promise<{ bytes: Buffer; key: string; width: number; height: number }> {
  const L = THUMBNAIL_LIMITS;
  if (bytes.length > L.maxBytes) {
    throw new ThumbnailError(
      "too_large",
      `the image is ${bytes.length} bytes, more than the ${L.maxBytes} allowed`,
    );
  }
  const type = sniffImageType(bytes);
  if (!type) {
    const markup = markupKind(bytes);
    if (markup === "svg") throw new ThumbnailError("svg", "the image is an SVG; SVG is never rasterised");
    throw new ThumbnailError(
      "not_image",
      markup
        ? "the bytes are not an image (they look like HTML or XML)"
        : "the bytes are not a JPEG, PNG, GIF, WebP or AVIF image",
    );
  }
  const options = { limitInputPixels: L.maxPixels, failOn: "error", sequentialRead: true } as const;
  let meta: Metadata;
  try {
    // The header only (nothing is decoded), so the refusal can name the size.
    meta = await sharp()(bytes, { ...options, limitInputPixels: false }).metadata();
  } catch (err) {
    throw new ThumbnailError(
      "undecodable",
      `the ${type.toUpperCase()} image cannot be read: ${(err as Error).message}`,
    );
  }
  const { width = 0, height = 0 } = meta;
  if (meta.format === "svg") throw new ThumbnailError("svg", "the image is an SVG; SVG is never rasterised");
  if (width * height > L.maxPixels || width > L.maxSide || height > L.maxSide) {
    throw new ThumbnailError(
      "too_many_pixels",
      `the image is ${width}×${height} pixels, more than the ${L.maxPixels / 1_000_000} megapixel limit`,
    );
  }
  if ((meta.pages ?? 1) > 1)
    throw new ThumbnailError("animated", "the image is animated; animations are not hosted");
  let out: Buffer;
  try {
    out = await sharp()(bytes, options)
      .rotate() // EXIF orientation, before cropping
      .flatten({ background: "#ffffff" }) // transparency on white, like the mail's background
      .resize(THUMBNAIL_SIZE, THUMBNAIL_SIZE, { fit: "cover", position: "centre" })
      .jpeg({ quality: 80, mozjpeg: true, progressive: true })
      .toBuffer();
  } catch (err) {
    const message = (err as Error).message;
    if (/pixel limit/i.test(message)) {
      throw new ThumbnailError(
        "too_many_pixels",
        `the image decodes to more than ${L.maxPixels / 1_000_000} megapixels`,
      );
    }
    throw new ThumbnailError("undecodable", `the ${type.toUpperCase()} image cannot be decoded: ${message}`);
  }
  return {
    bytes: out,
    key: `${createHash("sha256").update(out).digest("hex")}.jpg`,
    width: THUMBNAIL_SIZE,
    height: THUMBNAIL_SIZE,
  };
}

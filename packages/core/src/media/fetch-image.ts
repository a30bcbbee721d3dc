/** Fetching a picture to host: the guarded fetcher with an image's limits. */
import type { Fetcher } from "../fetch/index.js";
import { isFetchError } from "../fetch/index.js";
import { THUMBNAIL_LIMITS, ThumbnailError } from "./thumbnail.js";

export const IMAGE_ACCEPT = "image/avif,image/webp,image/png,image/jpeg,image/gif;q=0.8";
export const IMAGE_TIMEOUT_MS = 15_000;

/**
 * The bytes at `url` (at most THUMBNAIL_LIMITS.maxBytes, 15 s, 3 redirects). The Content-Type is
 * not looked at: makeThumbnail checks the bytes. Throws FetchError (non-2xx included).
 */
export async function fetchImage(ctx: { fetch: Fetcher }, url: string): Promise<Buffer> {
  const res = await ctx.fetch(url, {
    accept: IMAGE_ACCEPT,
    maxBytes: THUMBNAIL_LIMITS.maxBytes,
    timeoutMs: IMAGE_TIMEOUT_MS,
    maxRedirects: 3,
  });
  return res.body;
}

/** `code: message` for a fetch or image failure (kept on the item); undefined for anything else. */
export function describeThumbnailFailure(err: unknown): string | undefined {
  if (isFetchError(err)) return `${err.code}: ${err.message}`;
  if (err instanceof ThumbnailError) return `${err.code}: ${err.message}`;
  return undefined;
}

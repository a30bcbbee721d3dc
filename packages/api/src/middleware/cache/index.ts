/**
 * Cache headers for public pages (the archive, the web version, the feed): a strong `ETag` from
 * the body (Hono's etag middleware, which also answers `If-None-Match` with 304) and a
 * `Cache-Control` on successful responses. Error pages get neither, so a 404 is never cached
 * as if it were the page.
 */
import type { MiddlewareHandler } from "hono";
import { etag } from "hono/etag";

export interface CacheOptions {
  /** Seconds browsers and shared caches may reuse the response without asking (default 300). */
  maxAge?: number;
  /** `public` (default) or `private`. */
  scope?: "public" | "private";
}

/**
 * @example
 * ```ts
 * app.get("/feed.xml", cacheable({ maxAge: 300 }), (c) => c.body(xml))
 * ```
 */
export const cacheable = (options: CacheOptions = {}): MiddlewareHandler => {
  const value = `${options.scope ?? "public"}, max-age=${options.maxAge ?? 300}`;
  const withEtag = etag();
  return async function cacheable(c, next) {
    // Cache-Control is set inside the etag step, so a 304 carries it too (it is a retained header).
    await withEtag(c, async () => {
      await next();
      if (c.res.ok) c.res.headers.set("Cache-Control", value);
    });
  };
};

/**
 * The Content-Security-Policy of the readers' HTML pages (subscribe, confirm, unsubscribe, the
 * archive and an issue's web version): no script at all, no plugins, no framing, forms only to
 * this site, images from here or over https, and styles only from the one `<style>` block the
 * pages carry (core's `PAGE_CSS`), allowed by its SHA-256 rather than `'unsafe-inline'`.
 */
import { createHash } from "node:crypto";
import { PAGE_CSS } from "@wkn/core/issues/render/page";
import type { MiddlewareHandler } from "hono";

export interface PageCspOptions {
  /** The contents of the `<style>` blocks the pages may carry (default: the readers' stylesheet). */
  styles?: string[];
  /**
   * Allow `style="…"` attributes (`style-src-attr 'unsafe-inline'`): the web version's mail
   * layout carries them, since mail clients need inline styles. Default false.
   */
  styleAttributes?: boolean;
}

/** A CSP source for a `<style>` block's exact contents. */
export const styleHash = (css: string): string =>
  `'sha256-${createHash("sha256").update(css, "utf8").digest("base64")}'`;

export function pagePolicy(options: PageCspOptions = {}): string {
  return [
    "default-src 'none'",
    "img-src 'self' https: data:",
    `style-src ${(options.styles ?? [PAGE_CSS]).map(styleHash).join(" ")}`,
    ...(options.styleAttributes ? ["style-src-attr 'unsafe-inline'"] : []),
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join("; ");
}

/**
 * Sets the policy on every response of the route (304s and error pages too).
 * @param options the style blocks to allow, and whether style attributes are allowed
 * @example
 * ```ts
 * r.get("/issues/:number", pageCsp({ styleAttributes: true }), (c) => c.html(page))
 * ```
 */
export const pageCsp = (options: PageCspOptions = {}): MiddlewareHandler => {
  const policy = pagePolicy(options);
  return async function pageCsp(c, next) {
    await next();
    c.res.headers.set("Content-Security-Policy", policy);
  };
};

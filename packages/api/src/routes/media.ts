import type { Ctx } from "@wkn/core/context";
import { isMediaKey } from "@wkn/core/media/store";
import { PUBLIC_PATHS } from "@wkn/core/model/paths";
import { Hono } from "hono";
import { errorBody } from "../errors.js";

/** A key names its bytes (content-addressed), so a response never goes stale. */
const FOREVER = "public, max-age=31536000, immutable";

/**
 * GET /media/:key: our hosted thumbnails, public (mail clients load them without a session), on
 * the same origin as the archive. Only keys we make are looked up; anything else is a 404.
 */
export function mediaRoutes(ctx: Ctx) {
  const r = new Hono();
  r.get(PUBLIC_PATHS.media, async (c) => {
    const key = c.req.param("key");
    if (!isMediaKey(key)) return c.json(errorBody("not_found", "no such picture"), 404);
    const etag = `"${key.slice(0, 64)}"`;
    if (
      c.req
        .header("if-none-match")
        ?.split(/\s*,\s*/)
        .includes(etag)
    ) {
      return c.body(null, 304, { ETag: etag, "Cache-Control": FOREVER });
    }
    const found = await ctx.media.get(key);
    if (!found) return c.json(errorBody("not_found", "no such picture"), 404);
    return c.body(new Uint8Array(found.bytes), 200, {
      "Content-Type": found.contentType,
      "Cache-Control": FOREVER,
      ETag: etag,
      // Served to any page that embeds it (a mail client's web view, a feed reader).
      "Cross-Origin-Resource-Policy": "cross-origin",
    });
  });
  return r;
}

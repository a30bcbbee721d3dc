/** The readers' pages: subscription, archive, feed, hosted pictures (loaded on first use; lazy.ts). */
import type { RouteGroup } from "../lazy.js";
import { archiveRoutes } from "../routes/archive.js";
import { mediaRoutes } from "../routes/media.js";
import { publicRoutes } from "../routes/public.js";

export const mount: RouteGroup = (r, ctx) => {
  r.route("/", publicRoutes(ctx));
  r.route("/", archiveRoutes(ctx));
  r.route("/", mediaRoutes(ctx));
};

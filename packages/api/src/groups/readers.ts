/** The readers' pages: subscription, archive, feed (loaded on first use; lazy.ts). */
import { Hono } from "hono";
import type { RouteGroup } from "../lazy.js";
import { archiveRoutes } from "../routes/archive.js";
import { publicRoutes } from "../routes/public.js";

export const build: RouteGroup = (ctx) => {
  const r = new Hono();
  r.route("/", publicRoutes(ctx));
  r.route("/", archiveRoutes(ctx));
  return r;
};

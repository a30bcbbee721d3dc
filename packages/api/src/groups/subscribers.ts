/** Subscribers, CSV import and export (loaded on the first /api/subscribers request; lazy.ts). */
import type { RouteGroup } from "../lazy.js";
import { subscribersRoutes } from "../routes/subscribers.js";

export const mount: RouteGroup = (r, ctx) => {
  r.route("/api", subscribersRoutes(ctx));
};

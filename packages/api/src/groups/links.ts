/** Adding a link by hand, `POST /api/items` (loaded on the first one; lazy.ts). */
import type { RouteGroup } from "../lazy.js";
import { linksRoutes } from "../routes/links.js";

export const mount: RouteGroup = (r, ctx) => {
  r.route("/api", linksRoutes(ctx));
};

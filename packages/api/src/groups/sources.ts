/** Sources and polling (loaded on the first /api/sources or /api/poll request; lazy.ts). */
import type { RouteGroup } from "../lazy.js";
import { pollRoutes } from "../routes/poll.js";
import { sourcesRoutes } from "../routes/sources.js";

export const mount: RouteGroup = (r, ctx) => {
  r.route("/api", sourcesRoutes(ctx));
  r.route("/api", pollRoutes(ctx));
};

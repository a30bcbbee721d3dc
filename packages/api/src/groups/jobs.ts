/** Failed background jobs (loaded on the first /api/jobs request; lazy.ts). */
import type { RouteGroup } from "../lazy.js";
import { jobsRoutes } from "../routes/jobs.js";

export const mount: RouteGroup = (r, ctx) => {
  r.route("/api", jobsRoutes(ctx));
};

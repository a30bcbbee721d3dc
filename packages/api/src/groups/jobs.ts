/** Failed background jobs (loaded on the first /api/jobs request; lazy.ts). */

import type { RouteGroup } from "../lazy.js";
import { jobsRoutes } from "../routes/jobs.js";
import { editorGroup } from "./editor-group.js";

export const build: RouteGroup = (ctx) =>
  editorGroup((r) => {
    r.route("/api", jobsRoutes(ctx));
  });

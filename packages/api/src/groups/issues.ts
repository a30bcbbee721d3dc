/** Issues: drafts, preview, sending (loaded on the first /api/issues request; lazy.ts). */

import type { RouteGroup } from "../lazy.js";
import { issuesRoutes } from "../routes/issues.js";
import { sendRoutes } from "../routes/send.js";
import { editorGroup } from "./editor-group.js";

export const build: RouteGroup = (ctx) =>
  editorGroup((r) => {
    r.route("/api", issuesRoutes(ctx));
    r.route("/api", sendRoutes(ctx));
  });

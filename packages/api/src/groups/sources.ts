/** Sources and polling (loaded on the first /api/sources or /api/poll request; lazy.ts). */

import type { RouteGroup } from "../lazy.js";
import { pollRoutes } from "../routes/poll.js";
import { sourcesRoutes } from "../routes/sources.js";
import { editorGroup } from "./editor-group.js";

export const build: RouteGroup = (ctx) =>
  editorGroup((r) => {
    r.route("/api", sourcesRoutes(ctx));
    r.route("/api", pollRoutes(ctx));
  });

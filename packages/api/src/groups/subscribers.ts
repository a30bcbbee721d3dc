/** Subscribers, CSV import and export (loaded on the first /api/subscribers request; lazy.ts). */

import type { RouteGroup } from "../lazy.js";
import { subscribersRoutes } from "../routes/subscribers.js";
import { editorGroup } from "./editor-group.js";

export const build: RouteGroup = (ctx) =>
  editorGroup((r) => {
    r.route("/api", subscribersRoutes(ctx));
  });

/** Adding a link by hand, `POST /api/items` (loaded on the first one; lazy.ts). */

import type { RouteGroup } from "../lazy.js";
import { linksRoutes } from "../routes/links.js";
import { editorGroup } from "./editor-group.js";

export const build: RouteGroup = (ctx) =>
  editorGroup((r) => {
    r.route("/api", linksRoutes(ctx));
  });

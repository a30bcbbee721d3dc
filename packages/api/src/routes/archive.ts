import type { Ctx } from "@wkn/core/context";
import { createRouter } from "../router.js";

/** GET /issues, /issues/:number, /feed.xml (issue #5). */
export function archiveRoutes(_ctx: Ctx) {
  const r = createRouter();
  return r;
}

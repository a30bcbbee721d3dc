import type { Ctx } from "@wkn/core/context";
import { createRouter } from "../router.js";

/** POST /api/poll, POST /api/sources/:id/poll (issue #3). */
export function pollRoutes(_ctx: Ctx) {
  const r = createRouter();
  return r;
}

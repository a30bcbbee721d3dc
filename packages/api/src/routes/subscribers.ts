import type { Ctx } from "@wkn/core/context";
import { createRouter } from "../router.js";

/** /api/subscribers* (issue #6). */
export function subscribersRoutes(_ctx: Ctx) {
  const r = createRouter();
  return r;
}

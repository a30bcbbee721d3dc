import type { Ctx } from "@wkn/core/context";
import { createRouter } from "../router.js";

/** POST /subscribe, /confirm, /unsubscribe (issue #6). */
export function publicRoutes(_ctx: Ctx) {
  const r = createRouter();
  return r;
}

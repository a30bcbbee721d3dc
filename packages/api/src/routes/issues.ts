import type { Ctx } from "@wkn/core/context";
import { createRouter } from "../router.js";

/** /api/issues* (issue #5, send/test from issue #6). */
export function issuesRoutes(_ctx: Ctx) {
  const r = createRouter();
  return r;
}

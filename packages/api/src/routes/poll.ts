/** Polling on demand: one source, or every due (or, with `?all=1`, every enabled) source. */
import { createRoute, z } from "@hono/zod-openapi";
import type { Ctx } from "@wkn/core/context";
import { pollDue, pollSource } from "@wkn/core/sources/poll";
import { createRouter } from "../router.js";
import { errors, IdParam, json } from "../schemas/common.js";
import { PollResultSchema } from "../schemas/sources.js";

const AllQuery = z.object({
  all: z
    .enum(["0", "1", "true", "false"])
    .optional()
    .openapi({
      param: { name: "all", in: "query" },
      description: "1: every enabled source, not only the due ones",
    }),
});

export function pollRoutes(ctx: Ctx) {
  const r = createRouter();

  r.openapi(
    createRoute({
      method: "post",
      path: "/sources/{id}/poll",
      tags: ["sources"],
      summary: "Poll one source now",
      request: { params: IdParam },
      responses: {
        200: json(PollResultSchema, 'The poll\'s outcome; a failure of the source itself is status "error"'),
        401: errors[401],
        404: errors[404],
      },
    }),
    async (c) => c.json(await pollSource(ctx, c.req.valid("param").id, { mustExist: true }), 200),
  );

  r.openapi(
    createRoute({
      method: "post",
      path: "/poll",
      tags: ["sources"],
      summary: "Poll the due sources now",
      request: { query: AllQuery },
      responses: {
        200: json(z.object({ results: z.array(PollResultSchema) }), "One result per polled source"),
        400: errors[400],
        401: errors[401],
      },
    }),
    async (c) => {
      const { all } = c.req.valid("query");
      return c.json({ results: await pollDue(ctx, { all: all === "1" || all === "true" }) }, 200);
    },
  );

  return r;
}

/**
 * Dead letters of background jobs (poll, unfurl, send, confirm) from either runtime: jobs that
 * failed their last attempt, kept 14 days. The editor lists them, retries one (enqueued again
 * through the ctx's jobs, the record removed) or deletes one.
 */
import { createRoute, z } from "@hono/zod-openapi";
import type { Ctx } from "@wkn/core/context";
import { ConflictError, NotFoundError } from "@wkn/core/errors";
import type { JobPayloads } from "@wkn/core/jobs";
import { createRouter } from "../router.js";
import { errors, IdParam, json } from "../schemas/common.js";
import { FailedJobSchema, FailedJobsQuery } from "../schemas/jobs.js";

const isPayload = (p: unknown): p is JobPayloads[keyof JobPayloads] =>
  typeof p === "object" && p !== null && !Array.isArray(p);

export function jobsRoutes(ctx: Ctx) {
  const r = createRouter();
  const failedJobs = ctx.store.failedJobs;

  r.openapi(
    createRoute({
      method: "get",
      path: "/jobs/failed",
      tags: ["jobs"],
      summary: "Background jobs that failed their last attempt, newest first",
      request: { query: FailedJobsQuery },
      responses: {
        200: json(z.object({ jobs: z.array(FailedJobSchema) }), "The dead letters"),
        400: errors[400],
        401: errors[401],
      },
    }),
    async (c) => c.json({ jobs: await failedJobs.list(ctx.now(), c.req.valid("query").limit) }, 200),
  );

  r.openapi(
    createRoute({
      method: "post",
      path: "/jobs/failed/{id}/retry",
      tags: ["jobs"],
      summary: "Run a failed job again: it is enqueued anew and leaves the list",
      request: { params: IdParam },
      responses: {
        202: json(z.object({ job: FailedJobSchema }), "Enqueued again: the record that was removed"),
        401: errors[401],
        404: errors[404],
        409: errors[409],
      },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      const found = await failedJobs.get(id, ctx.now());
      if (!found) throw new NotFoundError("failed job", id);
      if (!isPayload(found.payload)) {
        throw new ConflictError(`failed job ${id} has no valid payload; it can only be deleted`);
      }
      // Taken first, so two retries at once enqueue it once; put back if it cannot be enqueued.
      const job = await failedJobs.remove(id, ctx.now());
      if (!job) throw new NotFoundError("failed job", id);
      try {
        await ctx.jobs.enqueue(job.kind, job.payload as never);
      } catch (e) {
        await failedJobs.restore(job);
        throw e;
      }
      ctx.log.info("failed job enqueued again", { id, kind: job.kind });
      return c.json({ job }, 202);
    },
  );

  r.openapi(
    createRoute({
      method: "delete",
      path: "/jobs/failed/{id}",
      tags: ["jobs"],
      summary: "Forget a failed job",
      request: { params: IdParam },
      responses: { 204: { description: "Removed" }, 401: errors[401], 404: errors[404] },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      if (!(await failedJobs.remove(id, ctx.now()))) throw new NotFoundError("failed job", id);
      return c.body(null, 204);
    },
  );

  return r;
}

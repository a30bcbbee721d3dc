import { z } from "@hono/zod-openapi";
import { JOB_KINDS } from "@wkn/core/store/failed-jobs";
import { isoTime } from "./common.js";

export const FailedJobSchema = z
  .object({
    id: z.string(),
    kind: z.enum(JOB_KINDS as [string, ...string[]]),
    payload: z.unknown().openapi({
      description: "The job's payload, e.g. {issueNumber}; a queue message that was not JSON is kept as text",
    }),
    error: z.string().openapi({ description: "The last attempt's error" }),
    attempts: z.number().int(),
    firstFailedAt: isoTime.optional().openapi({
      description: "When the first attempt failed (on AWS: when the message was first received)",
    }),
    failedAt: isoTime,
  })
  .openapi("FailedJob");

export const FailedJobsQuery = z.object({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(100)
    .optional()
    .openapi({ param: { name: "limit", in: "query" }, description: "At most this many, newest first (100)" }),
});

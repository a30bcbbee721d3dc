/**
 * The bodies of our SQS messages, checked at the boundary: one JSON object per job, as
 * `sqsJobs` (packages/core/src/jobs/sqs.ts) writes it. zod/mini keeps the worker bundles small.
 */
import type { JobKind, JobPayloads } from "@wkn/core/jobs";
import * as z from "zod/mini";

const schemas: { [K in JobKind]: z.ZodMiniType<JobPayloads[K]> } = {
  poll: z.object({ sourceId: z.string().check(z.minLength(1)) }),
  unfurl: z.object({ itemId: z.string().check(z.minLength(1)) }),
  send: z.object({ issueNumber: z.int().check(z.positive()) }),
  confirm: z.object({ email: z.string().check(z.minLength(3), z.maxLength(320)) }),
};

/** A parser for one kind's message body; throws on anything else. */
export function jobParser<K extends JobKind>(kind: K): (body: string) => JobPayloads[K] {
  const schema = schemas[kind];
  return (body) => schema.parse(JSON.parse(body));
}

/**
 * Background work that outlives a request: polling a source, unfurling an item, sending an
 * issue, sending a confirmation mail. On AWS each kind goes through its SQS queue (functions/*-worker.ts consume them);
 * locally the same handlers run in-process with bounded concurrency. Core code only calls
 * `enqueue`, so it never knows which.
 */
import type { JobKind, JobPayloads } from "../model/index.js";

export type { JobKind, JobPayloads } from "../model/index.js";

export interface Jobs {
  enqueue<K extends JobKind>(kind: K, payload: JobPayloads[K]): Promise<void>;
  /**
   * Many jobs of one kind in as few requests as the runner allows (SQS: batches of 10). Resolves
   * with the payloads that could not be enqueued, each with its error (empty: all went).
   */
  enqueueMany?<K extends JobKind>(
    kind: K,
    payloads: JobPayloads[K][],
  ): Promise<{ payload: JobPayloads[K]; error: unknown }[]>;
}

/** Enqueues every payload, batched where the runner can; returns the errors of those that failed. */
export async function enqueueAll<K extends JobKind>(
  jobs: Jobs,
  kind: K,
  payloads: JobPayloads[K][],
): Promise<unknown[]> {
  if (payloads.length === 0) return [];
  if (jobs.enqueueMany) return (await jobs.enqueueMany(kind, payloads)).map((f) => f.error);
  const results = await Promise.allSettled(payloads.map((p) => jobs.enqueue(kind, p)));
  return results.flatMap((r) => (r.status === "rejected" ? [r.reason] : []));
}

/** A job runner that drops everything: for tests and for tools that never run background work. */
export const noJobs: Jobs = { async enqueue() {} };

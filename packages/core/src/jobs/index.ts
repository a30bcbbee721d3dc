/**
 * Background work that outlives a request: polling a source, unfurling an item, sending an
 * issue, sending a confirmation mail. On AWS each kind goes through its SQS queue (functions/*-worker.ts consume them);
 * locally the same handlers run in-process with bounded concurrency. Core code only calls
 * `enqueue`, so it never knows which.
 */
export interface JobPayloads {
  poll: { sourceId: string };
  unfurl: { itemId: string };
  send: { issueNumber: number };
  /** A `/subscribe` request, handled off the request path: state, limits and the confirmation mail. */
  confirm: { email: string };
}
export type JobKind = keyof JobPayloads;

export interface Jobs {
  enqueue<K extends JobKind>(kind: K, payload: JobPayloads[K]): Promise<void>;
}

/** A job runner that drops everything: for tests and for tools that never run background work. */
export const noJobs: Jobs = { async enqueue() {} };

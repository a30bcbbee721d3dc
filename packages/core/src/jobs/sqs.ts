/** Jobs on AWS: one SQS message per job on the queue of its kind (URLs from the stacks' environment). */
import type { SQSClient } from "@aws-sdk/client-sqs";
import { lazyClient } from "../util/lazy-client.js";
import { loadOnce } from "../util/load-once.js";
import type { JobKind, JobPayloads, Jobs } from "./index.js";

/** The SQS package, loaded on the first enqueue: a function that enqueues nothing never loads it. */
const sqsSdk = loadOnce(() => import("@aws-sdk/client-sqs"));

/** SendMessageBatch takes at most 10 entries. */
const BATCH = 10;

export function sqsJobs(
  queues: Partial<Record<JobKind, string>>,
  client: Pick<SQSClient, "send"> = lazyClient(async () => new (await sqsSdk()).SQSClient({})),
): Jobs {
  const urlOf = (kind: JobKind) => {
    const url = queues[kind];
    if (!url) throw new Error(`no queue configured for ${kind} jobs`);
    return url;
  };
  return {
    async enqueue<K extends JobKind>(kind: K, payload: JobPayloads[K]) {
      const { SendMessageCommand } = await sqsSdk();
      await client.send(
        new SendMessageCommand({ QueueUrl: urlOf(kind), MessageBody: JSON.stringify(payload) }),
      );
    },

    /** One SendMessageBatch per 10 jobs; a batch's failed entries are reported, not retried here. */
    async enqueueMany<K extends JobKind>(kind: K, payloads: JobPayloads[K][]) {
      const url = urlOf(kind);
      const { SendMessageBatchCommand } = await sqsSdk();
      const failed: { payload: JobPayloads[K]; error: unknown }[] = [];
      const batches: JobPayloads[K][][] = [];
      for (let i = 0; i < payloads.length; i += BATCH) batches.push(payloads.slice(i, i + BATCH));
      await Promise.all(
        batches.map(async (batch) => {
          try {
            const r = await client.send(
              new SendMessageBatchCommand({
                QueueUrl: url,
                Entries: batch.map((p, i) => ({ Id: String(i), MessageBody: JSON.stringify(p) })),
              }),
            );
            for (const f of r.Failed ?? []) {
              const payload = batch[Number(f.Id)];
              if (payload !== undefined)
                failed.push({
                  payload,
                  error: new Error(`SQS refused the message: ${f.Code}: ${f.Message ?? ""}`),
                });
            }
          } catch (error) {
            for (const payload of batch) failed.push({ payload, error });
          }
        }),
      );
      return failed;
    },
  };
}

/** Jobs on AWS: one SQS message per job on the queue of its kind (URLs from the stacks' environment). */
import { SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import type { JobKind, JobPayloads, Jobs } from "./index.js";

export function sqsJobs(queues: Partial<Record<JobKind, string>>, client = new SQSClient({})): Jobs {
  return {
    async enqueue<K extends JobKind>(kind: K, payload: JobPayloads[K]) {
      const url = queues[kind];
      if (!url) throw new Error(`no queue configured for ${kind} jobs`);
      await client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: JSON.stringify(payload) }));
    },
  };
}

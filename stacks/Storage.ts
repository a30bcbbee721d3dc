/**
 * The one DynamoDB table, built from the same definition the local runtime creates
 * (packages/core/src/store/table.ts): pk/sk, three generic GSIs projecting everything, TTL on
 * `expiresAt`, on-demand billing, point-in-time recovery. Retained when the stack is removed.
 * Beside it, the private bucket of hosted thumbnails, the operator's alarm topic (operator.ts) and
 * the app's one dead-letter queue (queues.ts).
 */
import { TTL_ATTRIBUTE, tableDefinition } from "@wkn/core/store/table";
import { RemovalPolicy } from "aws-cdk-lib";
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from "aws-cdk-lib/aws-s3";
import { NagSuppressions } from "cdk-nag";
import { type StackContext, Table, type TableProps } from "sst/constructs";
import { finishStack } from "./finish.js";
import { operationSettings } from "./operations.js";
import { operatorTopic } from "./operator.js";
import { deadLetterQueue } from "./queues.js";

const FIELD_TYPES = { S: "string", N: "number", B: "binary" } as const;

/** SST Table props equivalent to the core's CreateTable input. */
export function tablePropsFromDefinition(): TableProps {
  const def = tableDefinition("unused");
  const keyOf = (schema: typeof def.KeySchema, type: "HASH" | "RANGE") =>
    schema?.find((k) => k.KeyType === type)?.AttributeName;
  const primary = { partitionKey: keyOf(def.KeySchema, "HASH")!, sortKey: keyOf(def.KeySchema, "RANGE") };
  if (def.BillingMode !== "PAY_PER_REQUEST") throw new Error("the table is meant to be billed on demand");
  return {
    fields: Object.fromEntries(
      (def.AttributeDefinitions ?? []).map((a) => [a.AttributeName!, FIELD_TYPES[a.AttributeType!]]),
    ),
    primaryIndex: primary,
    globalIndexes: Object.fromEntries(
      (def.GlobalSecondaryIndexes ?? []).map((g) => {
        const type = g.Projection?.ProjectionType;
        const projection =
          type === "ALL"
            ? ("all" as const)
            : type === "KEYS_ONLY"
              ? ("keys_only" as const)
              : g.Projection?.NonKeyAttributes;
        if (!projection) throw new Error(`index ${g.IndexName}: projection ${type} without attributes`);
        return [
          g.IndexName!,
          { partitionKey: keyOf(g.KeySchema, "HASH")!, sortKey: keyOf(g.KeySchema, "RANGE"), projection },
        ];
      }),
    ),
    timeToLiveAttribute: TTL_ATTRIBUTE,
  };
}

export function Storage({ stack }: StackContext) {
  // SST's Table already bills on demand with point-in-time recovery; said here so it stays so.
  const table = new Table(stack, "Table", {
    ...tablePropsFromDefinition(),
    cdk: { table: { pointInTimeRecovery: true } },
  });
  // Hosted thumbnails (issue 12): private, TLS only, never public; readers get them through the
  // API's GET /media/{key}, on the archive's origin. Retained like the table: sent issues show them.
  const media = new Bucket(stack, "Media", {
    blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
    enforceSSL: true,
    encryption: BucketEncryption.S3_MANAGED,
    objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
    removalPolicy: RemovalPolicy.RETAIN,
  });
  NagSuppressions.addResourceSuppressions(media, [
    {
      id: "AwsSolutions-S1",
      reason:
        "Private thumbnails, written only by the unfurl worker and read only through the API, whose access log records each request; server access logs would need a second bucket.",
    },
  ]);
  const ops = operationSettings();
  // Shared like the table: every stack's alarms publish to it, and every failure ends in the queue.
  const operator = operatorTopic(stack, ops);
  const deadLetters = deadLetterQueue(stack, operator);
  finishStack(stack, ops);
  return { table, media, operatorTopic: operator, deadLetters };
}

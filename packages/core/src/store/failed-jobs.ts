/**
 * Dead letters: background jobs that failed on their last attempt, kept in the table so the editor
 * sees failures from both runtimes in one place (the local job runner and the SQS consumers write
 * here). One partition, newest first by sort key; each record carries the table's TTL attribute
 * (AWS deletes it after the SQS dead-letter queue's retention). dynalite has no TTL, so every
 * read skips expired records too.
 *
 * The retry policy both runtimes share lives here as well: how many attempts, and which errors a
 * retry cannot fix.
 */
import { randomBytes } from "node:crypto";
import { DeleteCommand, GetCommand, PutCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { DomainError, isConditionalCheckFailed } from "../errors.js";
import type { JobKind } from "../model/index.js";
import type { Db } from "./client.js";
import { keys, stripKeys } from "./keys.js";
import { TTL_ATTRIBUTE } from "./table.js";

/** Attempts in all before a job is a dead letter: the local runner's limit and the queues' `maxReceiveCount`. */
export const JOB_MAX_ATTEMPTS = 3;
/** How long a dead letter is kept: the SQS dead-letter queue's retention too. */
export const FAILED_JOB_RETENTION_DAYS = 14;

/**
 * An error a retry cannot fix (a source deleted meanwhile, an issue already sent, a bad
 * request): the job is dropped, not retried. Throttling and upstream faults are retried
 * (`DomainError.retryable`).
 */
export const isPermanentJobError = (e: unknown): e is DomainError => e instanceof DomainError && !e.retryable;

/** Every job kind, spelled out once so a new kind fails to compile until it is listed. */
const KINDS: Record<JobKind, true> = { poll: true, unfurl: true, send: true, confirm: true };
export const JOB_KINDS = Object.keys(KINDS) as JobKind[];

export interface FailedJob {
  id: string;
  kind: JobKind;
  /** The job's payload; on AWS a message body that is not JSON is kept as its text. */
  payload: unknown;
  /** The last attempt's error, as text. */
  error: string;
  attempts: number;
  /** When the first attempt failed (on AWS: when the message was first received). */
  firstFailedAt?: string;
  failedAt: string;
}

export type NewFailedJob = Omit<FailedJob, "id" | "failedAt">;

const MAX_ERROR_CHARS = 4000;
const DEFAULT_LIST_LIMIT = 100;

/** An error as the text a dead letter keeps (bounded: a record must stay well under 400 KB). */
export function jobErrorText(e: unknown): string {
  const text = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  return text.length > MAX_ERROR_CHARS ? `${text.slice(0, MAX_ERROR_CHARS)}…` : text;
}

/*
 * The id carries the failure time (`<epoch ms>-<random>`), so `get` and `remove` rebuild the sort
 * key (`<failedAt ISO>#<id>`) and stay single-item operations.
 */
const ID = /^(\d{1,15})-[0-9a-f]{16}$/;

function keyOf(id: string) {
  const m = ID.exec(id);
  if (!m) return undefined;
  const ms = Number(m[1]);
  return keys.failedJob(new Date(ms).toISOString(), id);
}

const nowSeconds = (now: Date) => Math.floor(now.getTime() / 1000);

/** The stored item: keys, the record, and its expiry, which follows from its failure time. */
const itemOf = (job: FailedJob) => ({
  ...keys.failedJob(job.failedAt, job.id),
  ...job,
  [TTL_ATTRIBUTE]: Math.floor(Date.parse(job.failedAt) / 1000) + FAILED_JOB_RETENTION_DAYS * 86_400,
});

function toFailedJob(rec: Record<string, unknown>): FailedJob {
  const { [TTL_ATTRIBUTE]: _expires, ...rest } = stripKeys<Record<string, unknown>>(rec);
  return rest as unknown as FailedJob;
}

export function failedJobsRepo(db: Db) {
  return {
    /** Keeps a dead letter, failed at `now`; it expires FAILED_JOB_RETENTION_DAYS later. */
    async add(job: NewFailedJob, now: Date): Promise<FailedJob> {
      const failedAt = now.toISOString();
      const id = `${now.getTime()}-${randomBytes(8).toString("hex")}`;
      const record: FailedJob = { id, ...job, failedAt };
      await db.doc.send(new PutCommand({ TableName: db.table, Item: itemOf(record) }));
      return record;
    },

    /** The newest dead letters (at most `limit`), expired ones left out. */
    async list(now: Date, limit = DEFAULT_LIST_LIMIT): Promise<FailedJob[]> {
      // Every record lives equally long, so the expired ones are the oldest: a page read newest
      // first holds all the live ones before any expired one.
      const r = await db.doc.send(
        new QueryCommand({
          TableName: db.table,
          KeyConditionExpression: "pk = :pk",
          FilterExpression: "#e > :now",
          ExpressionAttributeNames: { "#e": TTL_ATTRIBUTE },
          ExpressionAttributeValues: { ":pk": keys.failedJobsPartition, ":now": nowSeconds(now) },
          ScanIndexForward: false,
          Limit: limit,
        }),
      );
      return (r.Items ?? []).map(toFailedJob);
    },

    async get(id: string, now: Date): Promise<FailedJob | undefined> {
      const key = keyOf(id);
      if (!key) return undefined;
      const r = await db.doc.send(new GetCommand({ TableName: db.table, Key: key, ConsistentRead: true }));
      if (!r.Item || Number(r.Item[TTL_ATTRIBUTE]) <= nowSeconds(now)) return undefined;
      return toFailedJob(r.Item);
    },

    /** Deletes a dead letter and returns it; undefined when it is unknown, expired or already removed. */
    async remove(id: string, now: Date): Promise<FailedJob | undefined> {
      const key = keyOf(id);
      if (!key) return undefined;
      try {
        const r = await db.doc.send(
          new DeleteCommand({
            TableName: db.table,
            Key: key,
            ConditionExpression: "attribute_exists(pk) AND #e > :now",
            ExpressionAttributeNames: { "#e": TTL_ATTRIBUTE },
            ExpressionAttributeValues: { ":now": nowSeconds(now) },
            ReturnValues: "ALL_OLD",
          }),
        );
        return r.Attributes ? toFailedJob(r.Attributes) : undefined;
      } catch (e) {
        if (isConditionalCheckFailed(e)) return undefined;
        throw e;
      }
    },

    /** Puts back a dead letter taken by `remove` (a retry that could not be enqueued), as it was. */
    async restore(job: FailedJob): Promise<void> {
      await db.doc.send(new PutCommand({ TableName: db.table, Item: itemOf(job) }));
    },
  };
}

export type FailedJobsRepo = ReturnType<typeof failedJobsRepo>;

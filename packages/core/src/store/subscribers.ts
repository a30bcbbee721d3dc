/**
 * Subscribers in the table: `SUB#<emailhash>` / `SUB`, listed by status through gsi1
 * (`SUBS#<status>` / `<createdAt>#<id>`). Every status change is one conditional update that
 * names the statuses it may leave and moves the gsi1 partition key with it, so two racing changes
 * cannot both win; listings still check each index entry against its record (store/confirm.ts).
 */
import { DeleteCommand, GetCommand, QueryCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { isConditionalCheckFailed } from "../errors.js";
import type { Subscriber, SubscriberStatus } from "../model/index.js";
import { batchGetAll, batchPutAll } from "./batch.js";
import type { Db } from "./client.js";
import { confirmEntries } from "./confirm.js";
import { decodeCursor, encodeCursor } from "./cursor.js";
import { keys, stripKeys } from "./keys.js";
import { putIfAbsent } from "./put-if-absent.js";
import { countQuery, queryPage } from "./query.js";
import { buildUpdate } from "./update.js";
import { newWriteToken, WRITE_TOKEN, withoutWriteToken } from "./write-token.js";

export const SUBSCRIBER_STATUSES: readonly SubscriberStatus[] = [
  "pending",
  "active",
  "unsubscribed",
  "suppressed",
];

const SUBSCRIBER_DEFAULTS = {
  confirmedAt: null,
  unsubscribedAt: null,
  suppressedAt: null,
  suppressedReason: null,
};

export function subscriberRecord(sub: Subscriber): Record<string, unknown> {
  return { ...keys.subscriber(sub.id), ...keys.subscriberIndex(sub.status, sub.createdAt, sub.id), ...sub };
}

export const toSubscriber = (rec: Record<string, unknown>): Subscriber =>
  ({ ...SUBSCRIBER_DEFAULTS, ...withoutWriteToken(stripKeys<Subscriber>(rec)) }) as Subscriber;

const gsi1KeyOf = (r: Record<string, unknown>) => ({
  pk: r.pk,
  sk: r.sk,
  gsi1pk: r.gsi1pk,
  gsi1sk: r.gsi1sk,
});

/** What a status change writes besides the status: the dates and reasons it sets or clears. */
export type SubscriberChange = Partial<Omit<Subscriber, "id" | "email" | "createdAt">> & {
  status: SubscriberStatus;
};

export function subscribersRepo(db: Db, cursorSecret: string) {
  return {
    async get(id: string): Promise<Subscriber | undefined> {
      const r = await db.doc.send(new GetCommand({ TableName: db.table, Key: keys.subscriber(id) }));
      return r.Item ? toSubscriber(r.Item) : undefined;
    },

    /** The stored subscribers among `ids` (batched reads); unknown ids are absent from the map. */
    async getMany(ids: string[]): Promise<Map<string, Subscriber>> {
      const recs = await batchGetAll(db, [...new Set(ids)].map(keys.subscriber));
      return new Map(recs.map((r) => [r.id as string, toSubscriber(r)]));
    },

    /**
     * Stores a new subscriber; false (and no write) when one with the same id exists. A retry
     * of this call after a lost answer counts as made (write-token.ts).
     */
    createIfAbsent(sub: Subscriber): Promise<boolean> {
      return putIfAbsent(db, subscriberRecord(sub), newWriteToken());
    },

    /**
     * Stores subscribers in batches, unconditionally (BatchWriteItem cannot carry conditions):
     * for imports, after `getMany` showed the ids free.
     */
    async putMany(subs: Subscriber[]): Promise<void> {
      await batchPutAll(db, subs.map(subscriberRecord));
    },

    /**
     * Changes a subscriber's status if it is currently one of `from`; returns the updated
     * subscriber, or undefined when it is gone or in another status (nothing written).
     */
    async transition(
      id: string,
      from: readonly SubscriberStatus[],
      change: SubscriberChange,
    ): Promise<Subscriber | undefined> {
      const token = newWriteToken();
      const u = buildUpdate({
        ...change,
        gsi1pk: keys.subscribersByStatus(change.status).pk,
        [WRITE_TOKEN]: token,
      });
      const allowed = Object.fromEntries(from.map((s, i) => [`:from${i}`, s]));
      try {
        const r = await db.doc.send(
          new UpdateCommand({
            TableName: db.table,
            Key: keys.subscriber(id),
            ...u,
            // Or this very change, sent again after its answer was lost (write-token.ts).
            ConditionExpression: `attribute_exists(pk) AND (#st IN (${Object.keys(allowed).join(", ")}) OR (#st = :to AND #tok = :tok))`,
            ExpressionAttributeNames: { ...u.ExpressionAttributeNames, "#st": "status", "#tok": WRITE_TOKEN },
            ExpressionAttributeValues: {
              ...u.ExpressionAttributeValues,
              ...allowed,
              ":to": change.status,
              ":tok": token,
            },
            ReturnValues: "ALL_NEW",
          }),
        );
        return toSubscriber(r.Attributes ?? {});
      } catch (e) {
        if (isConditionalCheckFailed(e)) return undefined;
        throw e;
      }
    },

    /** Deletes a subscriber unless its status is in `keep`; returns what was deleted. */
    async remove(id: string, keep: readonly SubscriberStatus[] = []): Promise<Subscriber | undefined> {
      const kept = Object.fromEntries(keep.map((s, i) => [`:keep${i}`, s]));
      try {
        const r = await db.doc.send(
          new DeleteCommand({
            TableName: db.table,
            Key: keys.subscriber(id),
            ConditionExpression: keep.length
              ? `attribute_exists(pk) AND NOT (#st IN (${Object.keys(kept).join(", ")}))`
              : "attribute_exists(pk)",
            ...(keep.length
              ? { ExpressionAttributeNames: { "#st": "status" }, ExpressionAttributeValues: kept }
              : {}),
            ReturnValues: "ALL_OLD",
          }),
        );
        return r.Attributes ? toSubscriber(r.Attributes) : undefined;
      } catch (e) {
        if (isConditionalCheckFailed(e)) return undefined;
        throw e;
      }
    },

    /**
     * One page of the subscribers in a status, newest first (a Query on gsi1), each confirmed by
     * its record (store/confirm.ts: one BatchGetItem per 100 entries): a page may come back short.
     * `q` (lower case: addresses are stored lower-cased) keeps the addresses that contain it: a
     * FilterExpression on the partition, so a page reads at most `maxReads` requests (default 10)
     * and may hold fewer matches than `limit` while `nextCursor` continues the search.
     */
    async list(q: {
      status: SubscriberStatus;
      limit: number;
      cursor?: string | null;
      q?: string;
      maxReads?: number;
    }) {
      const part = keys.subscribersByStatus(q.status);
      const scope = q.q ? `${part.index}:${part.pk}:q=${q.q}` : `${part.index}:${part.pk}`;
      const page = await queryPage(
        db,
        {
          IndexName: part.index,
          KeyConditionExpression: `${part.index}pk = :p`,
          ...(q.q
            ? {
                FilterExpression: "contains(#email, :q)",
                ExpressionAttributeNames: { "#email": "email" },
                ExpressionAttributeValues: { ":p": part.pk, ":q": q.q },
              }
            : { ExpressionAttributeValues: { ":p": part.pk } }),
        },
        {
          limit: q.limit,
          start: decodeCursor(cursorSecret, scope, q.cursor),
          keyOf: gsi1KeyOf,
          maxReads: q.maxReads,
        },
      );
      const records = await confirmEntries(db, part.index, page.items);
      return {
        subscribers: records.map(toSubscriber).filter((s) => !q.q || s.email.includes(q.q)),
        nextCursor: encodeCursor(cursorSecret, scope, page.lastKey),
      };
    },

    /**
     * How many subscribers are in each status: one `Select: COUNT` Query per status partition of
     * gsi1 (never a Scan). DynamoDB reads every entry to count it (~0.5 KB each, 1 MB per request,
     * 0.5 read unit per 4 KB): 10,000 active subscribers are ~5 MB, 5 requests, ~600 read units.
     * Index entries are not confirmed against their records (listings are): a count may be off by
     * an entry that lags its record for a moment.
     */
    async counts(): Promise<Record<SubscriberStatus, number>> {
      const counts = await Promise.all(
        SUBSCRIBER_STATUSES.map(async (status) => {
          const part = keys.subscribersByStatus(status);
          const n = await countQuery(db, {
            IndexName: part.index,
            KeyConditionExpression: "#pk = :p",
            ExpressionAttributeNames: { "#pk": `${part.index}pk` },
            ExpressionAttributeValues: { ":p": part.pk },
          });
          return [status, n] as const;
        }),
      );
      return Object.fromEntries(counts) as Record<SubscriberStatus, number>;
    },

    /**
     * Every subscriber in a status, oldest first, a page (up to `pageSize`) at a time: for the
     * export and the sender, without holding the whole list in memory. Confirmed by their
     * records as `list` is, so nobody is mailed or exported on the word of a stale index entry.
     */
    async *pages(status: SubscriberStatus, pageSize = 500): AsyncGenerator<Subscriber[]> {
      const part = keys.subscribersByStatus(status);
      let start: Record<string, unknown> | undefined;
      do {
        const r = await db.doc.send(
          new QueryCommand({
            TableName: db.table,
            IndexName: part.index,
            KeyConditionExpression: `${part.index}pk = :p`,
            ExpressionAttributeValues: { ":p": part.pk },
            Limit: pageSize,
            ExclusiveStartKey: start,
          }),
        );
        const records = await confirmEntries(db, part.index, (r.Items ?? []) as Record<string, unknown>[]);
        if (records.length) yield records.map(toSubscriber);
        start = r.LastEvaluatedKey;
      } while (start);
    },
  };
}

export type SubscribersRepo = ReturnType<typeof subscribersRepo>;

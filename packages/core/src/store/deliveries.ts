/**
 * The bookkeeping of sending an issue, in the issue's own partition (DESIGN.md "Data"):
 *
 * - one delivery record per recipient (`ISSUE#<n>` / `DELIVERY#<subscriberId>`), created by a
 *   conditional put *before* SES is called (the claim), so no two runs can mail one person;
 * - the send job record (`ISSUE#<n>` / `SENDJOB`): a lease (owner + time) that lets one runner
 *   at a time work on the issue, and the number of recipients it means to reach (`total`).
 *
 * Settling a claim (sent / failed) is an unconditional put, batched 25 at a time: only the runner
 * that claimed a record settles it, and what it writes is what happened to that message, even when
 * a runner that took over meanwhile marked the claim ambiguous.
 *
 * Every conditional write here also holds when it finds its own result already in place: the SDK
 * tries a request again when its answer is lost (a reset, a timeout, a 500), and DynamoDB may have
 * done the first try. A claim that then failed its condition against itself was counted as
 * someone else's: the recipient stayed claimed by a run that never sent, and the issue was marked
 * sent with them pending; a release that failed against itself left them unclaimed and unmailed.
 */
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { isConditionalCheckFailed } from "../errors.js";
import type { Delivery, DeliveryCounts, SendProblem } from "../model/index.js";
import { batchPutAll } from "./batch.js";
import type { Db } from "./client.js";
import { conditionally } from "./conditional.js";
import { keys, stripKeys } from "./keys.js";
import { queryAll } from "./query.js";

/** A delivery as stored: the API shape plus the runner that claimed it. */
export interface DeliveryRecord extends Delivery {
  /** Id of the runner (one `runSend` call) that claimed it. */
  runner: string;
}

/** Delivery counts with the claims nobody can settle any more (a runner died between claim and settle). */
export type SendCounts = DeliveryCounts;

export interface Lease {
  owner: string | null;
  /** Epoch ms; the lease is free once this has passed. */
  leaseUntil: number;
  /** Recipients the current run means to reach (claimed before it, plus the ones it will claim). */
  total?: number;
  /** The last run that failed, until a run gets through. */
  lastError?: SendProblem;
}

export type LeaseResult = { acquired: true; leaseUntil: number } | { acquired: false; lease: Lease };

const recordOf = (d: DeliveryRecord) => ({ ...keys.delivery(d.issueNumber, d.subscriberId), ...d });

export function countDeliveries(records: readonly Pick<Delivery, "status">[], planned = 0): SendCounts {
  const c: SendCounts = { total: 0, sent: 0, failed: 0, pending: 0, ambiguous: 0 };
  for (const r of records) {
    if (r.status === "sent") c.sent++;
    else if (r.status === "failed") c.failed++;
    else if (r.status === "ambiguous") c.ambiguous++;
  }
  c.total = Math.max(records.length, planned);
  c.pending = c.total - c.sent - c.failed - c.ambiguous;
  return c;
}

export function deliveriesRepo(db: Db) {
  const jobKey = keys.sendJob;

  /** Every delivery of an issue: one Query of its partition (strongly consistent). */
  async function list(issueNumber: number): Promise<DeliveryRecord[]> {
    const p = keys.deliveryPrefix(issueNumber);
    const rows = await queryAll(db, {
      KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
      ExpressionAttributeValues: { ":pk": p.pk, ":prefix": p.skPrefix },
      ConsistentRead: true,
    });
    return rows.map((r) => stripKeys<DeliveryRecord>(r));
  }

  async function getLease(issueNumber: number): Promise<Lease | undefined> {
    const r = await db.doc.send(
      new GetCommand({ TableName: db.table, Key: jobKey(issueNumber), ConsistentRead: true }),
    );
    if (!r.Item) return undefined;
    const problem = r.Item.lastError as SendProblem | undefined;
    return {
      owner: typeof r.Item.owner === "string" ? r.Item.owner : null,
      leaseUntil: Number(r.Item.leaseUntil ?? 0),
      ...(typeof r.Item.total === "number" ? { total: r.Item.total } : {}),
      ...(problem && typeof problem.message === "string" ? { lastError: problem } : {}),
    };
  }

  /** The counts and the last failed run, from one read of the deliveries and one of the job record. */
  async function progress(
    issueNumber: number,
  ): Promise<{ counts: SendCounts; lastError: SendProblem | null }> {
    const [records, lease] = await Promise.all([list(issueNumber), getLease(issueNumber)]);
    return { counts: countDeliveries(records, lease?.total ?? 0), lastError: lease?.lastError ?? null };
  }

  return {
    list,
    getLease,

    /**
     * The claim: stores the record unless one exists for this recipient, other than this runner's
     * own unsettled claim (the same claim tried again). False: someone has it.
     */
    async claim(d: DeliveryRecord): Promise<boolean> {
      return conditionally(
        db.doc.send(
          new PutCommand({
            TableName: db.table,
            Item: recordOf(d),
            ConditionExpression: "attribute_not_exists(pk) OR (#r = :r AND #st = :claimed)",
            ExpressionAttributeNames: { "#r": "runner", "#st": "status" },
            ExpressionAttributeValues: { ":r": d.runner, ":claimed": "claimed" },
          }),
        ),
      );
    },

    /** Writes settled records (sent / failed / ambiguous with what is known), 25 per request. */
    async settle(records: DeliveryRecord[]): Promise<void> {
      await batchPutAll(db, records.map(recordOf));
    },

    /**
     * Gives a claim back when SES certainly did not take the message, so a later run claims the
     * recipient again: a first claim is deleted, a resend claim goes back to "resend". Only the
     * claimer's own, still unsettled claim; true also when it is released already (tried again).
     */
    async release(d: Pick<DeliveryRecord, "issueNumber" | "subscriberId" | "resentAt">, runner: string) {
      const Key = keys.delivery(d.issueNumber, d.subscriberId);
      const names = { "#r": "runner", "#st": "status" };
      return conditionally(
        d.resentAt
          ? db.doc.send(
              new UpdateCommand({
                TableName: db.table,
                Key,
                UpdateExpression: "SET #st = :resend",
                ConditionExpression: "#r = :r AND (#st = :claimed OR #st = :resend)",
                ExpressionAttributeNames: names,
                ExpressionAttributeValues: { ":r": runner, ":claimed": "claimed", ":resend": "resend" },
              }),
            )
          : db.doc.send(
              new DeleteCommand({
                TableName: db.table,
                Key,
                ConditionExpression: "attribute_not_exists(pk) OR (#r = :r AND #st = :claimed)",
                ExpressionAttributeNames: names,
                ExpressionAttributeValues: { ":r": runner, ":claimed": "claimed" },
              }),
            ),
      );
    },

    /**
     * The claim of a delivery the editor asked to send again: "resend" → "claimed" by this runner,
     * conditionally, so two runs never both take it (this runner's own claim holds: tried again).
     * False: someone has it.
     */
    async claimResend(d: DeliveryRecord): Promise<boolean> {
      return conditionally(
        db.doc.send(
          new UpdateCommand({
            TableName: db.table,
            Key: keys.delivery(d.issueNumber, d.subscriberId),
            UpdateExpression: "SET #st = :claimed, #r = :r, #c = :c, #err = :null",
            ConditionExpression: "#st = :resend OR (#r = :r AND #st = :claimed)",
            ExpressionAttributeNames: { "#st": "status", "#r": "runner", "#c": "claimedAt", "#err": "error" },
            ExpressionAttributeValues: {
              ":claimed": "claimed",
              ":r": d.runner,
              ":c": d.claimedAt,
              ":resend": "resend",
              ":null": null,
            },
          }),
        ),
      );
    },

    /**
     * The editor's "send them again": every ambiguous delivery of the issue becomes "resend"
     * (conditionally: a late settle by its runner wins). Returns the records changed.
     */
    async markAmbiguousForResend(issueNumber: number, at: string): Promise<DeliveryRecord[]> {
      const changed: DeliveryRecord[] = [];
      for (const d of await list(issueNumber)) {
        if (d.status !== "ambiguous") continue;
        try {
          await db.doc.send(
            new UpdateCommand({
              TableName: db.table,
              Key: keys.delivery(issueNumber, d.subscriberId),
              UpdateExpression: "SET #st = :resend, #at = :at",
              ConditionExpression: "#st = :amb",
              ExpressionAttributeNames: { "#st": "status", "#at": "resentAt" },
              ExpressionAttributeValues: { ":resend": "resend", ":amb": "ambiguous", ":at": at },
            }),
          );
          changed.push({ ...d, status: "resend", resentAt: at });
        } catch (e) {
          if (!isConditionalCheckFailed(e)) throw e;
        }
      }
      return changed;
    },

    /** Records (or, with null, clears) the last failed run on the send job record. */
    async setRunError(issueNumber: number, problem: SendProblem | null): Promise<void> {
      try {
        await db.doc.send(
          new UpdateCommand({
            TableName: db.table,
            Key: jobKey(issueNumber),
            ExpressionAttributeNames: { "#e": "lastError" },
            ...(problem
              ? { UpdateExpression: "SET #e = :e", ExpressionAttributeValues: { ":e": problem } }
              : { UpdateExpression: "REMOVE #e", ConditionExpression: "attribute_exists(#e)" }),
          }),
        );
      } catch (e) {
        if (!isConditionalCheckFailed(e)) throw e; // nothing to clear
      }
    },

    /**
     * Marks a claim of a runner that is gone as ambiguous: SES may or may not have taken its
     * message, so nobody sends it again. Conditional on the claim still being that runner's and
     * unsettled (or marked already: tried again), so a late settle by that runner is never
     * overwritten.
     */
    async markAmbiguous(
      d: Pick<DeliveryRecord, "issueNumber" | "subscriberId" | "runner">,
      error: string,
    ): Promise<boolean> {
      return conditionally(
        db.doc.send(
          new UpdateCommand({
            TableName: db.table,
            Key: keys.delivery(d.issueNumber, d.subscriberId),
            UpdateExpression: "SET #st = :amb, #err = :err",
            ConditionExpression: "#r = :r AND (#st = :claimed OR #st = :amb)",
            ExpressionAttributeNames: { "#st": "status", "#err": "error", "#r": "runner" },
            ExpressionAttributeValues: {
              ":amb": "ambiguous",
              ":err": error,
              ":r": d.runner,
              ":claimed": "claimed",
            },
          }),
        ),
      );
    },

    /** Counts of an issue's deliveries; recipients not claimed yet (the job's `total`) are pending. */
    async counts(issueNumber: number): Promise<SendCounts> {
      return (await progress(issueNumber)).counts;
    },

    progress,

    /** Takes the lease if it is free, expired (`leaseUntil < nowMs`) or already ours. */
    async acquireLease(
      issueNumber: number,
      owner: string,
      nowMs: number,
      leaseMs: number,
    ): Promise<LeaseResult> {
      const leaseUntil = nowMs + leaseMs;
      try {
        await db.doc.send(
          new UpdateCommand({
            TableName: db.table,
            Key: jobKey(issueNumber),
            UpdateExpression: "SET #o = :o, #u = :u, #a = :now",
            ConditionExpression: "attribute_not_exists(#o) OR #u < :now OR #o = :o",
            ExpressionAttributeNames: { "#o": "owner", "#u": "leaseUntil", "#a": "acquiredAt" },
            ExpressionAttributeValues: { ":o": owner, ":u": leaseUntil, ":now": nowMs },
          }),
        );
        return { acquired: true, leaseUntil };
      } catch (e) {
        if (!isConditionalCheckFailed(e)) throw e;
        const lease = await getLease(issueNumber);
        return { acquired: false, lease: lease ?? { owner: null, leaseUntil: 0 } };
      }
    },

    /** Extends our lease (and records the planned total); false when it is no longer ours. */
    async renewLease(
      issueNumber: number,
      owner: string,
      leaseUntil: number,
      total?: number,
    ): Promise<boolean> {
      return conditionally(
        db.doc.send(
          new UpdateCommand({
            TableName: db.table,
            Key: jobKey(issueNumber),
            UpdateExpression: total === undefined ? "SET #u = :u" : "SET #u = :u, #t = :t",
            ConditionExpression: "#o = :o",
            ExpressionAttributeNames: {
              "#u": "leaseUntil",
              "#o": "owner",
              ...(total === undefined ? {} : { "#t": "total" }),
            },
            ExpressionAttributeValues: {
              ":u": leaseUntil,
              ":o": owner,
              ...(total === undefined ? {} : { ":t": total }),
            },
          }),
        ),
      );
    },

    /** Frees our lease at once (the next runner need not wait for it to expire), recording `total`. */
    async releaseLease(issueNumber: number, owner: string, total?: number): Promise<void> {
      const withTotal = total !== undefined;
      try {
        await db.doc.send(
          new UpdateCommand({
            TableName: db.table,
            Key: jobKey(issueNumber),
            UpdateExpression: `SET #u = :zero${withTotal ? ", #t = :t" : ""} REMOVE #o`,
            ConditionExpression: "#o = :o",
            ExpressionAttributeNames: {
              "#u": "leaseUntil",
              "#o": "owner",
              ...(withTotal ? { "#t": "total" } : {}),
            },
            ExpressionAttributeValues: { ":zero": 0, ":o": owner, ...(withTotal ? { ":t": total } : {}) },
          }),
        );
      } catch (e) {
        if (!isConditionalCheckFailed(e)) throw e;
      }
    },
  };
}

export type DeliveriesRepo = ReturnType<typeof deliveriesRepo>;

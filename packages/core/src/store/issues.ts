import { DeleteCommand, GetCommand, TransactWriteCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { ConflictError, isConditionalCheckFailed, NotFoundError } from "../errors.js";
import type {
  DeliveryCounts,
  Issue,
  IssueCard,
  IssueSection,
  IssueStatus,
  SendPause,
} from "../model/index.js";
import type { Db } from "./client.js";
import { conditionally } from "./conditional.js";
import { confirmEntries } from "./confirm.js";
import { keys, stripKeys } from "./keys.js";
import { putIfAbsent } from "./put-if-absent.js";
import { queryAll } from "./query.js";
import { newWriteToken, WRITE_TOKEN, withoutWriteToken } from "./write-token.js";

/**
 * The cards of an issue frozen when it goes out (issues/snapshot.ts): later edits of its items
 * or their sources never change a sent issue.
 */
export interface IssueSnapshot {
  takenAt: string;
  items: IssueCard[];
}

/** An issue as stored: the API shape (without live delivery counts) plus its snapshot. */
export interface IssueRecord extends Omit<Issue, "delivery"> {
  snapshot?: IssueSnapshot;
  /** Final delivery counts, kept once an issue is sent (only a resend changes them). */
  delivery?: DeliveryCounts;
  /** Why the send is paused (status "paused"); null once resumed. */
  pause?: SendPause | null;
}

export type DraftFields = Pick<IssueRecord, "title" | "subject" | "intro" | "sections">;

const ZERO: DeliveryCounts = { total: 0, sent: 0, failed: 0, pending: 0, ambiguous: 0 };
/** Numbers tried by one `createNext` before it gives up: each try lost to a concurrent draft. */
const NUMBER_TRIES = 20;

/** The fields a listing needs: everything but the snapshot, which can be large. */
const LIST_FIELDS = [
  "id",
  "number",
  "title",
  "subject",
  "intro",
  "status",
  "sections",
  "createdAt",
  "updatedAt",
  "sentAt",
  "delivery",
  "pause",
];
const projection = (fields: readonly string[]) => ({
  ProjectionExpression: fields.map((_, i) => `#p${i}`).join(", "),
  ExpressionAttributeNames: Object.fromEntries(fields.map((f, i) => [`#p${i}`, f])),
});

const fromItem = (rec: Record<string, unknown>): IssueRecord => {
  const out = withoutWriteToken(stripKeys<IssueRecord & { sections?: IssueSection[] }>(rec));
  out.sections ??= [];
  out.sentAt ??= null;
  return out;
};

export function issuesRepo(db: Db) {
  async function mustGet(n: number): Promise<IssueRecord> {
    const r = await db.doc.send(
      new GetCommand({ TableName: db.table, Key: keys.issue(n), ConsistentRead: true }),
    );
    if (!r.Item) throw new NotFoundError("issue", String(n));
    return fromItem(r.Item);
  }

  /** After a failed conditional update: 404 when the issue is gone, else 409 naming its status. */
  async function conflict(n: number, expected: string): Promise<never> {
    const rec = await mustGet(n);
    throw new ConflictError(`issue ${n} is ${rec.status}, not ${expected}`);
  }

  /**
   * One index partition, newest first, without snapshots (they can be large), each entry
   * confirmed by its record (store/confirm.ts).
   */
  const listPartition = async (part: { index: "gsi1" | "gsi2"; pk: string }): Promise<IssueRecord[]> => {
    const fields = [...LIST_FIELDS, "pk", "sk", `${part.index}pk`, `${part.index}sk`];
    const p = projection(fields);
    const entries = await queryAll(db, {
      IndexName: part.index,
      KeyConditionExpression: "#pk = :p",
      ExpressionAttributeNames: { ...p.ExpressionAttributeNames, "#pk": `${part.index}pk` },
      ExpressionAttributeValues: { ":p": part.pk },
      ProjectionExpression: p.ProjectionExpression,
      ScanIndexForward: false,
    });
    return (await confirmEntries(db, part.index, entries, LIST_FIELDS)).map(fromItem);
  };

  return {
    /**
     * Stores a new issue, `build(n)`, under the next number: the counter's step and the issue go in
     * one transaction, conditional on the counter as read, so concurrent drafts never share a
     * number and a number is never taken without its issue (a retried counter step used to skip
     * one). A number found taken meanwhile is skipped; a transaction whose answer was lost is
     * recognised by its token. 409 after NUMBER_TRIES numbers lost to concurrent drafts.
     */
    async createNext(build: (n: number) => IssueRecord): Promise<IssueRecord> {
      const token = newWriteToken();
      let taken = 0;
      for (let i = 0; i < NUMBER_TRIES; i++) {
        const counter = await db.doc.send(
          new GetCommand({ TableName: db.table, Key: keys.counter("issue"), ConsistentRead: true }),
        );
        const current = Number(counter.Item?.value ?? 0);
        const n = Math.max(current, taken) + 1;
        const rec = build(n);
        try {
          await db.doc.send(
            new TransactWriteCommand({
              TransactItems: [
                {
                  Update: {
                    TableName: db.table,
                    Key: keys.counter("issue"),
                    UpdateExpression: "SET #v = :n",
                    ConditionExpression: current === 0 ? "attribute_not_exists(#v) OR #v = :c" : "#v = :c",
                    ExpressionAttributeNames: { "#v": "value" },
                    ExpressionAttributeValues: { ":n": n, ":c": current },
                  },
                },
                {
                  Put: {
                    TableName: db.table,
                    Item: {
                      ...keys.issue(n),
                      ...keys.issueIndexes(n, rec.status),
                      ...rec,
                      [WRITE_TOKEN]: token,
                    },
                    ConditionExpression: "attribute_not_exists(pk)",
                  },
                },
              ],
            }),
          );
          return rec;
        } catch (e) {
          if ((e as { name?: string } | null)?.name !== "TransactionCanceledException") throw e;
          const stored = await db.doc.send(
            new GetCommand({ TableName: db.table, Key: keys.issue(n), ConsistentRead: true }),
          );
          if (stored.Item?.[WRITE_TOKEN] === token) return rec;
          // Taken by a concurrent draft, or by an issue stored without the counter: a later one.
          if (stored.Item) taken = n;
        }
      }
      throw new ConflictError("other drafts took every issue number tried: try again");
    },

    /** Stores an issue under its own number (imports, tests); 409 when the number is taken. */
    async create(rec: IssueRecord): Promise<IssueRecord> {
      const item = { ...keys.issue(rec.number), ...keys.issueIndexes(rec.number, rec.status), ...rec };
      if (!(await putIfAbsent(db, item, newWriteToken())))
        throw new ConflictError(`issue ${rec.number} already exists`);
      return rec;
    },

    async get(n: number): Promise<IssueRecord | undefined> {
      const r = await db.doc.send(
        new GetCommand({ TableName: db.table, Key: keys.issue(n), ConsistentRead: true }),
      );
      return r.Item ? fromItem(r.Item) : undefined;
    },

    mustGet,

    /** Every issue, newest first, without snapshots (a Query on gsi1). */
    list: (): Promise<IssueRecord[]> => listPartition(keys.issuesAll),

    /** Issues of one status, newest first, without snapshots (a Query on gsi2). */
    listByStatus: (status: IssueStatus): Promise<IssueRecord[]> => listPartition(keys.issuesByStatus(status)),

    /** Replaces the editable fields of a draft; 404 when unknown, 409 once it is no longer a draft. */
    async replaceDraft(n: number, fields: DraftFields, updatedAt: string): Promise<IssueRecord> {
      try {
        const r = await db.doc.send(
          new UpdateCommand({
            TableName: db.table,
            Key: keys.issue(n),
            UpdateExpression:
              "SET #title = :title, #subject = :subject, #intro = :intro, #sections = :sections, #u = :u",
            ConditionExpression: "attribute_exists(pk) AND #status = :draft",
            ExpressionAttributeNames: {
              "#title": "title",
              "#subject": "subject",
              "#intro": "intro",
              "#sections": "sections",
              "#u": "updatedAt",
              "#status": "status",
            },
            ExpressionAttributeValues: {
              ":title": fields.title,
              ":subject": fields.subject,
              ":intro": fields.intro,
              ":sections": fields.sections,
              ":u": updatedAt,
              ":draft": "draft",
            },
            ReturnValues: "ALL_NEW",
          }),
        );
        return fromItem(r.Attributes ?? {});
      } catch (e) {
        if (isConditionalCheckFailed(e)) return conflict(n, "draft");
        throw e;
      }
    },

    /**
     * Sets only the named fields of a draft (one UpdateItem whose SET names just those fields), so
     * two edits of different fields made at once both stay. `expect` adds conditions on fields as
     * they were read (a value computed from another field, e.g. a subject defaulting to the title):
     * when one changed meanwhile the write is refused with a 409 saying so. 404 when unknown, 409
     * once it is no longer a draft.
     */
    async patchDraft(
      n: number,
      fields: Partial<DraftFields>,
      updatedAt: string,
      expect: Partial<Pick<DraftFields, "title">> = {},
    ): Promise<IssueRecord> {
      const entries = [...Object.entries(fields), ["updatedAt", updatedAt] as const].filter(
        ([, v]) => v !== undefined,
      );
      const expected = Object.entries(expect).filter(([, v]) => v !== undefined);
      try {
        const r = await db.doc.send(
          new UpdateCommand({
            TableName: db.table,
            Key: keys.issue(n),
            UpdateExpression: `SET ${entries.map((_, i) => `#f${i} = :v${i}`).join(", ")}`,
            ConditionExpression: [
              "attribute_exists(pk) AND #st = :draft",
              ...expected.map((_, i) => `#e${i} = :e${i}`),
            ].join(" AND "),
            ExpressionAttributeNames: {
              ...Object.fromEntries(entries.map(([k], i) => [`#f${i}`, k])),
              ...Object.fromEntries(expected.map(([k], i) => [`#e${i}`, k])),
              "#st": "status",
            },
            ExpressionAttributeValues: {
              ...Object.fromEntries(entries.map(([, v], i) => [`:v${i}`, v])),
              ...Object.fromEntries(expected.map(([, v], i) => [`:e${i}`, v])),
              ":draft": "draft",
            },
            ReturnValues: "ALL_NEW",
          }),
        );
        return fromItem(r.Attributes ?? {});
      } catch (e) {
        if (!isConditionalCheckFailed(e)) throw e;
        const rec = await mustGet(n);
        if (rec.status !== "draft") throw new ConflictError(`issue ${n} is ${rec.status}, not draft`);
        throw new ConflictError(
          `issue ${n} changed while this edit was made (${expected.map(([k]) => k).join(", ")}): reload it and try again`,
        );
      }
    },

    /**
     * Deletes a draft (a conditional delete: a send that started meanwhile wins). 404 when
     * unknown, 409 when it is not a draft. Its items are not touched.
     */
    async removeDraft(n: number): Promise<IssueRecord> {
      try {
        const r = await db.doc.send(
          new DeleteCommand({
            TableName: db.table,
            Key: keys.issue(n),
            ConditionExpression: "attribute_exists(pk) AND #st = :draft",
            ExpressionAttributeNames: { "#st": "status" },
            ExpressionAttributeValues: { ":draft": "draft" },
            ReturnValues: "ALL_OLD",
          }),
        );
        return fromItem(r.Attributes ?? {});
      } catch (e) {
        if (isConditionalCheckFailed(e)) return conflict(n, "draft");
        throw e;
      }
    },

    /**
     * Gives the number of a deleted draft back when it is still the last one handed out (the
     * counter steps back only while it equals `n`: once a newer draft got a number, nothing
     * changes). Numbers below the newest, and so every sent issue's, are never handed out again.
     * True when the number was given back.
     */
    async releaseNumber(n: number): Promise<boolean> {
      return conditionally(
        db.doc.send(
          new UpdateCommand({
            TableName: db.table,
            Key: keys.counter("issue"),
            UpdateExpression: "SET #v = :prev",
            ConditionExpression: "#v = :n",
            ExpressionAttributeNames: { "#v": "value" },
            ExpressionAttributeValues: { ":n": n, ":prev": n - 1 },
          }),
        ),
      );
    },

    /**
     * Moves an issue from one status to the next exactly once (a conditional update; the status
     * index key moves with it). `extra` sets more fields in the same write (e.g. `sentAt`,
     * `delivery`). 404 when unknown, 409 when the issue is not in `from`.
     */
    async transition(
      n: number,
      from: IssueStatus,
      to: IssueStatus,
      extra: Partial<Pick<IssueRecord, "sentAt" | "delivery" | "updatedAt" | "pause">> = {},
    ): Promise<IssueRecord> {
      const idx = keys.issueIndexes(n, to);
      const fields: Record<string, unknown> = {
        status: to,
        gsi2pk: idx.gsi2pk,
        gsi2sk: idx.gsi2sk,
        ...extra,
      };
      // The token lets a retry of this very move pass (write-token.ts); another caller's move
      // from `from` still finds the issue in `to` and gets its 409.
      fields[WRITE_TOKEN] = newWriteToken();
      const entries = Object.entries(fields).filter(([, v]) => v !== undefined);
      try {
        const r = await db.doc.send(
          new UpdateCommand({
            TableName: db.table,
            Key: keys.issue(n),
            UpdateExpression: `SET ${entries.map((_, i) => `#f${i} = :v${i}`).join(", ")}`,
            ConditionExpression: "attribute_exists(pk) AND (#st = :from OR (#st = :to AND #tok = :tok))",
            ExpressionAttributeNames: {
              ...Object.fromEntries(entries.map(([k], i) => [`#f${i}`, k])),
              "#st": "status",
              "#tok": WRITE_TOKEN,
            },
            ExpressionAttributeValues: {
              ...Object.fromEntries(entries.map(([, v], i) => [`:v${i}`, v])),
              ":from": from,
              ":to": to,
              ":tok": fields[WRITE_TOKEN],
            },
            ReturnValues: "ALL_NEW",
          }),
        );
        return fromItem(r.Attributes ?? {});
      } catch (e) {
        if (isConditionalCheckFailed(e)) return conflict(n, from);
        throw e;
      }
    },

    /** Replaces the delivery counts kept on a sent issue (after a resend). False when it is not sent. */
    async setDelivery(n: number, delivery: DeliveryCounts, updatedAt: string): Promise<boolean> {
      return conditionally(
        db.doc.send(
          new UpdateCommand({
            TableName: db.table,
            Key: keys.issue(n),
            UpdateExpression: "SET #d = :d, #u = :u",
            ConditionExpression: "attribute_exists(pk) AND #st = :sent",
            ExpressionAttributeNames: { "#d": "delivery", "#u": "updatedAt", "#st": "status" },
            ExpressionAttributeValues: { ":d": delivery, ":u": updatedAt, ":sent": "sent" },
          }),
        ),
      );
    },

    /**
     * Stores the snapshot of a non-draft issue once: the first snapshot wins, so a retried or
     * restarted send renders exactly what the first attempt rendered. Returns the stored one.
     */
    async saveSnapshot(n: number, snapshot: IssueSnapshot): Promise<IssueSnapshot> {
      try {
        await db.doc.send(
          new UpdateCommand({
            TableName: db.table,
            Key: keys.issue(n),
            UpdateExpression: "SET #snap = :snap",
            ConditionExpression: "attribute_exists(pk) AND #st <> :draft AND attribute_not_exists(#snap)",
            ExpressionAttributeNames: { "#snap": "snapshot", "#st": "status" },
            ExpressionAttributeValues: { ":snap": snapshot, ":draft": "draft" },
          }),
        );
        return snapshot;
      } catch (e) {
        if (!isConditionalCheckFailed(e)) throw e;
        const rec = await mustGet(n);
        if (rec.snapshot) return rec.snapshot;
        throw new ConflictError(`issue ${n} is a draft: it is snapshotted when it starts sending`);
      }
    },
  };
}

export type IssuesRepo = ReturnType<typeof issuesRepo>;
export const ZERO_DELIVERY = ZERO;

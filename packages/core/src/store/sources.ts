import { DeleteCommand, GetCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { ConflictError, isConditionalCheckFailed, NotFoundError } from "../errors.js";
import type { Source, SourcePollState } from "../model/index.js";
import type { Db } from "./client.js";
import { confirmEntries } from "./confirm.js";
import { keys, stripKeys } from "./keys.js";
import type { TransactAction } from "./put-if-absent.js";
import { putIfAbsent } from "./put-if-absent.js";
import { queryAll } from "./query.js";
import { buildUpdate } from "./update.js";

/** A source as stored: the API shape plus its poll memory and the hash of its natural key. */
export type SourceRecord = Source & SourcePollState & { naturalKey: string };

const POLL_STATE_FIELDS = ["etag", "lastModified", "seen", "pendingMove", "naturalKey"] as const;

/** Nullable fields of the API shape; an update removes the attribute for null, so reads put null back. */
const NULLABLE_FIELDS = ["lastPolledAt", "lastSuccessAt", "lastError", "lastWarning"] as const;

/** The API shape of a stored source (poll memory stays inside). */
export function toSource(rec: SourceRecord): Source {
  const out: Record<string, unknown> = { ...rec };
  for (const f of POLL_STATE_FIELDS) delete out[f];
  for (const f of NULLABLE_FIELDS) out[f] ??= null;
  return out as unknown as Source;
}

/** A feed's title to adopt as a source's name, and the name it must still have (store `update`). */
export interface AdoptName {
  name: string;
  expected: string;
}

/** The UpdateItem of `update` (without what it returns). */
function updateInput(table: string, id: string, patch: Partial<SourceRecord>, naming?: AdoptName) {
  const full: Record<string, unknown> = { ...patch };
  delete full.id;
  if (patch.nextPollAt) Object.assign(full, keys.sourceIndex(patch.nextPollAt, id));
  const u = buildUpdate(naming ? { ...full, name: naming.name, nameSource: "feed" } : full);
  if (!naming)
    return { TableName: table, Key: keys.source(id), ...u, ConditionExpression: "attribute_exists(pk)" };
  return {
    TableName: table,
    Key: keys.source(id),
    ...u,
    ConditionExpression:
      "attribute_exists(pk) AND #nameNow = :expected AND (attribute_not_exists(#nsNow) OR #nsNow <> :editor)",
    ExpressionAttributeNames: { ...u.ExpressionAttributeNames, "#nameNow": "name", "#nsNow": "nameSource" },
    ExpressionAttributeValues: {
      ...u.ExpressionAttributeValues,
      ":expected": naming.expected,
      ":editor": "editor",
    },
  };
}

export function sourcesRepo(db: Db) {
  const fromItem = (item: Record<string, unknown>) => stripKeys<SourceRecord>(item);

  /** Claims a natural key for a source; 409 when another source holds it. */
  async function guardKey(naturalKey: string, sourceId: string): Promise<void> {
    if (!(await putIfAbsent(db, { ...keys.sourceGuard(naturalKey), sourceId })))
      throw new ConflictError("a source with the same address already exists", "duplicate");
  }

  return {
    /** Creates a source; 409 when another source has the same natural key or id. */
    async create(rec: SourceRecord): Promise<SourceRecord> {
      await guardKey(rec.naturalKey, rec.id);
      let created = false;
      try {
        created = await putIfAbsent(db, {
          ...keys.source(rec.id),
          ...keys.sourceIndex(rec.nextPollAt, rec.id),
          ...rec,
        });
      } finally {
        // Not stored (taken id or a failed write): release the address again.
        if (!created)
          await db.doc.send(
            new DeleteCommand({ TableName: db.table, Key: keys.sourceGuard(rec.naturalKey) }),
          );
      }
      if (!created) throw new ConflictError(`a source with id ${rec.id} already exists`, "duplicate");
      return rec;
    },

    async get(id: string): Promise<SourceRecord | undefined> {
      const r = await db.doc.send(new GetCommand({ TableName: db.table, Key: keys.source(id) }));
      return r.Item ? fromItem(r.Item) : undefined;
    },

    async mustGet(id: string): Promise<SourceRecord> {
      const rec = await this.get(id);
      if (!rec) throw new NotFoundError("source", id);
      return rec;
    },

    /**
     * Every source, ordered by next poll time (a Query on gsi1, never a Scan), each confirmed by
     * its record (store/confirm.ts: one BatchGetItem per 100 sources).
     */
    async list(): Promise<SourceRecord[]> {
      const entries = await queryAll(db, {
        IndexName: "gsi1",
        KeyConditionExpression: "gsi1pk = :p",
        ExpressionAttributeValues: { ":p": keys.sourcesPartition },
      });
      return (await confirmEntries(db, "gsi1", entries)).map(fromItem);
    },

    /**
     * Enabled sources whose nextPollAt is at or before `nowIso` (a Query on gsi1's sort key),
     * confirmed by their records as `list` does; `enabled` is read from the record, not the entry.
     */
    async listDue(nowIso: string): Promise<SourceRecord[]> {
      const entries = await queryAll(db, {
        IndexName: "gsi1",
        KeyConditionExpression: "gsi1pk = :p AND gsi1sk <= :now",
        ExpressionAttributeValues: { ":p": keys.sourcesPartition, ":now": `${nowIso}#\uffff` },
      });
      const records = await confirmEntries(db, "gsi1", entries);
      return records.filter((r) => r.enabled === true).map(fromItem);
    },

    /**
     * Updates fields of a source (undefined leaves a field, null removes it) and keeps the
     * due-index key in step with nextPollAt. 404 when the source is gone.
     */
    /**
     * Sets fields of a source (null removes). `adoptName`: also names it after its feed, in the
     * same write, only if nobody renamed it since `expected` was read and the editor did not name
     * it (a rename made while a poll ran wins); when that condition fails, the fields are set
     * without the name. 404 when the source is gone.
     */
    async update(
      id: string,
      patch: Partial<SourceRecord>,
      opts: { adoptName?: AdoptName } = {},
    ): Promise<SourceRecord> {
      const send = (naming?: AdoptName) =>
        db.doc.send(
          new UpdateCommand({ ...updateInput(db.table, id, patch, naming), ReturnValues: "ALL_NEW" }),
        );
      try {
        if (opts.adoptName) {
          try {
            return fromItem((await send(opts.adoptName)).Attributes ?? {});
          } catch (e) {
            if (!isConditionalCheckFailed(e)) throw e;
          }
        }
        return fromItem((await send()).Attributes ?? {});
      } catch (e) {
        if (isConditionalCheckFailed(e)) throw new NotFoundError("source", id);
        throw e;
      }
    },

    /**
     * `update` as an action of a transaction (`items.createAllIfAbsent`): the poll's new items and
     * its source's state in one request. Its condition (the source exists; with `adoptName`, the
     * naming condition) failing cancels the whole transaction.
     */
    updateAction(id: string, patch: Partial<SourceRecord>, adoptName?: AdoptName): TransactAction {
      return { Update: updateInput(db.table, id, patch, adoptName) };
    },

    /** Moves a source to another natural key (its address changed); 409 if that key is taken. */
    async rekey(id: string, oldKey: string, newKey: string): Promise<void> {
      if (oldKey === newKey) return;
      await guardKey(newKey, id);
      await db.doc.send(new DeleteCommand({ TableName: db.table, Key: keys.sourceGuard(oldKey) }));
    },

    /** Removes a source and its guard; its items stay. 404 when unknown. */
    async remove(id: string): Promise<void> {
      let old: Record<string, unknown> | undefined;
      try {
        const r = await db.doc.send(
          new DeleteCommand({
            TableName: db.table,
            Key: keys.source(id),
            ConditionExpression: "attribute_exists(pk)",
            ReturnValues: "ALL_OLD",
          }),
        );
        old = r.Attributes;
      } catch (e) {
        if (isConditionalCheckFailed(e)) throw new NotFoundError("source", id);
        throw e;
      }
      const naturalKey = old?.naturalKey;
      if (typeof naturalKey === "string") {
        await db.doc.send(new DeleteCommand({ TableName: db.table, Key: keys.sourceGuard(naturalKey) }));
      }
    },
  };
}

export type SourcesRepo = ReturnType<typeof sourcesRepo>;

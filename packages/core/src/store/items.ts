import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { isConditionalCheckFailed } from "../errors.js";
import type { Item, ItemKind, ItemStatus } from "../model/index.js";
import { searchTextOf } from "../text/index.js";
import { batchGetAll } from "./batch.js";
import type { Db } from "./client.js";
import { agrees, recordOf, recordsAt } from "./confirm.js";
import { decodeCursor, encodeCursor } from "./cursor.js";
import { type ItemOrder, isoSortDate, keys, scoreSortKey } from "./keys.js";
import { type PutAllOutcome, putAllIfAbsent, putIfAbsent, type TransactAction } from "./put-if-absent.js";
import { countQuery, queryAll, queryPage } from "./query.js";
import type { GsiName } from "./table.js";
import { buildUpdate } from "./update.js";

const ITEM_DEFAULTS: Omit<
  Item,
  "id" | "url" | "canonicalUrl" | "title" | "domain" | "kind" | "discoveredAt"
> = {
  description: null,
  imageUrl: null,
  siteName: null,
  sourceIds: [],
  author: null,
  publishedAt: null,
  status: "new",
  comment: null,
  section: null,
};

/** Newest first is by publishedAt, falling back to discoveredAt (DESIGN.md "Items"). */
export const sortDateOf = (item: Pick<Item, "publishedAt" | "discoveredAt">): string =>
  item.publishedAt ?? item.discoveredAt;

/** The stored record of an item: entity + index keys + the normalised text `q` searches. */
export function itemRecord(item: Item): Record<string, unknown> {
  // Object.assign onto `{}`, not `{ ...keys, ...indexes, ...item }`: in Node 20 a spread into an
  // object that already has properties (or an assign onto a spread copy) takes V8's slow path,
  // about 30 µs here against 3; a poll builds 20 of these.
  return Object.assign(
    {},
    keys.item(item.id),
    keys.itemIndexes({
      id: item.id,
      status: item.status,
      kind: item.kind,
      sortDate: sortDateOf(item),
      primarySourceId: item.sourceIds[0],
      scoreKey: scoreKeyOf(item),
    }),
    item,
    { searchText: searchTextOf(item) },
  );
}

/** An item as the API returns it: keys and internal fields stripped, missing optionals as null. */
export function toItem(rec: Record<string, unknown>): Item {
  const out: Record<string, unknown> = { ...ITEM_DEFAULTS };
  for (const [k, v] of Object.entries(rec)) {
    if (k === "pk" || k === "sk" || k.startsWith("gsi") || k === "searchText") continue;
    out[k] = v instanceof Set ? [...v] : v;
  }
  return out as unknown as Item;
}

const indexKeyOf = (index: GsiName) => (r: Record<string, unknown>) => ({
  pk: r.pk,
  sk: r.sk,
  [`${index}pk`]: r[`${index}pk`],
  [`${index}sk`]: r[`${index}sk`],
});

/** A listing query as the store runs it (the domain has already validated and normalised it). */
export interface ItemListQuery {
  status: ItemStatus;
  /** Besides date (the default): `score`, highest first, or `deadline`, soonest first. */
  order?: ItemOrder;
  /** With `order: "deadline"`: only deadlines at or after this instant (ISO), i.e. still open. */
  openAt?: string;
  sourceId?: string;
  kind?: ItemKind;
  /** Inclusive bounds on the sort date, as `toISOString()` strings. */
  from?: string;
  to?: string;
  /** Normalised search terms (see `text/index.ts`); every one must occur. */
  terms?: string[];
  limit: number;
  cursor?: string | null;
  /** Query requests one page may spend on a text search before it returns what it has (default 10). */
  maxReads?: number;
}

/** Fields of an item that updates may set; null removes. */
export type ItemPatch = Partial<
  Pick<
    Item,
    | "status"
    | "comment"
    | "section"
    | "title"
    | "description"
    | "imageUrl"
    | "siteName"
    | "unfurledAt"
    | "unfurlError"
    | "selectedAt"
    | "thumbnail"
    | "thumbnailAt"
    | "thumbnailError"
    | "descriptionSource"
    | "fullText"
    | "score"
    | "scoreParts"
    | "reminder"
  >
>;

/**
 * The sort key of an item's place in the ranked listings. Every item has one (one not scored yet
 * ranks as 0, neutral), so the ranked index holds exactly the items of each status: `count` reads it.
 */
export const scoreKeyOf = (item: Pick<Item, "score">): string =>
  scoreSortKey(typeof item.score === "number" && Number.isFinite(item.score) ? item.score : 0);

/** The sort key of a competition's place in the deadline listing; none without a readable deadline. */
export const deadlineKeyOf = (item: Pick<Item, "deadline">): string | undefined =>
  item.deadline && !Number.isNaN(Date.parse(item.deadline)) ? isoSortDate(item.deadline) : undefined;

/** Marks the records in a source's gsi3 partition that point at an item of a further source. */
const LINK_MARK = "itemId";

/** The filters of a count: those of a listing, without paging. */
export type ItemCountQuery = Omit<ItemListQuery, "limit" | "cursor" | "maxReads" | "order">;

/**
 * The Query a listing (or a count) runs: status → gsi1 `ITEMS#<status>`; + kind → gsi2
 * `ITEMS#<status>#<kind>`; + sourceId → gsi3 `ITEMSRC#<source>#<status>` (kind, if also given, is a
 * filter there). The date range is a key condition on the sort key; `conds` (terms, and kind on
 * gsi3) is what is left for a FilterExpression.
 */
function queryParts(q: ItemCountQuery) {
  if (q.openAt) return orderParts({ ...q, order: "deadline" });
  const part = q.sourceId
    ? keys.itemsBySource(q.sourceId, q.status)
    : q.kind
      ? keys.itemsByStatusKind(q.status, q.kind)
      : keys.itemsByStatus(q.status);
  const terms = q.terms ?? [];
  const kindFilter = q.sourceId ? q.kind : undefined;
  const names: Record<string, string> = { "#pk": `${part.index}pk` };
  if (q.from || q.to) names["#sk"] = `${part.index}sk`;
  const values: Record<string, unknown> = { ":p": part.pk };
  let keyCond = "#pk = :p";
  if (q.from && q.to) {
    keyCond += " AND #sk BETWEEN :lo AND :hi";
    Object.assign(values, { ":lo": q.from, ":hi": `${q.to}#\uffff` });
  } else if (q.from) {
    keyCond += " AND #sk >= :lo";
    values[":lo"] = q.from;
  } else if (q.to) {
    keyCond += " AND #sk <= :hi";
    values[":hi"] = `${q.to}#\uffff`;
  }
  const conds: string[] = [];
  terms.forEach((t, i) => {
    conds.push(`contains(#st, :q${i})`);
    values[`:q${i}`] = t;
  });
  if (terms.length) names["#st"] = "searchText";
  if (kindFilter) {
    conds.push("#kind = :kind");
    names["#kind"] = "kind";
    values[":kind"] = kindFilter;
  }
  return { part, keyCond, names, values, conds: conds.length ? conds.join(" AND ") : undefined };
}

/**
 * The Query of an ordered listing: the order's pointers by status (gsi1) or status and kind
 * (gsi2); `openAt` is a key condition on the deadline. Pointers carry no item fields, so date
 * range and text are checked on the items behind a page (`confirmPage`), never in a filter.
 */
function orderParts(q: ItemCountQuery & { order: ItemOrder }) {
  const part = keys.itemsByOrder(q.order, q.status, q.kind);
  const names: Record<string, string> = { "#pk": `${part.index}pk` };
  const values: Record<string, unknown> = { ":p": part.pk };
  let keyCond = "#pk = :p";
  if (q.order === "deadline" && q.openAt) {
    names["#sk"] = `${part.index}sk`;
    values[":lo"] = q.openAt;
    keyCond += " AND #sk >= :lo";
  }
  return { part, keyCond, names, values, conds: undefined as string | undefined };
}

export function itemsRepo(db: Db, cursorSecret: string) {
  const getRecord = async (id: string) =>
    (await db.doc.send(new GetCommand({ TableName: db.table, Key: keys.item(id), ConsistentRead: true })))
      .Item;

  /** Moves the pointers of an item's further sources into the partitions of its current status. */
  async function relinkSources(item: Item): Promise<void> {
    for (const sourceId of item.sourceIds.slice(1)) {
      await db.doc.send(
        new PutCommand({
          TableName: db.table,
          Item: {
            ...keys.itemSourceLink(item.id, sourceId, item.status, sortDateOf(item)),
            [LINK_MARK]: item.id,
            sourceId,
          },
        }),
      );
    }
  }

  /**
   * Puts a competition's deadline pointer where its status and deadline say (store/keys.ts
   * `itemOrder`), or removes it when the item no longer has a deadline (`before`: what it had).
   */
  async function placeInOrders(item: Item, before?: Pick<Item, "deadline">): Promise<void> {
    const value = deadlineKeyOf(item);
    if (value !== undefined) {
      await db.doc.send(
        new PutCommand({
          TableName: db.table,
          Item: {
            ...keys.itemOrder(item.id, "deadline", item.status, item.kind, value),
            [LINK_MARK]: item.id,
            order: "deadline",
          },
        }),
      );
    } else if (before && deadlineKeyOf(before) !== undefined) {
      const k = keys.itemOrder(item.id, "deadline", item.status, item.kind, "");
      await db.doc.send(new DeleteCommand({ TableName: db.table, Key: { pk: k.pk, sk: k.sk } }));
    }
  }

  /**
   * The items behind a page of index entries (one BatchGetItem: a page holds at most 100). An
   * item's own entry is kept while its record exists with the same index keys (store/confirm.ts).
   * A pointer of a further source (gsi3) stands for its item while that item lists the source and
   * has the listed status; a pointer lags its item's status change for a moment (two writes, no
   * transactions) and is then moved to where it belongs. What is shown is the record, so kind and
   * terms are checked on it again.
   */
  async function confirmPage(entries: Record<string, unknown>[], index: GsiName, q: ItemListQuery) {
    const itemIdOf = (e: Record<string, unknown>) => String(e[LINK_MARK] ?? e.id);
    const records = await recordsAt(
      db,
      entries.map((e) => keys.item(itemIdOf(e))),
    );
    const out: Item[] = [];
    for (const e of entries) {
      const rec = recordOf(records, keys.item(itemIdOf(e)));
      if (!rec) continue;
      const item = toItem(rec);
      if (e.order === "deadline") {
        // A deadline pointer stands for its item while it sits where the item's status and deadline say.
        const value = deadlineKeyOf(item);
        const expected = value && keys.itemOrder(item.id, "deadline", item.status, item.kind, value);
        if (
          !expected ||
          expected[`${index}pk` as "gsi1pk"] !== e[`${index}pk`] ||
          expected[`${index}sk` as "gsi1sk"] !== e[`${index}sk`]
        ) {
          // Lagging (a write between the item and its pointer); moved now if its status changed.
          if (item.status !== q.status) await placeInOrders(item);
          continue;
        }
        if (q.from || q.to) {
          const d = isoSortDate(sortDateOf(item));
          if ((q.from && d < q.from) || (q.to && d > q.to)) continue;
        }
      } else if (typeof e[LINK_MARK] === "string") {
        if (!item.sourceIds.includes(String(e.sourceId))) continue;
        if (item.status !== q.status) {
          await relinkSources(item);
          continue;
        }
      } else if (!agrees(index, e, rec)) continue;
      if (q.kind && item.kind !== q.kind) continue;
      const text = searchTextOf(item);
      if (q.terms?.some((t) => !text.includes(t))) continue;
      out.push(item);
    }
    return out;
  }

  const repo = {
    async get(id: string): Promise<Item | undefined> {
      const r = await db.doc.send(new GetCommand({ TableName: db.table, Key: keys.item(id) }));
      return r.Item ? toItem(r.Item) : undefined;
    },

    /** Several items by id (BatchGetItem via `batchGetAll`, unprocessed keys retried). Unknown ids are absent. */
    async getMany(ids: readonly string[]): Promise<Map<string, Item>> {
      const records = await batchGetAll(
        db,
        [...new Set(ids)].map((id) => keys.item(id)),
      );
      return new Map(records.map((r) => [r.id as string, toItem(r)]));
    },

    /** Stores a new item; false (and no write) when an item with the same id exists. */
    async createIfAbsent(item: Item): Promise<boolean> {
      if (!(await putIfAbsent(db, itemRecord(item)))) return false;
      if (deadlineKeyOf(item) !== undefined) await placeInOrders(item);
      return true;
    },

    /**
     * Stores new items, all or none, each unless it exists: one TransactWriteItems of at most
     * `TRANSACTION_RECORDS` items. When nothing was written, `existing` names the items that
     * exist (positions in `items`), or is undefined when a concurrent writer touched one: decide
     * item by item then (`createIfAbsent`). `also`: actions on other records that go with them,
     * all or none (the poll's source update, `sources.updateAction`).
     */
    async createAllIfAbsent(items: Item[], also: TransactAction[] = []): Promise<PutAllOutcome> {
      const outcome = await putAllIfAbsent(db, items.map(itemRecord), also);
      if (outcome.written)
        for (const item of items) if (deadlineKeyOf(item) !== undefined) await placeInOrders(item);
      return outcome;
    },

    // ---- Curation (issue #4): listing, conditional edits, further sources. ----

    /** Relinks an item's further sources (see `relinkSources`); exposed for repair tools. */
    relinkSources,
    /** Puts an item's order pointers where they belong (see `placeInOrders`). */
    placeInOrders,

    /**
     * One page of items, newest first, always a Query on the narrowest index (never a Scan):
     * status → gsi1 `ITEMS#<status>`; + kind → gsi2 `ITEMS#<status>#<kind>`; + sourceId → gsi3
     * `ITEMSRC#<source>#<status>` (kind, if also given, is a filter there: a source yields one kind,
     * so it either keeps everything or nothing). The date range is a key condition on the sort key.
     *
     * `q` cannot be a key: it is a FilterExpression on that partition. DynamoDB reads (and bills)
     * items before filtering, so a rare term could walk the whole partition; `queryPage` stops
     * after `maxReads` requests and hands back a cursor, so a page stays bounded whatever the table
     * size, at the price of a page that may hold fewer than `limit` matches (even none) while
     * `nextCursor` says there is more to look at. A full-text index (OpenSearch) would remove that
     * trade-off; for an editor's few thousand candidates a week it is not worth running.
     *
     * Each page then reads the items behind its entries in one BatchGetItem (`confirmPage`), so a
     * stale or orphaned index entry never shows, and a page may come back short.
     *
     * The cursor is signed with the whole query (index, partition, range, kind, terms) as its scope,
     * so a cursor of one listing cannot be replayed against another.
     */
    async list(q: ItemListQuery): Promise<{ items: Item[]; nextCursor: string | null }> {
      const order = q.order ?? (q.openAt ? "deadline" : undefined);
      const { part, keyCond, names, values, conds } = order ? orderParts({ ...q, order }) : queryParts(q);
      const scope = JSON.stringify({
        i: part.index,
        p: part.pk,
        f: q.from ?? null,
        t: q.to ?? null,
        k: q.kind ?? null,
        q: q.terms ?? [],
        o: q.openAt ?? null,
      });
      let filter: string | undefined;
      if (conds) {
        filter = conds;
        // Pointers of further sources carry no item fields: let them through, check after hydrating.
        if (part.index === "gsi3") {
          names["#link"] = LINK_MARK;
          filter = `attribute_exists(#link) OR (${filter})`;
        }
      }

      const page = await queryPage(
        db,
        {
          IndexName: part.index,
          KeyConditionExpression: keyCond,
          ...(filter ? { FilterExpression: filter } : {}),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          // Date and score: newest and highest first; deadline: soonest first.
          ScanIndexForward: order === "deadline",
        },
        {
          limit: q.limit,
          start: decodeCursor(cursorSecret, scope, q.cursor),
          keyOf: indexKeyOf(part.index),
          maxReads: q.maxReads,
        },
      );
      const items = await confirmPage(page.items, part.index, q);
      return { items, nextCursor: encodeCursor(cursorSecret, scope, page.lastKey) };
    },

    /**
     * How many items one listing would hold, all pages together: `Select: COUNT` on the same
     * partition and key range `list` queries (never a Scan), kind and terms as a filter.
     *
     * Cost: DynamoDB reads every index entry of the partition's range to count it (entries project
     * the whole item, ~1-2 KB each; 1 MB per request, 0.5 read unit per 4 KB): counting 10,000
     * `used` items reads ~15 MB, ~15 requests and ~2,000 read units, a fraction of a cent on
     * demand. A text filter does not make it cheaper (it applies after the read). Entries are not
     * confirmed against their records as listings are: a count may include an entry that lags its
     * item for a moment (or, locally, an orphan left by a crash until the start-up repair).
     *
     * In a source's partition (gsi3) the pointers of further sources carry no item fields: with a
     * filter, the source's own items are counted by the filter and the pointers' items (few: the
     * same post in two feeds) are read and checked.
     */
    async count(q: ItemCountQuery): Promise<number> {
      if (!q.sourceId && !q.openAt && !q.terms?.length && !q.from && !q.to) {
        // The ranked index holds the same items as the status one (`scoreKeyOf`), in entries of a
        // few dozen bytes (only the id is projected): counting reads (and bills)
        // those instead of whole items, about a twentieth.
        const part = keys.itemsByOrder("score", q.status, q.kind);
        return countQuery(db, {
          IndexName: part.index,
          KeyConditionExpression: "#pk = :p",
          ExpressionAttributeNames: { "#pk": `${part.index}pk` },
          ExpressionAttributeValues: { ":p": part.pk },
        });
      }
      if (q.openAt && (q.terms?.length || q.from || q.to)) {
        // Pointers carry no text or dates: count the items behind them.
        const { part, keyCond, names, values } = queryParts(q);
        const pointers = await queryAll(db, {
          IndexName: part.index,
          KeyConditionExpression: keyCond,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        });
        return (await confirmPage(pointers, part.index, { ...q, limit: pointers.length })).length;
      }
      const { part, keyCond, names, values, conds } = queryParts(q);
      if (!conds || part.index !== "gsi3") {
        return countQuery(db, {
          IndexName: part.index,
          KeyConditionExpression: keyCond,
          ...(conds ? { FilterExpression: conds } : {}),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        });
      }
      const own = countQuery(db, {
        IndexName: part.index,
        KeyConditionExpression: keyCond,
        FilterExpression: `attribute_not_exists(#link) AND (${conds})`,
        ExpressionAttributeNames: { ...names, "#link": LINK_MARK },
        ExpressionAttributeValues: values,
      });
      const keyOnly = queryParts({ ...q, kind: undefined, terms: [] });
      const pointers = await queryAll(db, {
        IndexName: part.index,
        KeyConditionExpression: keyOnly.keyCond,
        FilterExpression: "attribute_exists(#link)",
        ProjectionExpression: "#link",
        ExpressionAttributeNames: { ...keyOnly.names, "#link": LINK_MARK },
        ExpressionAttributeValues: keyOnly.values,
      });
      const linked = await repo.getMany(pointers.map((p) => String(p[LINK_MARK])));
      let fromLinks = 0;
      for (const item of linked.values()) {
        if (item.status !== q.status || !item.sourceIds.includes(q.sourceId ?? "")) continue;
        if (q.kind && item.kind !== q.kind) continue;
        const text = searchTextOf(item);
        if (q.terms?.some((t) => !text.includes(t))) continue;
        fromLinks++;
      }
      return (await own) + fromLinks;
    },

    /**
     * Sets fields of an item in one UpdateItem, conditioned on what the caller read (`current`):
     * its status always (no lost update against a concurrent status change, e.g. sending marking it
     * used), and the fields named in `expect` (unfurling fills a field only while it is still
     * empty). A status change moves every index partition key of the item record; `searchText`
     * follows title/description. Returns null when the condition failed (re-read and decide) or
     * the item is gone.
     */
    async update(current: Item, patch: ItemPatch, expect: (keyof Item)[] = []): Promise<Item | null> {
      const changes: Record<string, unknown> = { ...patch };
      const next = {
        ...current,
        ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)),
      } as Item;
      const expected = new Set<keyof Item>(["status", ...expect]);
      if (patch.title !== undefined || patch.description !== undefined || patch.fullText !== undefined) {
        changes.searchText = searchTextOf(next);
        expected.add("title");
        expected.add("description");
      }
      if (patch.status !== undefined && patch.status !== current.status) {
        // Leaving "selected" (rejected, back to new, used by a send) forgets when it was selected.
        if (patch.selectedAt === undefined && patch.status !== "selected") changes.selectedAt = null;
        Object.assign(
          changes,
          keys.itemStatusPartitions({
            status: patch.status,
            kind: current.kind,
            primarySourceId: current.sourceIds[0],
            ranked: true,
          }),
        );
      }
      const scoreKey = scoreKeyOf(next);
      if (scoreKey !== scoreKeyOf(current) || patch.status !== undefined) {
        // The ranking moves with the item, in the same write (a first score puts it in).
        Object.assign(changes, keys.itemRank(current.id, next.status, current.kind, scoreKey));
      }
      if (Object.values(changes).every((v) => v === undefined)) return current;

      const u = buildUpdate(changes, Object.fromEntries([...expected].map((f) => [f, current[f]])));
      try {
        const r = await db.doc.send(
          new UpdateCommand({
            TableName: db.table,
            Key: keys.item(current.id),
            ...u,
            ReturnValues: "ALL_NEW",
          }),
        );
        const item = toItem(r.Attributes ?? {});
        if (item.status !== current.status) await relinkSources(item);
        if (
          (item.status !== current.status || item.deadline !== current.deadline) &&
          (deadlineKeyOf(item) !== undefined || deadlineKeyOf(current) !== undefined)
        )
          await placeInOrders(item, current);
        return item;
      } catch (e) {
        if (isConditionalCheckFailed(e)) return null;
        throw e;
      }
    },

    /**
     * Records that `sourceId` also yields this item (the same post in two feeds). The first source
     * of an item lives on the item record (gsi3); each further one gets a pointer record in its
     * source's gsi3 partition. False when the item is unknown or already lists the source.
     */
    async addSource(itemId: string, sourceId: string): Promise<boolean> {
      for (let attempt = 0; attempt < 5; attempt++) {
        const rec = await getRecord(itemId);
        if (!rec) return false;
        const item = toItem(rec);
        if (item.sourceIds.includes(sourceId)) return false;
        const first = item.sourceIds.length === 0;
        const primary = keys.itemIndexes({ ...item, sortDate: sortDateOf(item), primarySourceId: sourceId });
        try {
          const r = await db.doc.send(
            new UpdateCommand({
              TableName: db.table,
              Key: keys.item(itemId),
              UpdateExpression: first
                ? "SET sourceIds = :ids, gsi3pk = :g3pk, gsi3sk = :g3sk"
                : "SET sourceIds = list_append(sourceIds, :ids)",
              ConditionExpression: first
                ? "attribute_exists(pk) AND (attribute_not_exists(sourceIds) OR size(sourceIds) = :zero)"
                : "attribute_exists(pk) AND size(sourceIds) = :len",
              ExpressionAttributeValues: first
                ? { ":ids": [sourceId], ":zero": 0, ":g3pk": primary.gsi3pk, ":g3sk": primary.gsi3sk }
                : { ":ids": [sourceId], ":len": item.sourceIds.length },
              ReturnValues: "ALL_NEW",
            }),
          );
          if (!first) await relinkSources(toItem(r.Attributes ?? {}));
          return true;
        } catch (e) {
          if (!isConditionalCheckFailed(e)) throw e;
        }
      }
      throw new Error(`could not add source ${sourceId} to item ${itemId}: too much contention`);
    },
  };
  return repo;
}

export type ItemsRepo = ReturnType<typeof itemsRepo>;

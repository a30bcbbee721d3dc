/**
 * Every key of the single table, in one place (DESIGN.md "Data"). No other module spells
 * `pk`/`sk`/`gsiN*` values; repositories in this folder call these builders.
 *
 * | entity        | pk                    | sk                 | gsi1                              | gsi2                                  | gsi3                         |
 * |---------------|-----------------------|--------------------|-----------------------------------|---------------------------------------|------------------------------|
 * | source        | SOURCE#<id>           | SOURCE             | SOURCES / <nextPollAt>#<id>       | —                                     | —                            |
 * | source guard  | SOURCEKEY#<natural>   | SOURCEKEY          | —                                 | —                                     | —                            |
 * | item          | ITEM#<urlhash>        | ITEM               | ITEMS#<status> / <date>#<id>      | ITEMS#<status>#<kind> / <date>#<id>   | ITEMSRC#<src>#<status> / <date>#<id> |
 * | item ↔ source | ITEM#<urlhash>        | SRC#<sourceId>     | —                                 | —                                     | ITEMSRC#<src>#<status> / <date>#<id> |
 * | item deadline | ITEM#<urlhash>        | ORDER#deadline     | ORDER#deadline#<status> / <deadline>#<id> | ORDER#deadline#<status>#<kind> / <d>#<id> | —                    |
 * | issue         | ISSUE#<number>        | ISSUE              | ISSUES / <number padded>          | ISSUES#<status> / <number padded>     | —                            |
 * | delivery      | ISSUE#<number>        | DELIVERY#<subId>   | —                                 | —                                     | —                            |
 * | send job      | ISSUE#<number>        | SENDJOB            | —                                 | —                                     | —                            |
 * | subscriber    | SUB#<emailhash>       | SUB                | SUBS#<status> / <createdAt>#<id>  | —                                     | —                            |
 * | counter       | COUNTER#<name>        | COUNTER            | —                                 | —                                     | —                            |
 * | rate limit    | RATE#<bucket>         | RATE               | —                                 | —                                     | —                            |
 * | failed job    | JOBS#FAILED           | <failedAt>#<id>    | —                                 | —                                     | —                            |
 * | link check    | LINK#<urlhash>        | LINK               | —                                 | —                                     | —                            |
 *
 * Every item is also in gsi4 `RANK#<status>` / `<score>#<id>` and gsi5
 * `RANK#<status>#<kind>` / `<score>#<id>` (the ranked listing). These sit on the item record itself,
 * so a new item is one write and its place in the ranking moves with it in the same UpdateItem;
 * only competitions' deadlines (few) are pointer records beside the item.
 */

/** The orders an item listing can have besides date (store/items.ts). */
export type ItemOrder = "score" | "deadline";

/**
 * A score as a sort key: fixed width, so string order is numeric order (scores stay well inside
 * ±10^6; three decimals are kept).
 */
export const scoreSortKey = (score: number): string =>
  String(Math.round((Math.max(-999_999, Math.min(999_999, score)) + 1_000_000) * 1000)).padStart(10, "0");

export interface Key {
  pk: string;
  sk: string;
}

/** Numbers sort as strings in sort keys: pad them. */
export const padNumber = (n: number): string => String(n).padStart(10, "0");

/**
 * An item's index sort key: its sort date (`publishedAt`, else `discoveredAt`, DESIGN.md "newest
 * first") then its id. The date is re-written as `toISOString()` so that string order is time order
 * and a date range can be a key condition (`between <from> and <to>#\uffff`).
 */
export const itemSortKey = (sortDate: string, id: string): string => `${isoSortDate(sortDate)}#${id}`;

export function isoSortDate(date: string): string {
  const t = Date.parse(date);
  return Number.isNaN(t) ? date : new Date(t).toISOString();
}

/** An item's place in the ranked listings (gsi4 by status, gsi5 by status and kind). */
const itemRank = (id: string, status: string, kind: string, scoreKey: string) => ({
  gsi4pk: `RANK#${status}`,
  gsi4sk: `${scoreKey}#${id}`,
  gsi5pk: `RANK#${status}#${kind}`,
  gsi5sk: `${scoreKey}#${id}`,
});

export const keys = {
  source: (id: string): Key => ({ pk: `SOURCE#${id}`, sk: "SOURCE" }),
  sourceIndex: (nextPollAt: string, id: string) => ({ gsi1pk: "SOURCES", gsi1sk: `${nextPollAt}#${id}` }),
  sourcesPartition: "SOURCES",
  sourceGuard: (naturalKeyHash: string): Key => ({ pk: `SOURCEKEY#${naturalKeyHash}`, sk: "SOURCEKEY" }),

  item: (id: string): Key => ({ pk: `ITEM#${id}`, sk: "ITEM" }),
  itemIndexes: (item: {
    id: string;
    status: string;
    kind: string;
    sortDate: string;
    primarySourceId?: string;
    /** The score's sort key (`scoreSortKey`): the item's place in the ranked listings. */
    scoreKey?: string;
  }) => ({
    gsi1pk: `ITEMS#${item.status}`,
    gsi1sk: itemSortKey(item.sortDate, item.id),
    gsi2pk: `ITEMS#${item.status}#${item.kind}`,
    gsi2sk: itemSortKey(item.sortDate, item.id),
    ...(item.primarySourceId
      ? {
          gsi3pk: `ITEMSRC#${item.primarySourceId}#${item.status}`,
          gsi3sk: itemSortKey(item.sortDate, item.id),
        }
      : {}),
    ...(item.scoreKey ? itemRank(item.id, item.status, item.kind, item.scoreKey) : {}),
  }),
  itemRank,
  /** The index partition keys that a status change moves (sort keys stay). */
  itemStatusPartitions: (item: {
    status: string;
    kind: string;
    primarySourceId?: string;
    ranked?: boolean;
  }) => ({
    gsi1pk: `ITEMS#${item.status}`,
    gsi2pk: `ITEMS#${item.status}#${item.kind}`,
    ...(item.primarySourceId ? { gsi3pk: `ITEMSRC#${item.primarySourceId}#${item.status}` } : {}),
    ...(item.ranked ? { gsi4pk: `RANK#${item.status}`, gsi5pk: `RANK#${item.status}#${item.kind}` } : {}),
  }),
  itemsByStatus: (status: string) => ({ index: "gsi1" as const, pk: `ITEMS#${status}` }),
  itemsByStatusKind: (status: string, kind: string) => ({
    index: "gsi2" as const,
    pk: `ITEMS#${status}#${kind}`,
  }),
  itemsBySource: (sourceId: string, status: string) => ({
    index: "gsi3" as const,
    pk: `ITEMSRC#${sourceId}#${status}`,
  }),
  /**
   * A further source of an item (the first one is on the item record itself): a pointer in that
   * source's gsi3 partition. It carries the item's status in its key, so a status change rewrites it
   * (after the item; listing re-checks the item, so a lagging pointer never shows a wrong item).
   */
  itemSourceLink: (itemId: string, sourceId: string, status: string, sortDate: string) => ({
    pk: `ITEM#${itemId}`,
    sk: `SRC#${sourceId}`,
    gsi3pk: `ITEMSRC#${sourceId}#${status}`,
    gsi3sk: itemSortKey(sortDate, itemId),
  }),
  itemSourceLinkPrefix: (itemId: string) => ({ pk: `ITEM#${itemId}`, skPrefix: "SRC#" }),
  /**
   * A competition's place in the deadline listing (soonest first): a pointer record beside the
   * item, in gsi1 by status and gsi2 by status and kind; rewritten when the item's status or
   * deadline changes, and checked against the item when listed. (The score order, which every
   * item has, lives on the item record: `itemRank`.)
   */
  itemOrder: (itemId: string, order: "deadline", status: string, kind: string, value: string) => ({
    pk: `ITEM#${itemId}`,
    sk: `ORDER#${order}`,
    gsi1pk: `ORDER#${order}#${status}`,
    gsi1sk: `${value}#${itemId}`,
    gsi2pk: `ORDER#${order}#${status}#${kind}`,
    gsi2sk: `${value}#${itemId}`,
  }),
  itemsByOrder: (order: ItemOrder, status: string, kind?: string) =>
    order === "score"
      ? kind
        ? { index: "gsi5" as const, pk: `RANK#${status}#${kind}` }
        : { index: "gsi4" as const, pk: `RANK#${status}` }
      : kind
        ? { index: "gsi2" as const, pk: `ORDER#${order}#${status}#${kind}` }
        : { index: "gsi1" as const, pk: `ORDER#${order}#${status}` },

  issue: (n: number): Key => ({ pk: `ISSUE#${n}`, sk: "ISSUE" }),
  issueIndexes: (n: number, status: string) => ({
    gsi1pk: "ISSUES",
    gsi1sk: padNumber(n),
    gsi2pk: `ISSUES#${status}`,
    gsi2sk: padNumber(n),
  }),
  issuesAll: { index: "gsi1" as const, pk: "ISSUES" },
  issuesByStatus: (status: string) => ({ index: "gsi2" as const, pk: `ISSUES#${status}` }),
  delivery: (n: number, subscriberId: string): Key => ({ pk: `ISSUE#${n}`, sk: `DELIVERY#${subscriberId}` }),
  deliveryPrefix: (n: number) => ({ pk: `ISSUE#${n}`, skPrefix: "DELIVERY#" }),
  sendJob: (n: number): Key => ({ pk: `ISSUE#${n}`, sk: "SENDJOB" }),

  subscriber: (id: string): Key => ({ pk: `SUB#${id}`, sk: "SUB" }),
  subscriberIndex: (status: string, createdAt: string, id: string) => ({
    gsi1pk: `SUBS#${status}`,
    gsi1sk: `${createdAt}#${id}`,
  }),
  subscribersByStatus: (status: string) => ({ index: "gsi1" as const, pk: `SUBS#${status}` }),

  counter: (name: string): Key => ({ pk: `COUNTER#${name}`, sk: "COUNTER" }),
  rateLimit: (bucket: string): Key => ({ pk: `RATE#${bucket}`, sk: "RATE" }),

  /** A dead letter (store/failed-jobs.ts): one partition, newest first by failure time. */
  failedJob: (failedAt: string, id: string): Key => ({ pk: "JOBS#FAILED", sk: `${failedAt}#${id}` }),
  failedJobsPartition: "JOBS#FAILED",

  /** The last check of one link (store/link-checks.ts), by a hash of the exact URL; expires by TTL. */
  linkCheck: (urlHash: string): Key => ({ pk: `LINK#${urlHash}`, sk: "LINK" }),
};

/** Attributes that are keys, stripped before an entity leaves the store. */
export const KEY_ATTRIBUTES = [
  "pk",
  "sk",
  "gsi1pk",
  "gsi1sk",
  "gsi2pk",
  "gsi2sk",
  "gsi3pk",
  "gsi3sk",
  "gsi4pk",
  "gsi4sk",
  "gsi5pk",
  "gsi5sk",
] as const;

export function stripKeys<T>(record: Record<string, unknown>): T {
  const out: Record<string, unknown> = { ...record };
  for (const k of KEY_ATTRIBUTES) delete out[k];
  return out as T;
}

import { GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { isConditionalCheckFailed } from "../errors.js";
import type { Item, ItemStatus } from "../model/index.js";
import type { Db } from "./client.js";
import { decodeCursor, encodeCursor } from "./cursor.js";
import { keys } from "./keys.js";
import { queryPage } from "./query.js";

const ITEM_DEFAULTS: Omit<Item, "id" | "url" | "canonicalUrl" | "title" | "domain" | "kind" | "discoveredAt"> = {
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
export const sortDateOf = (item: Pick<Item, "publishedAt" | "discoveredAt">): string => item.publishedAt ?? item.discoveredAt;

/** The stored record of an item: entity + index keys. */
export function itemRecord(item: Item): Record<string, unknown> {
  return {
    ...keys.item(item.id),
    ...keys.itemIndexes({
      id: item.id,
      status: item.status,
      kind: item.kind,
      sortDate: sortDateOf(item),
      primarySourceId: item.sourceIds[0],
    }),
    ...item,
  };
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

const indexKeyOf = (index: "gsi1" | "gsi2" | "gsi3") => (r: Record<string, unknown>) => ({
  pk: r.pk,
  sk: r.sk,
  [`${index}pk`]: r[`${index}pk`],
  [`${index}sk`]: r[`${index}sk`],
});

export interface ItemListQuery {
  status: ItemStatus;
  limit: number;
  cursor?: string | null;
}

export function itemsRepo(db: Db, cursorSecret: string) {
  return {
    async get(id: string): Promise<Item | undefined> {
      const r = await db.doc.send(new GetCommand({ TableName: db.table, Key: keys.item(id) }));
      return r.Item ? toItem(r.Item) : undefined;
    },

    /** Stores a new item; false (and no write) when an item with the same id exists. */
    async createIfAbsent(item: Item): Promise<boolean> {
      try {
        await db.doc.send(
          new PutCommand({ TableName: db.table, Item: itemRecord(item), ConditionExpression: "attribute_not_exists(pk)" }),
        );
        return true;
      } catch (e) {
        if (isConditionalCheckFailed(e)) return false;
        throw e;
      }
    },

    /** Items of one status, newest first, one page (a Query on gsi1). */
    async list(q: ItemListQuery): Promise<{ items: Item[]; nextCursor: string | null }> {
      const part = keys.itemsByStatus(q.status);
      const scope = `${part.index}:${part.pk}`;
      const page = await queryPage(
        db,
        {
          IndexName: part.index,
          KeyConditionExpression: `${part.index}pk = :p`,
          ExpressionAttributeValues: { ":p": part.pk },
        },
        { limit: q.limit, start: decodeCursor(cursorSecret, scope, q.cursor), keyOf: indexKeyOf(part.index) },
      );
      return { items: page.items.map(toItem), nextCursor: encodeCursor(cursorSecret, scope, page.lastKey) };
    },
  };
}

export type ItemsRepo = ReturnType<typeof itemsRepo>;

/**
 * The link-check cache: the last outcome of checking one URL, kept in the table (not in memory) so
 * every Lambda instance sees the same checks. One `LINK#<urlhash>` record per URL, carrying the
 * table's TTL attribute (AWS deletes it); dynalite has no TTL, so readers also compare `checkedAt`
 * with their own clock.
 */
import { createHash } from "node:crypto";
import type { LinkStatus } from "../model/index.js";
import { batchGetAll, batchPutAll } from "./batch.js";
import type { Db } from "./client.js";
import { keys, stripKeys } from "./keys.js";
import { TTL_ATTRIBUTE } from "./table.js";

/** A finished check (never `unchecked`). */
export interface LinkCheck {
  url: string;
  status: Exclude<LinkStatus, "unchecked">;
  httpStatus: number | null;
  reason: string;
  finalUrl: string | null;
  checkedAt: string;
}

/** The whole URL, hashed: a key stays short whatever the URL's length. */
const keyOf = (url: string) => keys.linkCheck(createHash("sha256").update(url).digest("hex"));

export function linkChecksRepo(db: Db) {
  return {
    /** The stored checks of these URLs, by URL; a URL never checked (or whose record is gone) is absent. */
    async getMany(urls: readonly string[]): Promise<Map<string, LinkCheck>> {
      const unique = [...new Set(urls)];
      if (unique.length === 0) return new Map();
      const records = await batchGetAll(db, unique.map(keyOf));
      const checks = records.map((r) => {
        const { [TTL_ATTRIBUTE]: _expiry, ...rest } = stripKeys<LinkCheck & { [TTL_ATTRIBUTE]?: number }>(r);
        return rest as LinkCheck;
      });
      return new Map(checks.map((c) => [c.url, c]));
    },

    /** Stores checks, each expiring `ttlSeconds` after its `checkedAt`. */
    async putMany(checks: readonly LinkCheck[], ttlSeconds: number): Promise<void> {
      await batchPutAll(
        db,
        checks.map((c) => ({
          ...keyOf(c.url),
          ...c,
          [TTL_ATTRIBUTE]: Math.floor(Date.parse(c.checkedAt) / 1000) + ttlSeconds,
        })),
      );
    },
  };
}

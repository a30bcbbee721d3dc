/**
 * Storing what a poll found (DESIGN.md step 4). An item's id is the hash of its canonical URL, so
 * the same article from two sources is one item that lists both. Known entries cost nothing: the
 * source remembers the ids it has recently stored (`seen`), and only the rest is written: new
 * items in transactions of conditional puts (each item's ranking is on its record), one request
 * per `TRANSACTION_RECORDS`, all or none. When one does not go through because some items exist
 * (another source found them first, or at the same moment), DynamoDB's cancellation reasons name
 * them: this source is added to those (the store's `addSource`, an append under a condition) and
 * the rest go in again. A transaction cancelled for another reason is redone item by item. Nothing
 * is created twice and no attribution is lost.
 *
 * Fresh entries are written straight away, also on a source's first poll: a lookup first would
 * cost a round trip per poll to learn what a cancelled transaction tells anyway.
 */
import type { Ctx } from "../context.js";
import type { Candidate, Item } from "../model/index.js";
import { TRANSACTION_RECORDS, type TransactAction } from "../store/put-if-absent.js";
import type { SourceRecord } from "../store/sources.js";
import { collapseWhitespace, FULL_TEXT_MAX, shortDescription, truncateGraphemes } from "../text/index.js";
import { canonicalUrl, domainOf, shortHash } from "../url/canonical.js";
import { mapLimit } from "../util/concurrency.js";
import { rescoreItem, weightsOf } from "./rank.js";
import { type SourceWeights, scoreOf } from "./score.js";
import { enqueueUnfurl } from "./unfurl-queue.js";

/**
 * The seen memory holds the ids of the entries of the last poll plus up to `SEEN_MARGIN` older
 * ones (entries that drop out of a feed rarely come back; one that does costs a read, not a
 * write), at most `SEEN_LIMIT`: it follows the size of the feed, so the source record stays small.
 */
export const SEEN_LIMIT = 500;
export const SEEN_MARGIN = 50;
/** Characters of the seen memory per id: 64 bits is plenty within one source and halves its size. */
const SEEN_KEY_LENGTH = 16;
export const TITLE_MAX = 300;
/** Writes in flight per poll: a typical feed page (10-25 entries) is written in one or two rounds. */
const WRITE_CONCURRENCY = 16;
/**
 * Transactions tried per chunk when items keep turning out to exist (writers racing this poll on
 * the same URLs): after that the chunk is decided item by item.
 */
const TRANSACTION_ATTEMPTS = 3;
/** A date further ahead than this is a feed's mistake: it would pin the item on top of "newest first". */
const FUTURE_SLACK_MS = 24 * 60 * 60 * 1000;

export const seenKey = (itemId: string): string => itemId.slice(0, SEEN_KEY_LENGTH);

export interface StoredCandidates {
  /** Items created by this poll. */
  newItemIds: string[];
  /** Items that existed (found by another source) and now list this source too. */
  linkedItemIds: string[];
  /** Candidates whose URL is not a usable http(s) URL. */
  skipped: number;
  /** The source's seen memory after this poll. */
  seen: string[];
  /** The source's update (`opts.sourceUpdate`) went with the new items: the caller must not write it again. */
  sourceWritten: boolean;
}

export interface Prepared {
  id: string;
  canonicalUrl: string;
  candidate: Candidate;
}

/** The candidates with a usable URL, one per item id (the first wins: feeds list newest first). */
export function prepareCandidates(candidates: Candidate[]): { prepared: Prepared[]; skipped: number } {
  const byId = new Map<string, Prepared>();
  let skipped = 0;
  for (const candidate of candidates) {
    let canonical: string;
    try {
      canonical = canonicalUrl(candidate.url);
    } catch {
      skipped++;
      continue;
    }
    const id = shortHash(canonical);
    if (!byId.has(id)) byId.set(id, { id, canonicalUrl: canonical, candidate });
  }
  return { prepared: [...byId.values()], skipped };
}

const httpUrlOrNull = (url: string | null | undefined): string | null => {
  if (!url) return null;
  try {
    const u = new URL(url);
    return u.protocol === "http:" || u.protocol === "https:" ? u.toString() : null;
  } catch {
    return null;
  }
};

/** The feed's summary: shortened for the card, kept longer for search. */
function described(text: string | null): Pick<Item, "description" | "descriptionSource" | "fullText"> {
  const full = textOrNull(text, FULL_TEXT_MAX);
  if (!full) return { description: null };
  const description = shortDescription(full);
  return { description, descriptionSource: "feed", ...(description !== full ? { fullText: full } : {}) };
}

const textOrNull = (text: string | null | undefined, max: number): string | null => {
  const t = text ? collapseWhitespace(text) : "";
  return t ? truncateGraphemes(t, max) : null;
};

function isoOrNull(date: string | null | undefined, now: Date): string | null {
  if (!date) return null;
  const t = Date.parse(date);
  if (Number.isNaN(t)) return null;
  return new Date(Math.min(t, now.getTime() + FUTURE_SLACK_MS)).toISOString();
}

/** The item a candidate becomes (status "new", this source as its first), scored with its weights. */
export function candidateToItem(p: Prepared, sourceId: string, now: Date, weights?: SourceWeights): Item {
  const c = p.candidate;
  const facts = Object.fromEntries(Object.entries(c.facts ?? {}).filter(([, v]) => v !== undefined));
  // Object.assign rather than spreads into the literal: V8's slow path for those (store/items.ts
  // `itemRecord`) cost more than the rest of this function.
  const item: Item = Object.assign(
    {},
    {
      id: p.id,
      url: c.url,
      canonicalUrl: p.canonicalUrl,
      title: textOrNull(c.title, TITLE_MAX) ?? p.canonicalUrl,
    },
    described(c.description),
    {
      imageUrl: httpUrlOrNull(c.imageUrl),
      siteName: textOrNull(c.siteName, 200),
      domain: domainOf(c.url),
      kind: c.kind,
      sourceIds: [sourceId],
      author: textOrNull(c.author, 200),
      publishedAt: isoOrNull(c.publishedAt, now),
      discoveredAt: now.toISOString(),
      status: "new" as const,
      comment: null,
      section: null,
    },
    facts,
  );
  return Object.assign(item, scoreOf(item, weights ?? { learned: 0, editor: 0 }, now));
}

/**
 * Stores the candidates of one poll of `source`. Throws only for store failures (the caller lets
 * the poll be retried; conditional writes make a retry harmless).
 */
export async function storeCandidates(
  ctx: Ctx,
  source: { id: string; seen?: string[] | null } & Partial<Pick<SourceRecord, "rankWeight" | "history">>,
  candidates: Candidate[],
  opts: {
    /**
     * The source's own update for this poll, given what the poll stored (its memory, the entries
     * skipped), to write in the same transaction as the last new items: a steady poll is then one
     * request. Undefined: the caller writes it. Used only when nothing else is left to write after it.
     */
    sourceUpdate?: (stored: { seen: string[]; skipped: number }) => Promise<TransactAction | undefined>;
  } = {},
): Promise<StoredCandidates> {
  const now = ctx.now();
  const weights = weightsOf(source);
  const { prepared, skipped } = prepareCandidates(candidates);
  const remembered = new Set(source.seen ?? []);
  const fresh = prepared.filter((p) => !remembered.has(seenKey(p.id)));
  const current = prepared.map((p) => seenKey(p.id));
  const seen = [...new Set([...current, ...(source.seen ?? [])])].slice(
    0,
    Math.min(SEEN_LIMIT, current.length + SEEN_MARGIN),
  );

  const newItemIds: string[] = [];
  const linkedItemIds: string[] = [];
  let sourceWritten = false;
  if (fresh.length > 0) {
    const link = async (p: Prepared) => {
      if (!(await ctx.store.items.addSource(p.id, source.id))) return;
      linkedItemIds.push(p.id);
      // One more mention, maybe a better source: its score moves.
      await rescoreItem(ctx, p.id, (id) => (id === source.id ? weights : undefined));
    };
    const created: Item[] = [];
    try {
      // New items go in transactions (one request per TRANSACTION_RECORDS, all or none). Items a
      // cancelled one names as existing get this source; the rest go in again. What is still
      // undecided (another reason, or writers racing on) goes item by item. The source's update
      // rides with the last transaction only when every write before it went through: its memory
      // must never claim an item not stored, nor one not yet linked to it.
      const tryOneByOne: Prepared[] = [];
      for (let i = 0; i < fresh.length; i += TRANSACTION_RECORDS) {
        let chunk = fresh.slice(i, i + TRANSACTION_RECORDS);
        const also =
          i + TRANSACTION_RECORDS >= fresh.length && tryOneByOne.length === 0 && opts.sourceUpdate
            ? await opts.sourceUpdate({ seen, skipped })
            : undefined;
        for (let attempt = 1; chunk.length > 0; attempt++) {
          if (chunk.length < 2 && !also) {
            tryOneByOne.push(...chunk);
            break;
          }
          const items = chunk.map((p) => candidateToItem(p, source.id, now, weights));
          const outcome = await ctx.store.items.createAllIfAbsent(items, also ? [also] : []);
          if (outcome.written) {
            created.push(...items);
            sourceWritten = !!also;
            break;
          }
          if (!outcome.existing || attempt >= TRANSACTION_ATTEMPTS) {
            tryOneByOne.push(...chunk);
            break;
          }
          const existing = new Set(outcome.existing);
          await mapLimit(
            chunk.filter((_, k) => existing.has(k)),
            WRITE_CONCURRENCY,
            link,
          );
          chunk = chunk.filter((_, k) => !existing.has(k));
        }
      }
      await mapLimit(tryOneByOne, WRITE_CONCURRENCY, async (p) => {
        const item = candidateToItem(p, source.id, now, weights);
        // Not created: another source found it first (or stored it between our read and our write).
        if (await ctx.store.items.createIfAbsent(item)) created.push(item);
        else await link(p);
      });
    } finally {
      // What the source did not give (a picture, a description) comes from the page. Also when a
      // write failed: the items created before it are "known" to the retried poll, never new again.
      await enqueueUnfurl(ctx, created);
    }
    newItemIds.push(...created.map((i) => i.id));
  }
  return { newItemIds, linkedItemIds, skipped, seen, sourceWritten };
}

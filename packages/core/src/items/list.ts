/**
 * The editor's candidate listing (DESIGN.md data flow 6): filters checked and normalised here,
 * served by one Query on an index in the store (`ItemsRepo.list`).
 */
import type { Ctx } from "../context.js";
import { NotFoundError, ValidationError } from "../errors.js";
import type { Item, ItemKind, ItemStatus } from "../model/index.js";
import { searchTerms } from "../text/index.js";

export const ITEM_STATUSES: readonly ItemStatus[] = ["new", "selected", "rejected", "used"];
export const ITEM_KINDS: readonly ItemKind[] = ["article", "release", "competition", "link"];
export const DEFAULT_LIST_LIMIT = 50;
export const MAX_LIST_LIMIT = 100;
export const MAX_QUERY_LENGTH = 200;

export const ITEM_SORTS = ["date", "score", "deadline"] as const;
export type ItemSort = (typeof ITEM_SORTS)[number];

export interface ListItemsInput {
  status?: ItemStatus;
  /**
   * `date` (default): newest first; `score`: highest first (items/score.ts); `deadline`:
   * soonest first (items with a deadline: competitions).
   */
  sort?: ItemSort;
  /** Only items whose deadline has not passed (competitions still open); ordered by deadline unless sort=score. */
  open?: boolean;
  sourceId?: string;
  kind?: ItemKind;
  /** Inclusive bounds on the sort date (publishedAt, else discoveredAt): a date or a date-time. */
  from?: string;
  to?: string;
  /** Free text; every whitespace-separated term must occur in title, description or domain. */
  q?: string;
  limit?: number;
  cursor?: string;
}

export interface ItemPage {
  items: Item[];
  nextCursor: string | null;
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i;

/**
 * A date bound as an ISO instant. A bare date means the whole day (UTC): its first millisecond
 * as `from`, its last as `to`, so `from=to=2024-05-01` lists that day.
 */
export function parseDateBound(value: string, field: "from" | "to"): string {
  const v = value.trim();
  if (DATE_ONLY.test(v)) {
    const t = Date.parse(`${v}T00:00:00.000Z`);
    if (Number.isNaN(t) || new Date(t).toISOString().slice(0, 10) !== v)
      throw new ValidationError(field, "not a valid date");
    return new Date(field === "from" ? t : t + 86_400_000 - 1).toISOString();
  }
  if (!DATE_TIME.test(v))
    throw new ValidationError(field, "must be a date (YYYY-MM-DD) or an ISO-8601 date-time with offset");
  const t = Date.parse(v);
  if (Number.isNaN(t)) throw new ValidationError(field, "not a valid date-time");
  return new Date(t).toISOString();
}

/** The filters of a listing, checked and normalised (400 naming the field). */
function checkFilters(input: Omit<ListItemsInput, "status" | "limit" | "cursor">) {
  if (input.kind !== undefined && !ITEM_KINDS.includes(input.kind)) {
    throw new ValidationError("kind", `must be one of ${ITEM_KINDS.join(", ")}`);
  }
  const from = input.from ? parseDateBound(input.from, "from") : undefined;
  const to = input.to ? parseDateBound(input.to, "to") : undefined;
  if (from && to && from > to) throw new ValidationError("to", "must not be before from");
  if (input.q && input.q.length > MAX_QUERY_LENGTH)
    throw new ValidationError("q", `at most ${MAX_QUERY_LENGTH} characters`);
  return {
    sourceId: input.sourceId?.trim() || undefined,
    kind: input.kind,
    from,
    to,
    terms: input.q ? searchTerms(input.q) : [],
  };
}

export async function listItems(ctx: Ctx, input: ListItemsInput = {}): Promise<ItemPage> {
  const status = input.status ?? "new";
  if (!ITEM_STATUSES.includes(status))
    throw new ValidationError("status", `must be one of ${ITEM_STATUSES.join(", ")}`);
  const limit = input.limit ?? DEFAULT_LIST_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIST_LIMIT) {
    throw new ValidationError("limit", `must be an integer from 1 to ${MAX_LIST_LIMIT}`);
  }
  const filters = checkFilters(input);
  const sort = input.sort ?? (input.open ? "deadline" : "date");
  if (!ITEM_SORTS.includes(sort))
    throw new ValidationError("sort", `must be one of ${ITEM_SORTS.join(", ")}`);
  if (sort !== "date" && filters.sourceId)
    throw new ValidationError("sort", `sort=${sort} lists all sources: leave out sourceId, or sort by date`);
  if (input.open && filters.sourceId)
    throw new ValidationError("open", "open lists all sources: leave out sourceId");
  const openAt = input.open ? ctx.now().toISOString() : undefined;
  if (sort === "score" && openAt) {
    // Ranked, then only the open ones: checked on each item (a page may come back short).
    const page = await ctx.store.items.list({
      status,
      ...filters,
      limit,
      cursor: input.cursor,
      order: "score",
    });
    return {
      ...page,
      items: page.items.filter((i) => !!i.deadline && Date.parse(i.deadline) >= Date.parse(openAt)),
    };
  }
  return ctx.store.items.list({
    status,
    ...filters,
    limit,
    cursor: input.cursor,
    ...(sort === "date" ? {} : { order: sort }),
    ...(openAt ? { openAt } : {}),
  });
}

export type ItemCounts = Record<ItemStatus, number>;

/**
 * How many items each status holds under the filters of a listing (`sourceId`, `kind`,
 * `from`/`to`, `q`): one `Select: COUNT` Query per status on the index the listing would use
 * (store `count` says what that costs), never a Scan.
 */
export async function countItems(
  ctx: Ctx,
  input: Omit<ListItemsInput, "status" | "limit" | "cursor" | "sort"> = {},
): Promise<ItemCounts> {
  const filters = { ...checkFilters(input), ...(input.open ? { openAt: ctx.now().toISOString() } : {}) };
  const counts = await Promise.all(
    ITEM_STATUSES.map(
      async (status) => [status, await ctx.store.items.count({ status, ...filters })] as const,
    ),
  );
  return Object.fromEntries(counts) as ItemCounts;
}

/** One item by id; 404 when there is none. */
export async function getItem(ctx: Ctx, id: string): Promise<Item> {
  const item = await ctx.store.items.get(id);
  if (!item) throw new NotFoundError("item", id);
  return item;
}

/**
 * CSV import and export of subscribers (DESIGN.md "Subscribers": CSV in / CSV out).
 *
 * Import: the address column is the one headed email / e-mail / mail (any case; then the first
 * row is a header), else the first column of a file without a header. Imported addresses are
 * active (the editor vouches for the list), written in batches. An import never re-subscribes:
 * an address that is already known keeps its state, whatever it is, and a row whose `status`
 * column says `unsubscribed` or `suppressed` (an export of another list) is recorded with that
 * status, so moving a list keeps its opt-outs. Rows marked `pending` were never confirmed and are
 * skipped.
 *
 * Export: every subscriber with status and dates; cells that a spreadsheet would run as a
 * formula are prefixed with `'` (csv-stringify's escape_formulas), which import strips again.
 */
import { CsvError, parse } from "csv-parse/sync";
import { stringify } from "csv-stringify/sync";
import type { Ctx } from "../context.js";
import { ValidationError } from "../errors.js";
import type { Subscriber, SubscriberStatus } from "../model/index.js";
import { SUBSCRIBER_STATUSES } from "../store/subscribers.js";
import { checkAddress, subscriberIdOf } from "./address.js";
import { newSubscriber } from "./manage.js";

const EMAIL_HEADERS = new Set(["email", "e-mail", "mail", "email address", "e-mail address", "emailaddress"]);

export type SkipReason = "duplicate_in_file" | "not_confirmed" | SubscriberStatus;

export interface ImportResult {
  /** New active subscribers. */
  imported: number;
  /** Rows not imported although their address is valid; `skippedBy` says why. */
  skipped: number;
  /** `row` is the line of the file (1 = the first line, the header if there is one). */
  invalid: { row: number; value: string; reason: string }[];
  skippedBy: Partial<Record<SkipReason, number>>;
}

interface Row {
  line: number;
  cells: string[];
}

function readRows(csv: string): Row[] {
  try {
    const records = parse(csv, {
      bom: true,
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
      skip_records_with_empty_values: false,
      trim: true,
    }) as unknown as { record: string[]; info: { lines: number } }[];
    return records.map((r) => ({ line: r.info.lines, cells: r.record }));
  } catch (e) {
    if (e instanceof CsvError) throw new ValidationError("body", `not a readable CSV file: ${e.message}`);
    throw e;
  }
}

/**
 * Undoes the export's escaping: `'=x@y` was written for `=x@y`, and `''x@y` for `'x@y` (a value
 * that starts with `'` is escaped too, or `'+a@b.org` would come back as `+a@b.org`).
 */
const unescapeFormula = (v: string): string => (/^'[-=+@\t\r']/.test(v) ? v.slice(1) : v);

/** A leading `'` is doubled: csv-stringify's escape_formulas leaves it, and import strips one. */
const escapeQuote = (v: unknown): unknown => (typeof v === "string" && v.startsWith("'") ? `'${v}` : v);

export async function importSubscribers(ctx: Ctx, csv: string): Promise<ImportResult> {
  const rows = readRows(csv);
  const result: ImportResult = { imported: 0, skipped: 0, invalid: [], skippedBy: {} };
  const skip = (reason: SkipReason) => {
    result.skipped++;
    result.skippedBy[reason] = (result.skippedBy[reason] ?? 0) + 1;
  };
  if (rows.length === 0) return result;

  const head = rows[0]!.cells.map((c) => c.toLowerCase());
  const emailColumn = head.findIndex((c) => EMAIL_HEADERS.has(c));
  const hasHeader = emailColumn >= 0;
  const column = hasHeader ? emailColumn : 0;
  const statusColumn = hasHeader ? head.indexOf("status") : -1;

  const wanted = new Map<string, { email: string; status: "active" | "unsubscribed" | "suppressed" }>();
  for (const row of hasHeader ? rows.slice(1) : rows) {
    const value = unescapeFormula(row.cells[column] ?? "");
    const check = checkAddress(value);
    if (!check.ok) {
      result.invalid.push({ row: row.line, value, reason: `address ${check.reason}` });
      continue;
    }
    const id = subscriberIdOf(check.email);
    if (wanted.has(id)) {
      skip("duplicate_in_file");
      continue;
    }
    const marked = statusColumn >= 0 ? (row.cells[statusColumn] ?? "").toLowerCase() : "";
    if (marked === "pending") {
      skip("not_confirmed");
      continue;
    }
    const status = marked === "unsubscribed" || marked === "suppressed" ? marked : "active";
    wanted.set(id, { email: check.email, status });
  }

  const existing = await ctx.store.subscribers.getMany([...wanted.keys()]);
  const nowIso = ctx.now().toISOString();
  const fresh: Subscriber[] = [];
  for (const [id, w] of wanted) {
    const known = existing.get(id);
    if (known) {
      skip(known.status);
      continue;
    }
    fresh.push(newSubscriber(w.email, w.status, "import", nowIso));
    if (w.status === "active") result.imported++;
    else skip(w.status);
  }
  await ctx.store.subscribers.putMany(fresh);
  return result;
}

export const EXPORT_COLUMNS = [
  "email",
  "status",
  "id",
  "source",
  "createdAt",
  "updatedAt",
  "confirmedAt",
  "unsubscribedAt",
  "suppressedAt",
  "suppressedReason",
] as const satisfies readonly (keyof Subscriber)[];

/** The export, a header line then a page of subscribers per chunk, status by status. */
export async function* exportSubscribers(ctx: Ctx): AsyncGenerator<string> {
  yield stringify([[...EXPORT_COLUMNS]], { record_delimiter: "windows" });
  for (const status of SUBSCRIBER_STATUSES) {
    for await (const page of ctx.store.subscribers.pages(status)) {
      yield stringify(
        page.map((s) => EXPORT_COLUMNS.map((c) => escapeQuote(s[c] ?? ""))),
        { record_delimiter: "windows", escape_formulas: true },
      );
    }
  }
}

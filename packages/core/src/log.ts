/**
 * A structured one-line JSON logger: CloudWatch on AWS, the terminal locally.
 *
 * Decisions: a log line must never take the process down (the logger never throws: a circular
 * value, a BigInt or a throwing getter is written as a marker); an error keeps its name, message,
 * code, stack and cause chain (a message alone cannot be traced); `time`, `level` and `msg` belong
 * to the logger (a field of the same name is written as `field.<name>`); and subscribers'
 * addresses never reach the logs in clear: every e-mail address in any string (error messages
 * included) is replaced by `<email:…>`, a short hash of its lower-cased form, so one reader's lines
 * can still be followed without the address being readable.
 */
import { createHash } from "node:crypto";

export interface Logger {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  /** A logger whose every line also carries `fields` (a request or invocation id). */
  child(fields: Record<string, unknown>): Logger;
}

const RESERVED = new Set(["time", "level", "msg"]);
const MAX_DEPTH = 8;
const MAX_STRING = 8_000;
const EMAIL =
  /[\p{L}\p{N}.!#$%&'*+/=?^_`{|}~-]+@(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?\.)+[\p{L}\p{N}-]{2,}/gu;

/** The stand-in for an address: stable per address, not reversible by reading. */
export function hashedEmail(address: string): string {
  return `<email:${createHash("sha256").update(address.toLowerCase()).digest("hex").slice(0, 12)}>`;
}

const scrub = (s: string): string =>
  (s.length > MAX_STRING ? `${s.slice(0, MAX_STRING)}…` : s).replace(EMAIL, hashedEmail);

/** A JSON-safe copy of `v`: errors spelled out, cycles and oddities marked, addresses hashed. */
function plain(v: unknown, seen: Set<object>, depth: number): unknown {
  if (typeof v === "string") return scrub(v);
  if (typeof v === "bigint") return v.toString();
  if (typeof v === "function" || typeof v === "symbol") return `[${typeof v}]`;
  if (typeof v === "number") return Number.isFinite(v) ? v : String(v);
  if (v === null || typeof v !== "object") return v;
  if (seen.has(v)) return "[circular]";
  if (depth >= MAX_DEPTH) return "[too deep]";
  seen.add(v);
  try {
    if (v instanceof Error) {
      const e = v as Error & { code?: unknown; $metadata?: { httpStatusCode?: number } };
      const out: Record<string, unknown> = { name: e.name, message: plain(e.message, seen, depth + 1) };
      if (e.code !== undefined) out.code = plain(e.code, seen, depth + 1);
      if (e.$metadata?.httpStatusCode !== undefined) out.status = e.$metadata.httpStatusCode;
      if (e.stack) out.stack = plain(e.stack, seen, depth + 1);
      if (e.cause !== undefined) out.cause = plain(e.cause, seen, depth + 1);
      if (e instanceof AggregateError) out.errors = plain(e.errors, seen, depth + 1);
      return out;
    }
    if (v instanceof Date) return Number.isNaN(v.getTime()) ? "Invalid Date" : v.toISOString();
    if (Array.isArray(v)) return v.map((x) => plain(x, seen, depth + 1));
    if (v instanceof Map) return plain(Object.fromEntries(v), seen, depth);
    if (v instanceof Set) return plain([...v], seen, depth);
    if (ArrayBuffer.isView(v)) return `[${v.constructor.name} ${v.byteLength} bytes]`;
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v)) {
      try {
        out[k] = plain((v as Record<string, unknown>)[k], seen, depth + 1);
      } catch {
        out[k] = "[unreadable]";
      }
    }
    return out;
  } finally {
    seen.delete(v);
  }
}

/** The JSON line; never throws. */
export function logLine(
  level: string,
  msg: string,
  base: Record<string, unknown>,
  fields: Record<string, unknown> | undefined,
  now: Date = new Date(),
): string {
  const line: Record<string, unknown> = { time: now.toISOString(), level, msg: scrub(String(msg)) };
  try {
    for (const source of [base, fields ?? {}]) {
      for (const k of Object.keys(source)) {
        const v = plain(source[k], new Set(), 0);
        if (v === undefined) continue;
        line[RESERVED.has(k) ? `field.${k}` : k] = v;
      }
    }
    return JSON.stringify(line);
  } catch (e) {
    return JSON.stringify({ ...line, logError: `the fields could not be written: ${String(e)}` });
  }
}

/**
 * `current` adds fields read at each line: the id of the Lambda invocation being served (one at a
 * time per instance, so a module-level value is right there; see functions/lib/invocation.ts).
 */
export function createLogger(
  base: Record<string, unknown> = {},
  sink: (line: string) => void = console.log,
  current?: () => Record<string, unknown>,
): Logger {
  const emit = (level: string, msg: string, fields?: Record<string, unknown>) => {
    try {
      sink(logLine(level, msg, current ? { ...base, ...current() } : base, fields));
    } catch {
      // A closed stdout must not turn a log line into a crash.
    }
  };
  return {
    info: (m, f) => emit("info", m, f),
    warn: (m, f) => emit("warn", m, f),
    error: (m, f) => emit("error", m, f),
    child: (fields) => createLogger({ ...base, ...fields }, sink, current),
  };
}

export const silentLogger: Logger = {
  info() {},
  warn() {},
  error() {},
  child: () => silentLogger,
};

export interface LoggedLine {
  level: "info" | "warn" | "error";
  msg: string;
  fields?: Record<string, unknown>;
}

/** A logger that keeps its calls as given (tests and tools read what was said). */
export function capturingLogger(lines: LoggedLine[] = []): { log: Logger; lines: LoggedLine[] } {
  const at =
    (level: LoggedLine["level"], extra: Record<string, unknown>) =>
    (msg: string, fields?: Record<string, unknown>) =>
      void lines.push({
        level,
        msg,
        ...(fields || Object.keys(extra).length ? { fields: { ...extra, ...fields } } : {}),
      });
  const make = (extra: Record<string, unknown>): Logger => ({
    info: at("info", extra),
    warn: at("warn", extra),
    error: at("error", extra),
    child: (f) => make({ ...extra, ...f }),
  });
  return { log: make({}), lines };
}

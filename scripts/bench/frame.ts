/**
 * The frame every benchmark of `npm run bench` runs in. The machine is shared and noisy, so a
 * benchmark never asserts an absolute time: it measures two ways of doing the same work side by
 * side in one run and reports their ratio, or counts requests (which noise does not change).
 *
 * A benchmark is a function returning a `BenchReport`: a JSON-able summary (the script's last line
 * gathers them under the benchmark's name), the lines it prints (a small table and a ratio line),
 * and its hard budgets. A broken hard budget makes the script exit non-zero.
 */

import v8 from "node:v8";
import vm from "node:vm";
import type { Ctx } from "@wkn/core/context";
import { rawDbOf } from "@wkn/core/store/raw";

/**
 * A hard budget: a structural fact (request counts, messages delivered: the same on any machine)
 * or a bound on a measured ratio or amount (time, memory: can wobble on a loaded machine; smoke
 * tests skip it).
 */
export interface Budget {
  name: string;
  kind: "structural" | "ratio";
  ok: boolean;
  /** What was measured against what was allowed, for the failure line. */
  detail: string;
}

export type SummaryValue = number | string | boolean | null | SummaryValue[] | { [k: string]: SummaryValue };

export interface BenchReport<S extends Record<string, SummaryValue> = Record<string, SummaryValue>> {
  summary: S;
  /** Printed as they are: a table, then a ratio line. */
  lines: string[];
  budgets: Budget[];
}

v8.setFlagsFromString("--expose-gc");
/**
 * V8's full collection (exposed above): what one side or benchmark left behind is collected
 * before the next is measured, instead of during it.
 */
export const collectGarbage = vm.runInNewContext("gc") as () => void;

export const budget = (
  name: string,
  ok: boolean,
  detail: string,
  kind: Budget["kind"] = "structural",
): Budget => ({ name, kind, ok, detail });

/** CPU time (user + system) of this process, in ms. */
export const cpuNow = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** Milliseconds `fn` took (performance.now), with its result. */
export async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await fn();
  return { ms: performance.now() - start, value };
}

/** `a / b` rounded to 3 decimals; null when b is 0 (nothing to compare against). */
export function ratio(a: number, b: number): number | null {
  return b === 0 ? null : round(a / b, 3);
}

export const round = (n: number, digits = 1): number => {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
};

const cell = (v: unknown): string =>
  v === null || v === undefined ? "-" : typeof v === "number" ? String(round(v, 2)) : String(v);

/** A plain text table: the first column left-aligned, the others right-aligned. */
export function table(header: string[], rows: unknown[][]): string[] {
  const text = [header, ...rows.map((r) => r.map(cell))];
  const widths = header.map((_, i) => Math.max(...text.map((r) => (r[i] ?? "").length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join("  ")
      .trimEnd();
  return [line(text[0]!), widths.map((w) => "-".repeat(w)).join("  "), ...text.slice(1).map(line)];
}

/**
 * A context of the test env with `ms` of simulated network before each of its DynamoDB requests
 * (`--ddb-latency`, default 5 ms): every benchmark gives both of its sides one of these, so
 * requests in parallel overlap as they do on the service and requests in sequence add up.
 */
export async function benchCtx(
  env: { ctx(opts?: Record<string, unknown>): Promise<Ctx> },
  ddbLatencyMs: number,
  opts: Record<string, unknown> = {},
): Promise<Ctx> {
  const ctx = await env.ctx(opts);
  addLatency(rawDbOf(ctx.store).doc, ddbLatencyMs);
  return ctx;
}

/** Anything with the AWS SDK's middleware stack (a service client or a document client). */
interface WithMiddleware {
  middlewareStack: { add(mw: unknown, opts: { step: "finalizeRequest"; name: string }): void };
}

let delays = 0;

/**
 * Simulated network distance: every request of `client` waits `ms` before it goes out (after
 * signing, on the real SDK's middleware stack). Loopback servers answer in microseconds; a real
 * region does not, and a sender that waits for one round trip after another pays for that.
 */
export function addLatency(client: WithMiddleware, ms: number): void {
  if (ms <= 0) return;
  client.middlewareStack.add(
    (next: (args: unknown) => Promise<unknown>) => async (args: unknown) => {
      await new Promise((r) => setTimeout(r, ms));
      return next(args);
    },
    { step: "finalizeRequest", name: `benchLatency${++delays}` },
  );
}

/** A stretch in which this process's event loop ran nothing else: it ended at `end` (epoch ms). */
export interface Stall {
  end: number;
  ms: number;
}

/** A tick this late or more is a stall (a tick is due every TICK_MS). */
const TICK_MS = 10;
const STALL_MIN_MS = 5;

/**
 * Records this process's event-loop stalls on the epoch clock (Date.now, the clock the SES
 * endpoint stamps acceptances with), so a pause in what SES accepted can be set beside the stalls
 * of the processes that could have made it. A timer due every 10 ms that fires late by ms ran late
 * because nothing else could run (garbage collection, a long task, or no CPU for the process).
 */
export function recordStalls(): { stalls: Stall[]; stop(): void } {
  const stalls: Stall[] = [];
  let due = performance.now() + TICK_MS;
  const timer = setInterval(() => {
    const now = performance.now();
    const late = now - due;
    if (late >= STALL_MIN_MS) stalls.push({ end: Date.now(), ms: late });
    due = now + TICK_MS;
  }, TICK_MS);
  timer.unref();
  return { stalls, stop: () => clearInterval(timer) };
}

/** The longest of `stalls` that overlaps [from, to] (epoch ms); 0 when none does. */
export function longestStall(stalls: readonly Stall[], from: number, to: number): number {
  let longest = 0;
  for (const s of stalls) if (s.end >= from && s.end - s.ms <= to) longest = Math.max(longest, s.ms);
  return longest;
}

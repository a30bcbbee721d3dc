/**
 * Background jobs in-process: the same handlers the SQS consumers call on AWS, each kind with its
 * own concurrency bound and the queues' retry policy (JOB_MAX_ATTEMPTS attempts, backoff between
 * them, errors a retry cannot fix dropped at once, the last failure kept as a dead letter).
 *
 * Coalescing, by kind + payload: a job identical to one still waiting (queued or awaiting a retry)
 * is dropped, so a poll tick that finds a source not yet polled does not queue it twice. One
 * identical to a job that is running is run once more after it (at most one such rerun per job):
 * the request may come from inside the running job itself, like a send's continuation.
 */
import type { JobKind, JobPayloads, Jobs } from "@wkn/core/jobs";
import type { Logger } from "@wkn/core/log";
import {
  isPermanentJobError,
  JOB_KINDS,
  JOB_MAX_ATTEMPTS,
  jobErrorText,
  type NewFailedJob,
} from "@wkn/core/store/failed-jobs";

export type JobHandlers = { [K in JobKind]: (payload: JobPayloads[K]) => Promise<unknown> };

/** Runs `fn` after `ms`; the returned function cancels it. */
export type Schedule = (fn: () => void, ms: number) => () => void;

export interface LocalJobsOptions {
  /** Keeps a job that failed its last attempt (the table's dead-letter list). */
  deadLetter?: (job: NewFailedJob) => Promise<unknown>;
  /** Attempts in all; JOB_MAX_ATTEMPTS by default, as on AWS. */
  maxAttempts?: number;
  /** The wait before attempt `failedAttempts + 1`. */
  retryDelayMs?: (failedAttempts: number) => number;
  /** Timers (retries, the shutdown grace); tests pass their own. */
  schedule?: Schedule;
  now?: () => Date;
}

export interface JobStats {
  queued: number;
  running: number;
  /** Failed, waiting for their next attempt. */
  retrying: number;
}

export interface LocalJobs extends Jobs {
  /** Resolves when nothing is queued, running or waiting for a retry. */
  idle(): Promise<void>;
  /**
   * Stops taking jobs, drops the queued ones, cancels pending retries (counted and logged),
   * waits up to `graceMs` for running ones.
   */
  stop(graceMs: number): Promise<{ abandoned: number; cancelledRetries: number }>;
  stats(): Record<JobKind, JobStats>;
}

/** 1 s, 4 s, 16 s… each ±25 %, so jobs that failed together do not retry together. */
export function backoffMs(failedAttempts: number, random: () => number = Math.random): number {
  return Math.round(1000 * 4 ** (failedAttempts - 1) * (0.75 + random() * 0.5));
}

export const realTimers: Schedule = (fn, ms) => {
  const t = setTimeout(fn, ms);
  t.unref();
  return () => clearTimeout(t);
};

interface Entry {
  kind: JobKind;
  key: string;
  payload: unknown;
  /** Attempts that failed so far. */
  failures: number;
  firstFailedAt?: string;
}

const perKind = <T>(make: () => T) =>
  Object.fromEntries(JOB_KINDS.map((k) => [k, make()])) as Record<JobKind, T>;

export function createLocalJobs(
  handlers: JobHandlers,
  concurrency: Record<JobKind, number>,
  log: Logger,
  opts: LocalJobsOptions = {},
): LocalJobs {
  const maxAttempts = opts.maxAttempts ?? JOB_MAX_ATTEMPTS;
  const retryDelay = opts.retryDelayMs ?? ((n: number) => backoffMs(n));
  const schedule = opts.schedule ?? realTimers;
  const now = opts.now ?? (() => new Date());

  const queues = perKind<Entry[]>(() => []);
  const running = perKind(() => 0);
  /** Queued or awaiting a retry, by key: an identical job is dropped. */
  const waiting = new Map<string, Entry>();
  const retries = new Map<string, () => void>();
  /** Running, by key: an identical job is run once more afterwards. */
  const active = new Set<string>();
  const reruns = new Map<string, Entry>();
  const inflight = new Set<Promise<unknown>>();
  let idleWaiters: (() => void)[] = [];
  let stopped = false;
  let cancelledRetries = 0;

  const isIdle = () =>
    inflight.size === 0 && retries.size === 0 && JOB_KINDS.every((k) => queues[k].length === 0);
  const checkIdle = () => {
    if (!isIdle()) return;
    const w = idleWaiters;
    idleWaiters = [];
    for (const f of w) f();
  };

  const push = (entry: Entry) => {
    waiting.set(entry.key, entry);
    queues[entry.kind].push(entry);
    pump(entry.kind);
  };

  const retryLater = (entry: Entry, error: unknown) => {
    const delay = retryDelay(entry.failures);
    log.warn("job failed, will retry", {
      kind: entry.kind,
      job: entry.key,
      attempt: entry.failures,
      retryInMs: delay,
      error,
    });
    waiting.set(entry.key, entry);
    const cancel = schedule(() => {
      retries.delete(entry.key);
      if (stopped) return;
      queues[entry.kind].push(entry);
      pump(entry.kind);
    }, delay);
    retries.set(entry.key, cancel);
  };

  const onFailure = async (entry: Entry, error: unknown) => {
    const fields = { kind: entry.kind, job: entry.key, attempt: entry.failures + 1, error };
    if (isPermanentJobError(error)) {
      log.warn("job dropped: a retry cannot fix it", { ...fields, code: error.code });
      return;
    }
    const failed: Entry = {
      ...entry,
      failures: entry.failures + 1,
      firstFailedAt: entry.firstFailedAt ?? now().toISOString(),
    };
    if (stopped && failed.failures < maxAttempts) {
      cancelledRetries++;
      log.warn("job failed at shutdown, not retried", fields);
      return;
    }
    if (failed.failures < maxAttempts) return retryLater(failed, error);
    log.error("job failed on its last attempt; kept as a dead letter", fields);
    try {
      await opts.deadLetter?.({
        kind: failed.kind,
        payload: failed.payload,
        error: jobErrorText(error),
        attempts: failed.failures,
        firstFailedAt: failed.firstFailedAt,
      });
    } catch (e) {
      log.error("could not keep the dead letter", { ...fields, recordError: e });
    }
  };

  const pump = (kind: JobKind) => {
    while (!stopped && running[kind] < concurrency[kind] && queues[kind].length > 0) {
      const entry = queues[kind].shift()!;
      waiting.delete(entry.key);
      active.add(entry.key);
      running[kind]++;
      const handler = handlers[kind] as (p: unknown) => Promise<unknown>;
      const p = (async () => handler(entry.payload))()
        .then(
          () => undefined,
          (e: unknown) => onFailure(entry, e),
        )
        .finally(() => {
          running[kind]--;
          active.delete(entry.key);
          inflight.delete(p);
          const again = reruns.get(entry.key);
          reruns.delete(entry.key);
          // A retry already scheduled runs the job again anyway.
          if (again && !stopped && !waiting.has(entry.key)) push(again);
          pump(kind);
          checkIdle();
        });
      inflight.add(p);
    }
  };

  return {
    async enqueue(kind, payload) {
      if (stopped) throw new Error("shutting down: job not accepted");
      const key = `${kind}:${JSON.stringify(payload)}`;
      if (waiting.has(key)) return;
      const entry: Entry = { kind, key, payload, failures: 0 };
      if (active.has(key)) {
        if (!reruns.has(key)) reruns.set(key, entry);
        return;
      }
      push(entry);
    },

    idle: () => (isIdle() ? Promise.resolve() : new Promise<void>((r) => idleWaiters.push(r))),

    async stop(graceMs) {
      stopped = true;
      for (const [key, cancel] of retries) {
        cancel();
        cancelledRetries++;
        const e = waiting.get(key);
        log.warn("retry cancelled at shutdown", { kind: e?.kind, job: key, failedAttempts: e?.failures });
      }
      retries.clear();
      for (const k of JOB_KINDS) queues[k].splice(0);
      waiting.clear();
      reruns.clear();
      let cancelGrace = () => {};
      const grace = new Promise<"timeout">((r) => {
        cancelGrace = schedule(() => r("timeout"), graceMs);
      });
      const outcome = await Promise.race([
        Promise.allSettled([...inflight]).then(() => "done" as const),
        grace,
      ]);
      cancelGrace();
      checkIdle();
      return { abandoned: outcome === "timeout" ? inflight.size : 0, cancelledRetries };
    },

    stats() {
      const out = perKind<JobStats>(() => ({ queued: 0, running: 0, retrying: 0 }));
      for (const k of JOB_KINDS) Object.assign(out[k], { queued: queues[k].length, running: running[k] });
      for (const key of retries.keys()) {
        const e = waiting.get(key);
        if (e) out[e.kind].retrying++;
      }
      return out;
    },
  };
}

/**
 * Background jobs in-process: the same handlers the SQS consumers call on AWS, each kind with
 * its own concurrency bound. Duplicate jobs (same kind and payload) already queued or running are
 * coalesced, as a poll tick that finds a source still being polled should not poll it twice.
 */
import type { JobKind, JobPayloads, Jobs } from "@wkn/core/jobs";
import type { Logger } from "@wkn/core/log";

export type JobHandlers = { [K in JobKind]: (payload: JobPayloads[K]) => Promise<unknown> };

export interface LocalJobs extends Jobs {
  /** Resolves when nothing is queued or running. */
  idle(): Promise<void>;
  /** Stops taking jobs, drops the queued ones, waits up to `graceMs` for running ones. */
  stop(graceMs: number): Promise<{ abandoned: number }>;
  stats(): Record<JobKind, { queued: number; running: number }>;
}

export function createLocalJobs(
  handlers: JobHandlers,
  concurrency: Record<JobKind, number>,
  log: Logger,
): LocalJobs {
  type Entry = { key: string; run: () => Promise<unknown> };
  const queues = { poll: [], unfurl: [], send: [] } as Record<JobKind, Entry[]>;
  const running = { poll: 0, unfurl: 0, send: 0 } as Record<JobKind, number>;
  const known = new Set<string>();
  const inflight = new Set<Promise<unknown>>();
  let idleWaiters: (() => void)[] = [];
  let stopped = false;

  const isIdle = () => inflight.size === 0 && Object.values(queues).every((q) => q.length === 0);
  const checkIdle = () => {
    if (!isIdle()) return;
    const w = idleWaiters;
    idleWaiters = [];
    for (const f of w) f();
  };

  const pump = (kind: JobKind) => {
    while (!stopped && running[kind] < concurrency[kind] && queues[kind].length > 0) {
      const entry = queues[kind].shift()!;
      running[kind]++;
      const p = entry
        .run()
        .catch((e) => log.error("job failed", { kind, job: entry.key, error: e }))
        .finally(() => {
          running[kind]--;
          known.delete(entry.key);
          inflight.delete(p);
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
      if (known.has(key)) return;
      known.add(key);
      const handler = handlers[kind] as (p: typeof payload) => Promise<unknown>;
      queues[kind].push({ key, run: () => handler(payload) });
      pump(kind);
    },
    idle: () => (isIdle() ? Promise.resolve() : new Promise<void>((r) => idleWaiters.push(r))),
    async stop(graceMs) {
      stopped = true;
      for (const q of Object.values(queues)) {
        for (const e of q.splice(0)) known.delete(e.key);
      }
      const all = Promise.allSettled([...inflight]);
      const timer = new Promise<"timeout">((r) => setTimeout(() => r("timeout"), graceMs).unref());
      const outcome = await Promise.race([all.then(() => "done" as const), timer]);
      checkIdle();
      return { abandoned: outcome === "timeout" ? inflight.size : 0 };
    },
    stats: () =>
      Object.fromEntries(
        (Object.keys(queues) as JobKind[]).map((k) => [k, { queued: queues[k].length, running: running[k] }]),
      ) as Record<JobKind, { queued: number; running: number }>,
  };
}

import type { Ctx } from "@wkn/core/context";
import { NotFoundError } from "@wkn/core/errors";
import { silentLogger } from "@wkn/core/log";
import type { NewFailedJob } from "@wkn/core/store/failed-jobs";
import { startTestEnv, type TestEnv } from "@wkn/testing";
import { testClient } from "@wkn/testing/api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backoffMs, createLocalJobs, type JobHandlers, type Schedule } from "./jobs.js";

const deferred = <T = void>() => {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
};

const CONCURRENCY = { poll: 2, unfurl: 1, send: 1, confirm: 1 };
const noop = async () => {};
const handlers = (h: Partial<JobHandlers>): JobHandlers => ({
  poll: noop,
  unfurl: noop,
  send: noop,
  confirm: noop,
  ...h,
});

/** Timers that fire at once (on the next turn) and record the delay asked for. */
function instantTimers() {
  const delays: number[] = [];
  const schedule: Schedule = (fn, ms) => {
    delays.push(ms);
    const t = setImmediate(fn);
    return () => clearImmediate(t);
  };
  return { schedule, delays };
}

/** Timers that fire only when the test says; `next()` resolves when one is scheduled. */
function heldTimers() {
  const pending: { fn: () => void; ms: number; cancelled: boolean }[] = [];
  let waiter = deferred<number>();
  const schedule: Schedule = (fn, ms) => {
    const t = { fn, ms, cancelled: false };
    pending.push(t);
    waiter.resolve(ms);
    return () => {
      t.cancelled = true;
    };
  };
  return {
    schedule,
    pending,
    next: async () => {
      const ms = await waiter.promise;
      waiter = deferred<number>();
      return ms;
    },
  };
}

/** Lets the work already queued on the event loop run (no clock involved). */
const turn = () => new Promise((r) => setImmediate(r));

/** Whether a promise has settled once the work already queued has run. */
const settled = async (p: Promise<unknown>) => {
  let done = false;
  void p.then(() => {
    done = true;
  });
  await turn();
  return done;
};

describe("local job runner", () => {
  it("bounds concurrency per kind, drops duplicates of queued jobs and reports idle", async () => {
    const gate = deferred();
    let running = 0;
    let peak = 0;
    const seen: string[] = [];
    const jobs = createLocalJobs(
      handlers({
        poll: async ({ sourceId }) => {
          running++;
          peak = Math.max(peak, running);
          seen.push(sourceId);
          await gate.promise;
          running--;
        },
      }),
      CONCURRENCY,
      silentLogger,
    );
    for (const id of ["a", "b", "c", "d", "c", "d"]) await jobs.enqueue("poll", { sourceId: id });
    expect(jobs.stats().poll).toEqual({ queued: 2, running: 2, retrying: 0 });
    gate.resolve();
    await jobs.idle();
    expect(peak).toBe(2);
    expect(seen.sort()).toEqual(["a", "b", "c", "d"]);
  });

  it("retries a failing job with growing, jittered delays until it succeeds", async () => {
    const timers = instantTimers();
    const deadLetters: NewFailedJob[] = [];
    let calls = 0;
    const jobs = createLocalJobs(
      handlers({
        unfurl: async () => {
          calls++;
          if (calls < 3) throw new Error("socket hang up");
        },
      }),
      CONCURRENCY,
      silentLogger,
      { schedule: timers.schedule, deadLetter: async (j) => void deadLetters.push(j) },
    );
    await jobs.enqueue("unfurl", { itemId: "i1" });
    await jobs.idle();
    expect(calls).toBe(3);
    expect(deadLetters).toEqual([]);
    expect(timers.delays).toHaveLength(2);
    expect(timers.delays[0]).toBeGreaterThanOrEqual(750);
    expect(timers.delays[0]).toBeLessThanOrEqual(1250);
    expect(timers.delays[1]).toBeGreaterThanOrEqual(3000);
    expect(timers.delays[1]).toBeLessThanOrEqual(5000);
  });

  it("computes the backoff: 1 s, 4 s, 16 s, each within ±25 %", () => {
    expect([1, 2, 3].map((n) => backoffMs(n, () => 0.5))).toEqual([1000, 4000, 16000]);
    expect(backoffMs(1, () => 0)).toBe(750);
    expect(backoffMs(2, () => 1)).toBe(5000);
  });

  it("does not retry an error a retry cannot fix, nor keep it as a dead letter", async () => {
    const timers = instantTimers();
    const deadLetters: NewFailedJob[] = [];
    let calls = 0;
    const jobs = createLocalJobs(
      handlers({
        poll: async ({ sourceId }) => {
          calls++;
          throw new NotFoundError("source", sourceId);
        },
      }),
      CONCURRENCY,
      silentLogger,
      { schedule: timers.schedule, deadLetter: async (j) => void deadLetters.push(j) },
    );
    await jobs.enqueue("poll", { sourceId: "gone" });
    await jobs.idle();
    expect(calls).toBe(1);
    expect(timers.delays).toEqual([]);
    expect(deadLetters).toEqual([]);
  });

  it("keeps a job that failed every attempt as a dead letter, once", async () => {
    const timers = instantTimers();
    const deadLetters: NewFailedJob[] = [];
    const t = new Date("2026-03-01T12:00:00Z");
    let calls = 0;
    const jobs = createLocalJobs(
      handlers({
        send: async () => {
          calls++;
          throw new Error(`down ${calls}`);
        },
      }),
      CONCURRENCY,
      silentLogger,
      { schedule: timers.schedule, now: () => t, deadLetter: async (j) => void deadLetters.push(j) },
    );
    await jobs.enqueue("send", { issueNumber: 4 });
    await jobs.idle();
    expect(calls).toBe(3);
    expect(deadLetters).toEqual([
      {
        kind: "send",
        payload: { issueNumber: 4 },
        error: "Error: down 3",
        attempts: 3,
        firstFailedAt: t.toISOString(),
      },
    ]);
  });

  it("runs a job asked for while an identical one runs once more afterwards (a send's continuation)", async () => {
    const gate = deferred();
    const runs: number[] = [];
    const jobs = createLocalJobs(
      handlers({
        send: async ({ issueNumber }) => {
          runs.push(issueNumber);
          if (runs.length === 1) {
            // the continuation, enqueued from inside the running job, twice: one rerun
            await jobs.enqueue("send", { issueNumber });
            await jobs.enqueue("send", { issueNumber });
            await gate.promise;
          }
        },
      }),
      CONCURRENCY,
      silentLogger,
    );
    await jobs.enqueue("send", { issueNumber: 9 });
    expect(jobs.stats().send).toEqual({ queued: 0, running: 1, retrying: 0 });
    gate.resolve();
    await jobs.idle();
    expect(runs).toEqual([9, 9]);
  });

  it("lets a scheduled retry stand for a job asked for again while it was failing", async () => {
    const timers = instantTimers();
    const gate = deferred();
    let calls = 0;
    const jobs = createLocalJobs(
      handlers({
        poll: async ({ sourceId }) => {
          calls++;
          if (calls === 1) {
            await jobs.enqueue("poll", { sourceId });
            await gate.promise;
            throw new Error("timeout");
          }
        },
      }),
      CONCURRENCY,
      silentLogger,
      { schedule: timers.schedule },
    );
    await jobs.enqueue("poll", { sourceId: "s" });
    gate.resolve();
    await jobs.idle();
    expect(calls).toBe(2);
    expect(timers.delays).toHaveLength(1);
  });

  it("cancels pending retries at stop, reports them, and stops taking jobs", async () => {
    const timers = heldTimers();
    const jobs = createLocalJobs(
      handlers({
        poll: async () => {
          throw new Error("boom");
        },
      }),
      CONCURRENCY,
      silentLogger,
      { schedule: timers.schedule },
    );
    await jobs.enqueue("poll", { sourceId: "bad" });
    expect(await timers.next()).toBeGreaterThanOrEqual(750);
    await turn(); // the failed attempt gives its slot back
    expect(jobs.stats().poll).toEqual({ queued: 0, running: 0, retrying: 1 });
    const idle = jobs.idle();
    expect(await settled(idle)).toBe(false); // a pending retry is work
    // a poll tick meanwhile does not queue the same job again
    await jobs.enqueue("poll", { sourceId: "bad" });
    expect(jobs.stats().poll).toEqual({ queued: 0, running: 0, retrying: 1 });

    expect(await jobs.stop(1000)).toEqual({ abandoned: 0, cancelledRetries: 1 });
    expect(timers.pending[0]?.cancelled).toBe(true);
    expect(await settled(idle)).toBe(true);
    await expect(jobs.enqueue("poll", { sourceId: "late" })).rejects.toThrow(/shutting down/);
  });

  it("reports the jobs still running when the grace period ends", async () => {
    const timers = heldTimers();
    const gate = deferred();
    const jobs = createLocalJobs(handlers({ send: () => gate.promise }), CONCURRENCY, silentLogger, {
      schedule: timers.schedule,
    });
    await jobs.enqueue("send", { issueNumber: 1 });
    const stopping = jobs.stop(10_000);
    expect(await timers.next()).toBe(10_000);
    timers.pending[0]!.fn();
    expect(await stopping).toEqual({ abandoned: 1, cancelledRetries: 0 });
    gate.resolve();
  });
});

describe("dead letters through the API", () => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await startTestEnv();
  });
  afterAll(() => env.close());

  it("shows a job that failed every attempt, and runs it again on retry", async () => {
    const timers = instantTimers();
    let failing = true;
    const ran: string[] = [];
    let ctx!: Ctx;
    const jobs = createLocalJobs(
      handlers({
        unfurl: async ({ itemId }) => {
          ran.push(itemId);
          if (failing) throw new Error("ECONNRESET");
        },
      }),
      CONCURRENCY,
      silentLogger,
      { schedule: timers.schedule, deadLetter: (j) => ctx.store.failedJobs.add(j, ctx.now()) },
    );
    ctx = await env.ctx({ jobs });
    const api = testClient(ctx);

    await jobs.enqueue("unfurl", { itemId: "item-1" });
    await jobs.idle();
    expect(ran).toEqual(["item-1", "item-1", "item-1"]);

    const list = await api.get("/api/jobs/failed");
    expect(list.status).toBe(200);
    const { jobs: failed } = await list.json();
    expect(failed).toEqual([
      expect.objectContaining({
        kind: "unfurl",
        payload: { itemId: "item-1" },
        error: "Error: ECONNRESET",
        attempts: 3,
      }),
    ]);

    failing = false;
    const retry = await api.post(`/api/jobs/failed/${failed[0].id}/retry`);
    expect(retry.status).toBe(202);
    await jobs.idle();
    expect(ran).toHaveLength(4);
    expect((await (await api.get("/api/jobs/failed")).json()).jobs).toEqual([]);
  });
});

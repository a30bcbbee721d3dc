import { silentLogger } from "@wkn/core/log";
import { describe, expect, it } from "vitest";
import { createLocalJobs } from "./jobs.js";

const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
};

describe("local job runner", () => {
  it("bounds concurrency per kind, coalesces duplicates and reports idle", async () => {
    const gate = deferred();
    let running = 0;
    let peak = 0;
    const seen: string[] = [];
    const jobs = createLocalJobs(
      {
        poll: async ({ sourceId }) => {
          running++;
          peak = Math.max(peak, running);
          seen.push(sourceId);
          await gate.promise;
          running--;
        },
        unfurl: async () => {},
        send: async () => {},
      },
      { poll: 2, unfurl: 1, send: 1 },
      silentLogger,
    );
    for (const id of ["a", "b", "c", "a", "d"]) await jobs.enqueue("poll", { sourceId: id });
    expect(jobs.stats().poll).toEqual({ queued: 2, running: 2 });
    gate.resolve();
    await jobs.idle();
    expect(peak).toBe(2);
    expect(seen.sort()).toEqual(["a", "b", "c", "d"]);
  });

  it("keeps going after a failing job and stops taking jobs at shutdown", async () => {
    const done: string[] = [];
    const jobs = createLocalJobs(
      {
        poll: async ({ sourceId }) => {
          if (sourceId === "bad") throw new Error("boom");
          done.push(sourceId);
        },
        unfurl: async () => {},
        send: async () => {},
      },
      { poll: 1, unfurl: 1, send: 1 },
      silentLogger,
    );
    await jobs.enqueue("poll", { sourceId: "bad" });
    await jobs.enqueue("poll", { sourceId: "ok" });
    await jobs.idle();
    expect(done).toEqual(["ok"]);
    expect(await jobs.stop(1000)).toEqual({ abandoned: 0 });
    await expect(jobs.enqueue("poll", { sourceId: "late" })).rejects.toThrow(/shutting down/);
  });
});

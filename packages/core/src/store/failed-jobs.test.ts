import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { startTestEnv, type TestEnv } from "@wkn/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConflictError, DomainError, NotFoundError, RateLimitedError, ValidationError } from "../errors.js";
import { FAILED_JOB_RETENTION_DAYS, isPermanentJobError, jobErrorText } from "./failed-jobs.js";
import { keys } from "./keys.js";
import { rawDbOf } from "./raw.js";
import { TTL_ATTRIBUTE } from "./table.js";

let env: TestEnv;
beforeAll(async () => {
  env = await startTestEnv();
});
afterAll(() => env.close());

const t0 = new Date("2026-03-01T12:00:00.000Z");
const at = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);
const DAY = 86_400_000;

describe("failed jobs (dead letters)", () => {
  it("keeps records newest first, bounded, and gets and removes one by id", async () => {
    const { store } = await env.ctx();
    const a = await store.failedJobs.add(
      {
        kind: "poll",
        payload: { sourceId: "a" },
        error: "Error: boom",
        attempts: 3,
        firstFailedAt: at(-1).toISOString(),
      },
      at(0),
    );
    const b = await store.failedJobs.add(
      { kind: "send", payload: { issueNumber: 7 }, error: "Error: down", attempts: 3 },
      at(1),
    );
    expect(a).toEqual({
      id: expect.stringMatching(/^\d+-[0-9a-f]{16}$/),
      kind: "poll",
      payload: { sourceId: "a" },
      error: "Error: boom",
      attempts: 3,
      firstFailedAt: at(-1).toISOString(),
      failedAt: at(0).toISOString(),
    });

    expect((await store.failedJobs.list(at(2))).map((j) => j.id)).toEqual([b.id, a.id]);
    expect(await store.failedJobs.list(at(2), 1)).toEqual([b]);
    expect(await store.failedJobs.get(a.id, at(2))).toEqual(a);

    expect(await store.failedJobs.remove(a.id, at(2))).toEqual(a);
    expect(await store.failedJobs.remove(a.id, at(2))).toBeUndefined();
    expect(await store.failedJobs.get(a.id, at(2))).toBeUndefined();
    expect(await store.failedJobs.list(at(2))).toEqual([b]);

    // a retry that could not be enqueued puts the record back as it was
    await store.failedJobs.restore(a);
    expect(await store.failedJobs.list(at(2))).toEqual([b, a]);
  });

  it("answers nothing for ids it never made", async () => {
    const { store } = await env.ctx();
    for (const id of ["nope", "123-abc", `${t0.getTime()}-0123456789abcdef`]) {
      expect(await store.failedJobs.get(id, t0)).toBeUndefined();
      expect(await store.failedJobs.remove(id, t0)).toBeUndefined();
    }
  });

  it("skips records past their retention (dynalite has no TTL) and sets the TTL for AWS", async () => {
    const { store } = await env.ctx();
    const old = await store.failedJobs.add(
      { kind: "unfurl", payload: { itemId: "x" }, error: "e", attempts: 3 },
      at(0),
    );
    const young = await store.failedJobs.add(
      { kind: "unfurl", payload: { itemId: "y" }, error: "e", attempts: 3 },
      new Date(t0.getTime() + 2 * DAY),
    );
    const later = new Date(t0.getTime() + FAILED_JOB_RETENTION_DAYS * DAY + 1000);
    expect(await store.failedJobs.list(later)).toEqual([young]);
    expect(await store.failedJobs.get(old.id, later)).toBeUndefined();
    expect(await store.failedJobs.remove(old.id, later)).toBeUndefined();
    // still there before it expires, with the TTL attribute AWS deletes it by
    expect(await store.failedJobs.get(old.id, at(1))).toEqual(old);
    const raw = await rawDbOf(store).doc.send(
      new GetCommand({ TableName: rawDbOf(store).table, Key: keys.failedJob(old.failedAt, old.id) }),
    );
    expect(raw.Item?.[TTL_ATTRIBUTE]).toBe(t0.getTime() / 1000 + FAILED_JOB_RETENTION_DAYS * 86_400);
  });
});

describe("the retry rule", () => {
  it("treats client-side domain errors as permanent, throttling and server faults as transient", () => {
    expect(isPermanentJobError(new NotFoundError("source", "s1"))).toBe(true);
    expect(isPermanentJobError(new ConflictError("already sent"))).toBe(true);
    expect(isPermanentJobError(new ValidationError("url", "bad"))).toBe(true);
    expect(isPermanentJobError(new RateLimitedError())).toBe(false);
    expect(isPermanentJobError(new DomainError("upstream", "bad gateway", "upstream"))).toBe(false);
    expect(isPermanentJobError(new Error("socket hang up"))).toBe(false);
  });

  it("keeps an error's name and message, bounded", () => {
    expect(jobErrorText(new TypeError("x is undefined"))).toBe("TypeError: x is undefined");
    expect(jobErrorText("plain")).toBe("plain");
    expect(jobErrorText(new Error("y".repeat(10_000))).length).toBeLessThan(4100);
  });
});

/** The dead-letter routes against dynalite: list, retry (enqueued once, record gone), delete, 404s. */
import type { JobKind, Jobs } from "@wkn/core/jobs";
import { startTestEnv, type TestEnv } from "@wkn/testing";
import { testClient } from "@wkn/testing/api";
import { recordingJobs } from "@wkn/testing/mail";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

let env: TestEnv;
beforeAll(async () => {
  env = await startTestEnv();
});
afterAll(() => env.close());

const t0 = new Date("2026-03-01T12:00:00.000Z");

async function setup(jobs?: Jobs) {
  const recording = recordingJobs();
  const ctx = await env.ctx({ jobs: jobs ?? recording.jobs, now: () => t0 });
  const add = (kind: JobKind, payload: unknown, minutesAgo = 0) =>
    ctx.store.failedJobs.add(
      { kind, payload, error: "Error: boom", attempts: 3 },
      new Date(t0.getTime() - minutesAgo * 60_000),
    );
  return { ctx, api: testClient(ctx), enqueued: recording.enqueued, add };
}

describe("GET /api/jobs/failed", () => {
  it("lists the dead letters newest first, bounded by limit, behind the token", async () => {
    const { api, add } = await setup();
    const older = await add("poll", { sourceId: "s1" }, 10);
    const newer = await add("send", { issueNumber: 3 }, 1);
    const res = await api.get("/api/jobs/failed");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ jobs: [newer, older] });
    expect(await (await api.get("/api/jobs/failed?limit=1")).json()).toEqual({ jobs: [newer] });
    const bad = await api.get("/api/jobs/failed?limit=0");
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.details[0].field).toBe("limit");
    expect((await api.get("/api/jobs/failed", { authorization: "Bearer wrong" })).status).toBe(401);
  });
});

describe("POST /api/jobs/failed/:id/retry", () => {
  it("enqueues the job again, removes the record and answers 202 {job}; a second retry is a 404", async () => {
    const { api, add, enqueued } = await setup();
    const job = await add("unfurl", { itemId: "i1" });
    const res = await api.post(`/api/jobs/failed/${job.id}/retry`);
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ job });
    expect(enqueued).toEqual([{ kind: "unfurl", payload: { itemId: "i1" } }]);
    expect(await (await api.get("/api/jobs/failed")).json()).toEqual({ jobs: [] });

    const again = await api.post(`/api/jobs/failed/${job.id}/retry`);
    expect(again.status).toBe(404);
    expect((await again.json()).error.code).toBe("not_found");
    expect(enqueued).toHaveLength(1);
  });

  it("keeps the record when the job cannot be enqueued", async () => {
    const failing: Jobs = {
      async enqueue() {
        throw new Error("queue unavailable");
      },
    };
    const { api, add } = await setup(failing);
    const job = await add("send", { issueNumber: 5 });
    expect((await api.post(`/api/jobs/failed/${job.id}/retry`)).status).toBe(500);
    expect(await (await api.get("/api/jobs/failed")).json()).toEqual({ jobs: [job] });
  });

  it("refuses to retry a message that was not a job (409), which can still be deleted", async () => {
    const { api, add, enqueued } = await setup();
    const job = await add("poll", "not json");
    const res = await api.post(`/api/jobs/failed/${job.id}/retry`);
    expect(res.status).toBe(409);
    expect(enqueued).toEqual([]);
    expect((await api.del(`/api/jobs/failed/${job.id}`)).status).toBe(204);
  });
});

describe("DELETE /api/jobs/failed/:id", () => {
  it("removes the record (204), then 404; unknown ids are 404", async () => {
    const { api, add, enqueued } = await setup();
    const job = await add("confirm", { email: "reader@example.org" });
    const res = await api.del(`/api/jobs/failed/${job.id}`);
    expect(res.status).toBe(204);
    expect(await res.text()).toBe("");
    expect((await api.del(`/api/jobs/failed/${job.id}`)).status).toBe(404);
    expect((await api.del("/api/jobs/failed/nope")).status).toBe(404);
    expect((await api.post("/api/jobs/failed/nope/retry")).status).toBe(404);
    expect(enqueued).toEqual([]);
  });
});

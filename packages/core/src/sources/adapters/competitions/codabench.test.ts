import { readFileSync } from "node:fs";
import { startTestEnv, type TestEnv } from "@wkn/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { urlHash } from "../../../url/canonical.js";
import { createSource } from "../../manage.js";
import { pollSource } from "../../poll.js";
import { serve, startTestServer, type TestServer } from "../../test-server.js";
import { phaseDates } from "./codabench.js";

const fixture = (name: string) => readFileSync(new URL(`./testdata/${name}`, import.meta.url), "utf8");
const details = JSON.parse(fixture("codabench-detail.json")) as Record<string, unknown>;
const NOW = new Date("2026-10-01T00:00:00Z");

let env: TestEnv;
let api: TestServer;
beforeAll(async () => {
  env = await startTestEnv();
  api = await startTestServer();
});
afterAll(async () => {
  await api.close();
  await env.close();
});

const json = (body: unknown) => serve(JSON.stringify(body), { "content-type": "application/json" });

/** The listing (two pages, by `page`) and the details of its competitions under `base`. */
function routeCodabench(prefix: string) {
  const base = `${api.origin}${prefix}`;
  api.route(`${prefix}/api/competitions/public/`, (req, res) => {
    const page = new URL(req.url ?? "/", "http://x").searchParams.get("page");
    res.writeHead(200, { "content-type": "application/json" });
    res.end(
      fixture(page === "2" ? "codabench-public-page2.json" : "codabench-public-page1.json").replaceAll(
        "{ORIGIN}",
        base,
      ),
    );
  });
  for (const id of ["101", "103", "90"]) api.route(`${prefix}/api/competitions/${id}/`, json(details[id]));
  return base;
}

const paths = (prefix: string) => api.requests.filter((r) => r.path.startsWith(prefix)).map((r) => r.path);

describe("phaseDates", () => {
  it("takes the first start and the last end; no end when a phase has none; open while one is current", () => {
    expect(phaseDates(details["101"] as Record<string, unknown>, NOW)).toEqual({
      startsAt: "2026-09-21T00:00:00.000Z",
      deadline: "2026-10-31T23:59:00.000Z",
      open: true,
    });
    expect(phaseDates(details["90"] as Record<string, unknown>, NOW)).toEqual({
      startsAt: "2026-11-01T00:00:00.000Z",
      deadline: null,
      open: false,
    });
    expect(phaseDates({}, NOW)).toBeUndefined();
  });
});

describe("codabench source", () => {
  it("follows next, reads each new competition's phases once, keeps competitions that are not over", async () => {
    const ctx = await env.ctx({ now: () => NOW });
    const base = routeCodabench("/cb1");
    await createSource(ctx, {
      kind: "competitions",
      platform: "codabench",
      id: "codabench",
      url: `${base}/api/competitions/public/`,
    });
    expect(await pollSource(ctx, "codabench")).toEqual({ sourceId: "codabench", status: "ok", newItems: 2 });
    expect(paths("/cb1/")).toEqual([
      "/cb1/api/competitions/public/?ordering=recent&page_size=50",
      "/cb1/api/competitions/101/",
      "/cb1/api/competitions/103/",
      "/cb1/api/competitions/public/?ordering=recent&page=2&page_size=50",
      "/cb1/api/competitions/90/",
    ]);
    expect(await ctx.store.items.get(urlHash(`${base}/competitions/101/`))).toMatchObject({
      kind: "competition",
      title: "Example Weather Forecasting Challenge 2026",
      platform: "Codabench",
      organiser: "Example University",
      startsAt: "2026-09-21T00:00:00.000Z",
      deadline: "2026-10-31T23:59:00.000Z",
      reward: "$5,000 in prizes",
      rewardAmount: 5000,
      rewardCurrency: "USD",
      open: true,
    });
    expect(await ctx.store.items.get(urlHash(`${base}/competitions/90/`))).toMatchObject({
      open: false,
      deadline: null,
      startsAt: "2026-11-01T00:00:00.000Z",
    });
    // A benchmark and a competition that is over are no candidates.
    expect(await ctx.store.items.get(urlHash(`${base}/competitions/102/`))).toBeUndefined();
    expect(await ctx.store.items.get(urlHash(`${base}/competitions/103/`))).toBeUndefined();

    // Known competitions are not read again.
    const before = paths("/cb1/").length;
    expect(await pollSource(ctx, "codabench")).toMatchObject({ status: "ok", newItems: 0 });
    const again = paths("/cb1/").slice(before);
    expect(again).not.toContain("/cb1/api/competitions/101/");
    expect(again).not.toContain("/cb1/api/competitions/90/");
  });

  it("fails loudly when the list or a competition's phases change shape", async () => {
    const ctx = await env.ctx({ now: () => NOW });
    api.route("/cb2/api/competitions/public/", json({ competitions: [] }));
    await createSource(ctx, {
      kind: "competitions",
      platform: "codabench",
      id: "cb2",
      url: `${api.origin}/cb2/api/competitions/public/`,
    });
    expect(await pollSource(ctx, "cb2")).toMatchObject({
      status: "error",
      error: expect.stringMatching(/^Codabench: .* no longer has the expected shape \(no "results" list\)/),
    });

    api.route(
      "/cb3/api/competitions/public/",
      json({ next: null, results: [{ id: 7, title: "x", competition_type: "competition" }] }),
    );
    api.route("/cb3/api/competitions/7/", json({ id: 7, stages: [] }));
    await createSource(ctx, {
      kind: "competitions",
      platform: "codabench",
      id: "cb3",
      url: `${api.origin}/cb3/api/competitions/public/`,
    });
    expect(await pollSource(ctx, "cb3")).toMatchObject({
      status: "error",
      error: expect.stringMatching(/competitions\/7\/ no longer has the expected shape \(no "phases" list\)/),
    });
  });
});

import { readFileSync } from "node:fs";
import { startTestEnv, type TestEnv } from "@wkn/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { urlHash } from "../../../url/canonical.js";
import { createSource, getSource } from "../../manage.js";
import { pollSource } from "../../poll.js";
import { serve, startTestServer, type TestServer } from "../../test-server.js";

const fixture = (name: string) => readFileSync(new URL(`./testdata/${name}`, import.meta.url), "utf8");
const page1 = fixture("aicrowd-challenges-active-page1.html");
const page2 = fixture("aicrowd-challenges-active-page2.html");
const NOW = new Date("2026-10-01T00:00:00Z");
const html = (body: string) => serve(body, { "content-type": "text/html; charset=utf-8" });

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

/** Page 1 without a `page` parameter, page 2 with `page=2`. */
function routeAicrowd(prefix: string, first = page1) {
  api.route(`${prefix}/challenges`, (req, res, body) => {
    const page = new URL(req.url ?? "/", "http://x").searchParams.get("page");
    return html(page === "2" ? page2 : first)(req, res, body);
  });
}

async function aicrowdSource(prefix: string, id: string) {
  const ctx = await env.ctx({ now: () => NOW });
  await createSource(ctx, {
    kind: "competitions",
    platform: "aicrowd",
    id,
    url: `${api.origin}${prefix}/challenges?challenge_filter=active`,
  });
  return ctx;
}

const pagesOf = (prefix: string) =>
  api.requests
    .filter((r) => r.path.startsWith(prefix))
    .map((r) => new URL(r.path, "http://x").searchParams.get("page"));

describe("aicrowd source", () => {
  it("reads the cards of a full page and the next, into the shared shape", async () => {
    routeAicrowd("/ac1");
    const ctx = await aicrowdSource("/ac1", "aicrowd");
    expect(await pollSource(ctx, "aicrowd")).toEqual({ sourceId: "aicrowd", status: "ok", newItems: 20 });
    expect(pagesOf("/ac1/")).toEqual([null, "2"]);
    expect(
      await ctx.store.items.get(urlHash(`${api.origin}/challenges/example-robot-learning-2026`)),
    ).toMatchObject({
      kind: "competition",
      title: "Example Robot Learning Challenge 2026",
      description: "Teach a robot to stack blocks",
      platform: "AIcrowd",
      organiser: "Example Robotics Lab",
      startsAt: null,
      deadline: "2026-10-20T23:55:00.000Z",
      reward: "$20,000 Prize Money; $5,000 Travel Grants",
      rewardAmount: 20000,
      rewardCurrency: "USD",
      tags: ["reinforcement_learning", "robotics"],
      open: true,
    });
    expect(
      await ctx.store.items.get(urlHash(`${api.origin}/challenges/example-music-demixing`)),
    ).toMatchObject({
      deadline: null,
      open: false,
      reward: null,
    });
    // A deadline decades ahead is a placeholder, not a deadline.
    expect(
      await ctx.store.items.get(urlHash(`${api.origin}/challenges/example-forever-challenge`)),
    ).toMatchObject({
      deadline: null,
    });

    // Nothing new on page 1: page 2 is not read again.
    const before = pagesOf("/ac1/").length;
    expect(await pollSource(ctx, "aicrowd")).toMatchObject({ status: "ok", newItems: 0 });
    expect(pagesOf("/ac1/").slice(before)).toEqual([null]);
  });

  it("fails loudly when the list or its cards change shape, never as an empty poll", async () => {
    routeAicrowd("/ac2", page1.replace('id="challenges-div"', 'id="challenge-grid"'));
    const noList = await aicrowdSource("/ac2", "ac2");
    const result = await pollSource(noList, "ac2");
    expect(result).toMatchObject({
      status: "error",
      error: expect.stringMatching(/^AIcrowd: .* no longer has the expected shape \(no #challenges-div\)/),
    });
    expect(await getSource(noList, "ac2")).toMatchObject({ lastError: result.error, consecutiveFailures: 1 });

    routeAicrowd("/ac3", page1.replaceAll("card card-challenge", "card challenge-card"));
    const noCards = await aicrowdSource("/ac3", "ac3");
    expect(await pollSource(noCards, "ac3")).toMatchObject({
      status: "error",
      error: expect.stringMatching(/no div\.card-challenge/),
    });

    routeAicrowd("/ac4", page1.replaceAll('class="card-title"', 'class="challenge-title"'));
    const noTitles = await aicrowdSource("/ac4", "ac4");
    expect(await pollSource(noTitles, "ac4")).toMatchObject({
      status: "error",
      error: expect.stringMatching(/no card has an h5\.card-title link/),
    });
  });
});

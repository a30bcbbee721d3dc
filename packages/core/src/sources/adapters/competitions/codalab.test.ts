import { readFileSync } from "node:fs";
import { startTestEnv, type TestEnv } from "@wkn/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { urlHash } from "../../../url/canonical.js";
import { createSource, getSource } from "../../manage.js";
import { pollSource } from "../../poll.js";
import { serve, startTestServer, type TestServer } from "../../test-server.js";

const page = readFileSync(new URL("./testdata/codalab-competitions-active.html", import.meta.url), "utf8");
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

async function codalabSource(path: string, body: string, id = "codalab") {
  const ctx = await env.ctx({ now: () => NOW });
  api.route(path, html(body));
  await createSource(ctx, {
    kind: "competitions",
    platform: "codalab",
    id,
    url: `${api.origin}${path}?is_active=1`,
  });
  return ctx;
}

describe("codalab source", () => {
  it("reads the tiles with a real deadline still ahead", async () => {
    const ctx = await codalabSource("/cl1/competitions/", page);
    expect(await pollSource(ctx, "codalab")).toEqual({ sourceId: "codalab", status: "ok", newItems: 2 });
    expect(await ctx.store.items.get(urlHash(`${api.origin}/competitions/24001`))).toMatchObject({
      kind: "competition",
      title: "Example Video Segmentation Challenge @ ICCV 2026",
      description: "Segment every object in the video & track it.",
      platform: "CodaLab",
      organiser: "example_org",
      startsAt: "2026-09-01T00:00:00.000Z",
      deadline: "2026-10-31T00:00:00.000Z",
      reward: "USD $10,000",
      rewardAmount: 10000,
      rewardCurrency: "USD",
      open: true,
      imageUrl: "https://miniodis-rproxy.lisn.upsaclay.fr/py3-public/logos/example/logo.png",
    });
    expect(await ctx.store.items.get(urlHash(`${api.origin}/competitions/24002`))).toMatchObject({
      reward: null,
      rewardAmount: null,
      deadline: "2026-11-30T00:00:00.000Z",
    });
    // No end date, a placeholder end (9999) and a finished one: nothing to announce.
    for (const id of [24003, 24004, 24005])
      expect(await ctx.store.items.get(urlHash(`${api.origin}/competitions/${id}`))).toBeUndefined();
  });

  it("fails loudly when the list or its tiles change shape, never as an empty poll", async () => {
    const noList = await codalabSource(
      "/cl2/competitions/",
      page.replace("col-md-12 competition-list", "col-md-12 competitions-grid"),
      "cl2",
    );
    const result = await pollSource(noList, "cl2");
    expect(result).toMatchObject({
      status: "error",
      error: expect.stringMatching(
        /^CodaLab: .* no longer has the expected shape \(no div\.competition-list\)/,
      ),
    });
    expect(await getSource(noList, "cl2")).toMatchObject({ lastError: result.error, consecutiveFailures: 1 });

    const noTiles = await codalabSource(
      "/cl3/competitions/",
      page.replaceAll("competition-tile full-width", "comp-card full-width"),
      "cl3",
    );
    expect(await pollSource(noTiles, "cl3")).toMatchObject({
      status: "error",
      error: expect.stringMatching(/no div\.competition-tile in the list/),
    });

    const noTitles = await codalabSource("/cl4/competitions/", page.replaceAll(/<\/?h3>/g, ""), "cl4");
    expect(await pollSource(noTitles, "cl4")).toMatchObject({
      status: "error",
      error: expect.stringMatching(/no tile has a link and an h3 title/),
    });
  });
});

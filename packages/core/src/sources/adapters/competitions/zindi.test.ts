import { readFileSync } from "node:fs";
import { startTestEnv, type TestEnv } from "@wkn/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { urlHash } from "../../../url/canonical.js";
import { createSource, getSource } from "../../manage.js";
import { pollSource } from "../../poll.js";
import { serve, startTestServer, type TestServer } from "../../test-server.js";

const fixture = (name: string) => readFileSync(new URL(`./testdata/${name}`, import.meta.url), "utf8");
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

/** Serves page 0 and page 1 of the fixture by the `page` parameter. */
function routeZindi(path: string) {
  api.route(path, (req, res) => {
    const page = new URL(req.url ?? "/", "http://x").searchParams.get("page");
    res.writeHead(200, { "content-type": "application/json" });
    res.end(fixture(page === "0" ? "zindi-competitions-page0.json" : "zindi-competitions-page1.json"));
  });
}

const pagesOf = (prefix: string) =>
  api.requests
    .filter((r) => r.path.startsWith(prefix))
    .map((r) => new URL(r.path, "http://x").searchParams.get("page"));

describe("zindi source", () => {
  it("reads the open competitions page after page, into the shared shape", async () => {
    const ctx = await env.ctx({ now: () => NOW });
    routeZindi("/z1/v1/competitions");
    await createSource(ctx, {
      kind: "competitions",
      platform: "zindi",
      id: "zindi",
      url: `${api.origin}/z1/v1/competitions`,
    });
    expect(await pollSource(ctx, "zindi")).toEqual({ sourceId: "zindi", status: "ok", newItems: 3 });
    const first = api.requests.find((r) => r.path.startsWith("/z1/"))!;
    expect(new URL(first.path, "http://x").searchParams.get("per_page")).toBe("20");
    expect(new URL(first.path, "http://x").searchParams.get("active")).toBe("1");
    // Page 1 holds a closed one: the rest of the list is history, so no page 2.
    expect(pagesOf("/z1/")).toEqual(["0", "1"]);

    const pond = await ctx.store.items.get(
      urlHash("https://zindi.world/competitions/example-pond-identification-challenge"),
    );
    expect(pond).toMatchObject({
      kind: "competition",
      title: "Example Pond Identification Challenge",
      platform: "Zindi",
      siteName: "Zindi",
      organiser: "Example Agency",
      startsAt: "2026-09-08T15:00:00.000Z",
      deadline: "2026-10-16T21:59:00.000Z",
      reward: "1000 CHF",
      rewardAmount: 1000,
      rewardCurrency: "CHF",
      tags: ["competition", "prize"],
      open: true,
    });
    expect(
      await ctx.store.items.get(
        urlHash("https://zindi.world/competitions/example-drought-forecasting-challenge"),
      ),
    ).toMatchObject({ rewardAmount: 2000, rewardCurrency: "EUR", organiser: null });
    expect(
      await ctx.store.items.get(
        urlHash("https://zindi.world/competitions/example-tourism-classification-challenge"),
      ),
    ).toMatchObject({
      organiser: "Example Lab",
      reward: "500 Points",
      rewardAmount: null,
      rewardCurrency: null,
    });
    // Invitation-only and closed ones are not candidates.
    expect(
      await ctx.store.items.get(
        urlHash("https://zindi.world/competitions/example-invitation-only-hackathon"),
      ),
    ).toBeUndefined();
    expect(
      await ctx.store.items.get(urlHash("https://zindi.world/competitions/example-asr-challenge")),
    ).toBeUndefined();

    // Nothing new on page 0: the later pages hold nothing new either.
    const before = pagesOf("/z1/").length;
    expect(await pollSource(ctx, "zindi")).toEqual({ sourceId: "zindi", status: "ok", newItems: 0 });
    expect(pagesOf("/z1/").slice(before)).toEqual(["0"]);
  });

  it("fails loudly when the answer changes shape, never as an empty poll", async () => {
    const ctx = await env.ctx({ now: () => NOW });
    api.route("/z2/v1/competitions", serve('{"competitions":[]}', { "content-type": "application/json" }));
    await createSource(ctx, {
      kind: "competitions",
      platform: "zindi",
      id: "zindi",
      url: `${api.origin}/z2/v1/competitions`,
    });
    const result = await pollSource(ctx, "zindi");
    expect(result).toMatchObject({
      status: "error",
      error: expect.stringMatching(/Zindi: .* no longer has the expected shape \(no "data" list\)/),
    });
    expect(await getSource(ctx, "zindi")).toMatchObject({ lastError: result.error, consecutiveFailures: 1 });

    api.route("/z3/v1/competitions", serve("<html>maintenance</html>", { "content-type": "text/html" }));
    await createSource(ctx, {
      kind: "competitions",
      platform: "zindi",
      id: "zindi-3",
      url: `${api.origin}/z3/v1/competitions`,
    });
    expect(await pollSource(ctx, "zindi-3")).toMatchObject({
      status: "error",
      error: expect.stringMatching(/^Zindi answered .* with something that is not JSON/),
    });
  });
});

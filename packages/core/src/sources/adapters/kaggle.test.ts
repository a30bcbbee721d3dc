import { readFileSync } from "node:fs";
import { startTestEnv, type TestEnv } from "@wkn/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { urlHash } from "../../url/canonical.js";
import { createSource, getSource } from "../manage.js";
import { pollSource } from "../poll.js";
import { startTestServer, type TestServer } from "../test-server.js";
import { competitionToCandidate, KAGGLE_LIST_PATH, kaggleCategory, MISSING_CREDENTIALS } from "./kaggle.js";

const fixture = JSON.parse(
  readFileSync(new URL("./testdata/kaggle-list-competitions.SYNTHETIC.json", import.meta.url), "utf8"),
) as { competitions: Record<string, unknown>[]; nextPageToken: string };

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

const page2 = {
  competitions: [
    {
      id: 7,
      ref: "older-comp",
      title: "An Older Competition",
      deadline: "2026-06-30T23:59:00Z",
      reward: "$10,000",
      category: "Research",
    },
    { id: 8, title: "No page at all" },
  ],
};

/** Serves the fixture as page 1 and `page2` for its token; records the request bodies. */
function routeList(path: string) {
  const bodies: Record<string, unknown>[] = [];
  api.route(path, (_req, res, body) => {
    const req = JSON.parse(body) as Record<string, unknown>;
    bodies.push(req);
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify(req.pageToken === fixture.nextPageToken ? page2 : fixture));
  });
  return bodies;
}

const NOW = new Date("2026-10-01T00:00:00Z");

describe("competitionToCandidate", () => {
  it("maps a competition into the shared competition shape", () => {
    expect(competitionToCandidate(fixture.competitions[1], NOW)).toEqual({
      url: "https://www.kaggle.com/competitions/example-featured-2026",
      title: "Example Featured Competition 2026",
      description: "Synthetic example of a prize competition",
      imageUrl: null,
      siteName: "Kaggle",
      author: "Example Org",
      publishedAt: "2026-09-01T16:00:00Z",
      kind: "competition",
      facts: {
        platform: "Kaggle",
        organiser: "Example Org",
        startsAt: "2026-09-01T16:00:00Z",
        deadline: "2026-12-31T23:59:00Z",
        reward: "$50,000",
        rewardAmount: 50000,
        rewardCurrency: "USD",
        tags: [],
        open: true,
        category: "Featured",
      },
    });
    expect(competitionToCandidate(fixture.competitions[0], NOW)?.facts).toMatchObject({
      reward: "Knowledge",
      rewardAmount: null,
      rewardCurrency: null,
      tags: ["tabular"],
      open: true,
    });
    // Past its deadline: closed.
    expect(
      competitionToCandidate(fixture.competitions[1], new Date("2027-01-01T00:00:00Z"))?.facts?.open,
    ).toBe(false);
  });

  it("treats every field as optional", () => {
    expect(competitionToCandidate({ ref: "slug-only" }, NOW)).toMatchObject({
      url: "https://www.kaggle.com/competitions/slug-only",
      title: "slug-only",
      description: null,
      facts: { deadline: null, reward: null, category: null, open: null, tags: [] },
    });
    expect(competitionToCandidate({ title: "nothing to link" }, NOW)).toBeUndefined();
    expect(competitionToCandidate(null, NOW)).toBeUndefined();
  });

  it("maps category names onto the API's enum", () => {
    expect(kaggleCategory("Getting Started")).toBe("HOST_SEGMENT_GETTING_STARTED");
    expect(kaggleCategory("featured")).toBe("HOST_SEGMENT_FEATURED");
    expect(kaggleCategory("all")).toBeUndefined();
    expect(() => kaggleCategory("fun")).toThrow(/unknown Kaggle category "fun"/);
  });
});

describe("kaggle source", () => {
  it("lists competitions with a Bearer token, page after page, newest first", async () => {
    const ctx = await env.ctx({
      env: { KAGGLE_API_URL: `${api.origin}/bearer/v1`, KAGGLE_API_TOKEN: "kgat_test" },
    });
    const bodies = routeList(`/bearer/v1${KAGGLE_LIST_PATH}`);
    await createSource(ctx, { kind: "kaggle", id: "kaggle", search: "tabular", category: "featured" });

    expect(await pollSource(ctx, "kaggle")).toEqual({ sourceId: "kaggle", status: "ok", newItems: 3 });
    const req = api.requests.findLast((r) => r.path.startsWith("/bearer/"))!;
    expect(req.method).toBe("POST");
    expect(req.headers.authorization).toBe("Bearer kgat_test");
    expect(req.headers["content-type"]).toMatch(/^application\/json/);
    expect(bodies).toEqual([
      {
        sortBy: "COMPETITION_SORT_BY_RECENTLY_CREATED",
        pageSize: 50,
        category: "HOST_SEGMENT_FEATURED",
        search: "tabular",
      },
      {
        sortBy: "COMPETITION_SORT_BY_RECENTLY_CREATED",
        pageSize: 50,
        category: "HOST_SEGMENT_FEATURED",
        search: "tabular",
        pageToken: "SYNTHETIC_TOKEN",
      },
    ]);
    const titanic = await ctx.store.items.get(urlHash("https://www.kaggle.com/competitions/titanic"));
    expect(titanic).toMatchObject({
      kind: "competition",
      title: "Titanic - Machine Learning from Disaster",
      deadline: "2030-01-01T00:00:00Z",
      reward: "Knowledge",
      category: "Getting Started",
      imageUrl: "https://storage.googleapis.com/kaggle-competitions/kaggle/3136/logos/thumb76_76.png",
    });
    expect(
      await ctx.store.items.get(urlHash("https://www.kaggle.com/competitions/older-comp")),
    ).toMatchObject({ reward: "$10,000" });
    expect((await getSource(ctx, "kaggle")).lastSkipped).toBe(1);

    // A repeat poll reads the first page only: nothing on it is new, so older pages hold nothing new.
    const before = bodies.length;
    expect(await pollSource(ctx, "kaggle")).toEqual({ sourceId: "kaggle", status: "ok", newItems: 0 });
    expect(bodies.length - before).toBe(1);
  });

  it("uses Basic auth with a legacy username and key", async () => {
    const ctx = await env.ctx({
      env: { KAGGLE_API_URL: `${api.origin}/basic/v1`, KAGGLE_USERNAME: "alice", KAGGLE_KEY: "s3cret" },
    });
    routeList(`/basic/v1${KAGGLE_LIST_PATH}`);
    await createSource(ctx, { kind: "kaggle", id: "kaggle" });
    expect(await pollSource(ctx, "kaggle")).toMatchObject({ status: "ok", newItems: 3 });
    const req = api.requests.findLast((r) => r.path.startsWith("/basic/"))!;
    expect(req.headers.authorization).toBe(`Basic ${Buffer.from("alice:s3cret").toString("base64")}`);
  });

  it("records a clear error without credentials, and when Kaggle refuses them", async () => {
    const none = await env.ctx({ env: { KAGGLE_API_URL: `${api.origin}/none/v1` } });
    await createSource(none, { kind: "kaggle", id: "kaggle" });
    expect(await pollSource(none, "kaggle")).toEqual({
      sourceId: "kaggle",
      status: "error",
      newItems: 0,
      error: MISSING_CREDENTIALS,
    });
    expect(await getSource(none, "kaggle")).toMatchObject({
      lastError: MISSING_CREDENTIALS,
      consecutiveFailures: 1,
    });
    expect(api.requests.some((r) => r.path.startsWith("/none/"))).toBe(false);

    const refused = await env.ctx({
      env: { KAGGLE_API_URL: `${api.origin}/refused/v1`, KAGGLE_API_TOKEN: "expired" },
    });
    api.route(`/refused/v1${KAGGLE_LIST_PATH}`, (_req, res) => {
      res.writeHead(401, { "content-type": "application/json" });
      res.end('{"error":{"code":401,"message":"Unauthenticated","status":"UNAUTHENTICATED"}}');
    });
    await createSource(refused, { kind: "kaggle", id: "kaggle" });
    expect(await pollSource(refused, "kaggle")).toMatchObject({
      status: "error",
      error: expect.stringMatching(/Kaggle refused the credentials \(HTTP 401/),
    });
  });
});

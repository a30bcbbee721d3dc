/**
 * Hostile feeds through the real pipeline (loopback HTTP, guarded fetch, parse, DynamoDB): each
 * fails alone with its error recorded on its source, the other sources are polled and stored,
 * and the process keeps answering meanwhile. (Before the parse bounds, the 200k-deep feed alone
 * held the thread for ~40 s: this test would time out.)
 */

import { startTestEnv, type TestEnv } from "@wkn/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deepFeed, deepHtmlTitleFeed, deepJsonFeed, deepTitleFeed } from "../parse/testing.js";
import { createSource, getSource } from "./manage.js";
import { pollDue } from "./poll.js";
import { rss, serve, startTestServer, type TestServer } from "./test-server.js";

let env: TestEnv;
let srv: TestServer;
beforeAll(async () => {
  env = await startTestEnv();
  srv = await startTestServer();
});
afterAll(async () => {
  await srv.close();
  await env.close();
});

/** Asks `/health` over HTTP again and again until stopped; counts the answers. */
function keepAsking(origin: string): { answered: () => number; stop: () => Promise<void> } {
  let answered = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const res = await fetch(`${origin}/health`);
      if (res.ok) answered++;
      await res.arrayBuffer();
    }
  })();
  const stop = () => {
    running = false;
    return loop;
  };
  return { answered: () => answered, stop };
}

describe("polling hostile feeds next to good ones", () => {
  it("records each failure on its source in words, stores the good feed, keeps serving", async () => {
    const ctx = await env.ctx();
    const json = { "content-type": "application/feed+json" };
    srv.route("/health", (_req, res) => void res.end("ok"));
    srv.route("/deep.xml", serve(deepFeed(200_000)));
    srv.route("/deep-title.xml", serve(deepTitleFeed(100_000)));
    srv.route("/deep-html-title.xml", serve(deepHtmlTitleFeed(100_000)));
    srv.route("/deep.json", serve(deepJsonFeed(200_000), json));
    srv.route("/good.xml", serve(rss("Good", [{ title: "Still here", link: "https://good.example/1" }])));
    const sources = ["deep.xml", "deep-title.xml", "deep-html-title.xml", "deep.json", "good.xml"];
    for (const [i, path] of sources.entries())
      await createSource(ctx, { kind: "feed", id: `s${i}`, url: `${srv.origin}/${path}` });

    const asker = keepAsking(srv.origin);
    const results = await pollDue(ctx, { all: true });
    const answeredDuringPoll = asker.answered();
    await asker.stop();

    const byId = Object.fromEntries(results.map((r) => [r.sourceId, r]));
    expect(byId.s4).toMatchObject({ status: "ok", newItems: 1 });
    const expected = {
      s0: "the document nests deeper than 512 elements",
      s1: "the document nests deeper than 512 elements",
      s2: "HTML in the feed nests deeper than 512 elements",
      s3: "the document nests deeper than 512 arrays or objects",
    };
    for (const [id, error] of Object.entries(expected)) {
      expect(byId[id]).toMatchObject({ status: "error", error });
      expect(await getSource(ctx, id)).toMatchObject({ lastError: error, consecutiveFailures: 1 });
    }
    expect((await getSource(ctx, "s4")).lastError).toBeNull();
    const stored = await ctx.store.items.list({ status: "new", limit: 10 });
    expect(stored.items.map((i) => i.title)).toEqual(["Still here"]);
    expect(answeredDuringPoll).toBeGreaterThan(0);
  });
});

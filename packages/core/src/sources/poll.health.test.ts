/**
 * Names and health of sources (issue 13, item 3) against a loopback server and dynalite: permanent
 * redirects move a feed, the feed's title names an unnamed source, a partly read document warns, an
 * unreadable one fails, and no stored text carries characters XML forbids.
 */

import { startTestEnv, type TestEnv } from "@wkn/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Ctx } from "../context.js";
import { urlHash } from "../url/canonical.js";
import { createSource, getSource, updateSource } from "./manage.js";
import { pollSource } from "./poll.js";
import { rss, serve, startTestServer, type TestServer } from "./test-server.js";

let env: TestEnv;
let srv: TestServer;
beforeAll(async () => {
  env = await startTestEnv();
  srv = await startTestServer("127.0.0.2");
});
afterAll(async () => {
  await srv.close();
  await env.close();
});

/** A context whose clock the test moves by hand. */
async function clocked(start = "2026-03-01T00:00:00.000Z") {
  let t = new Date(start).getTime();
  const ctx = await env.ctx({ now: () => new Date(t) });
  return {
    ctx,
    advance: (ms = 60 * 60_000) => {
      t += ms;
    },
    iso: () => new Date(t).toISOString(),
  };
}

const redirect =
  (status: number, to: string): Parameters<TestServer["route"]>[1] =>
  (_req, res) =>
    void res.writeHead(status, { location: to }).end();

const feed = (title: string, slug: string) =>
  serve(rss(title, [{ title: "A", link: `https://${slug}.example/1` }]));

async function feedSource(ctx: Ctx, id: string, path: string, name?: string) {
  return createSource(ctx, { kind: "feed", id, url: `${srv.origin}${path}`, ...(name ? { name } : {}) });
}

describe("a permanent redirect moves the feed's URL", () => {
  it("moves after two 301s to the same target and says so; the old address is free again", async () => {
    const { ctx, advance, iso } = await clocked();
    srv.route("/mv/old", redirect(301, "/mv/new"));
    srv.route("/mv/new", feed("Moved", "mv"));
    await feedSource(ctx, "mv", "/mv/old");

    expect(await pollSource(ctx, "mv")).toMatchObject({ status: "ok", newItems: 1 });
    let s = await getSource(ctx, "mv");
    expect(s.url).toBe(`${srv.origin}/mv/old`);
    expect(s.movedFrom).toBeUndefined();

    advance();
    const movedAt = iso();
    expect(await pollSource(ctx, "mv")).toMatchObject({ status: "ok" });
    s = await getSource(ctx, "mv");
    expect(s).toMatchObject({ url: `${srv.origin}/mv/new`, movedFrom: `${srv.origin}/mv/old`, movedAt });
    expect(s).not.toHaveProperty("pendingMove"); // poll memory stays inside

    // the next poll asks the new address directly
    const before = srv.requests.length;
    advance();
    await pollSource(ctx, "mv");
    expect(srv.requests.slice(before).map((r) => r.path)).toEqual(["/mv/new"]);
    // duplicate detection follows the address
    await expect(createSource(ctx, { kind: "feed", url: `${srv.origin}/mv/new` })).rejects.toMatchObject({
      kind: "conflict",
    });
    await expect(createSource(ctx, { kind: "feed", url: `${srv.origin}/mv/old` })).resolves.toBeDefined();
    // the editor setting an address clears the note
    expect(await updateSource(ctx, "mv", { url: `${srv.origin}/mv/new?v=2` })).not.toHaveProperty(
      "movedFrom",
    );
  });

  it("does not move on one 301, nor on two 301s to different targets, nor after one without", async () => {
    const { ctx, advance } = await clocked();
    srv.route("/once/feed", feed("Once", "once"));
    srv.route("/once/other", feed("Once", "once"));
    await feedSource(ctx, "once", "/once/old");
    const sequence = [
      redirect(301, "/once/feed"),
      feed("Once", "once"), // no redirect this time: the sighting is forgotten
      redirect(308, "/once/feed"),
      redirect(301, "/once/other"), // another target: starts over
    ];
    for (const route of sequence) {
      srv.route("/once/old", route);
      expect(await pollSource(ctx, "once")).toMatchObject({ status: "ok" });
      const s = await getSource(ctx, "once");
      expect(s.url).toBe(`${srv.origin}/once/old`);
      expect(s.movedFrom).toBeUndefined();
      advance();
    }
  });

  it("never moves on temporary redirects (302, 307)", async () => {
    const { ctx, advance } = await clocked();
    srv.route("/tmp/old", redirect(302, "/tmp/new"));
    srv.route("/tmp/new", feed("Temp", "tmp"));
    await feedSource(ctx, "tmp", "/tmp/old");
    for (const status of [302, 302, 307, 307]) {
      srv.route("/tmp/old", redirect(status, "/tmp/new"));
      expect(await pollSource(ctx, "tmp")).toMatchObject({ status: "ok" });
      advance();
    }
    const s = await getSource(ctx, "tmp");
    expect(s.url).toBe(`${srv.origin}/tmp/old`);
    expect(s.movedFrom).toBeUndefined();
  });

  it("counts a redirect answered by a 304, and stays put with a warning when another source polls the target", async () => {
    const { ctx, advance } = await clocked();
    srv.route("/nm/old", redirect(308, "/nm/new"));
    srv.route(
      "/nm/new",
      serve(rss("NM", [{ title: "A", link: "https://nm.example/1" }]), {}, { etag: '"v1"' }),
    );
    await feedSource(ctx, "nm", "/nm/old");
    await pollSource(ctx, "nm");
    advance();
    expect(await pollSource(ctx, "nm")).toMatchObject({ status: "not_modified" });
    expect((await getSource(ctx, "nm")).url).toBe(`${srv.origin}/nm/new`);

    srv.route("/dup/old", redirect(301, "/dup/new"));
    srv.route("/dup/new", feed("Dup", "dup"));
    await feedSource(ctx, "dup-target", "/dup/new");
    await feedSource(ctx, "dup", "/dup/old");
    await pollSource(ctx, "dup");
    advance();
    expect(await pollSource(ctx, "dup")).toMatchObject({ status: "ok" });
    const s = await getSource(ctx, "dup");
    expect(s.url).toBe(`${srv.origin}/dup/old`);
    expect(s.lastWarning).toContain(`permanently redirects (301/308) to ${srv.origin}/dup/new`);
    expect(s.lastWarning).toMatch(/another source already polls/);
  });
});

describe("a source the editor did not name takes its feed's title", () => {
  it("after the first successful poll, and follows it; the editor's name always wins", async () => {
    const { ctx, advance } = await clocked();
    srv.route("/name/a", serve(rss("  Hugging Face\n Blog \u0001", [])));
    const created = await feedSource(ctx, "name-a", "/name/a");
    expect(created).toMatchObject({ name: "127.0.0.2", nameSource: "default" });
    await pollSource(ctx, "name-a");
    expect(await getSource(ctx, "name-a")).toMatchObject({ name: "Hugging Face Blog", nameSource: "feed" });

    srv.route("/name/a", serve(rss("HF Blog", [])));
    advance();
    await pollSource(ctx, "name-a");
    expect((await getSource(ctx, "name-a")).name).toBe("HF Blog");

    // renamed by the editor later: no poll changes it again
    await updateSource(ctx, "name-a", { name: "Hugging Face" });
    srv.route("/name/a", serve(rss("Another title", [])));
    advance();
    await pollSource(ctx, "name-a");
    expect(await getSource(ctx, "name-a")).toMatchObject({ name: "Hugging Face", nameSource: "editor" });

    // named at creation: kept
    srv.route("/name/b", serve(rss("Feed title", [])));
    await feedSource(ctx, "name-b", "/name/b", "My name");
    await pollSource(ctx, "name-b");
    expect(await getSource(ctx, "name-b")).toMatchObject({ name: "My name", nameSource: "editor" });

    // a failed poll names nothing; an untitled feed keeps the default
    srv.route("/name/c", (_req, res) => void res.writeHead(500).end());
    await feedSource(ctx, "name-c", "/name/c");
    await pollSource(ctx, "name-c");
    srv.route("/name/c", serve(rss("", [])));
    advance();
    await pollSource(ctx, "name-c");
    expect(await getSource(ctx, "name-c")).toMatchObject({ name: "127.0.0.2", nameSource: "default" });
  });

  it("a rename made while a poll runs wins; a source stored before nameSource keeps an editor's name", async () => {
    const { ctx } = await clocked();
    srv.route("/name/race", serve(rss("Feed", [])));
    await feedSource(ctx, "race", "/name/race");
    await updateSource(ctx, "race", { name: "Editor's" });
    // the poll read the default name; the editor's rename came in between: the poll's state is
    // written, the name is not
    await ctx.store.sources.update(
      "race",
      { lastError: "from the poll" },
      { adoptName: { name: "Feed", expected: "127.0.0.2" } },
    );
    expect(await getSource(ctx, "race")).toMatchObject({ name: "Editor's", lastError: "from the poll" });

    srv.route("/name/legacy", serve(rss("Legacy Feed", [])));
    srv.route("/name/legacy2", serve(rss("Legacy Feed 2", [])));
    await feedSource(ctx, "legacy", "/name/legacy");
    await feedSource(ctx, "legacy2", "/name/legacy2", "Chosen long ago");
    await ctx.store.sources.update("legacy", { nameSource: null } as never);
    await ctx.store.sources.update("legacy2", { nameSource: null } as never);
    await pollSource(ctx, "legacy");
    await pollSource(ctx, "legacy2");
    expect((await getSource(ctx, "legacy")).name).toBe("Legacy Feed");
    expect((await getSource(ctx, "legacy2")).name).toBe("Chosen long ago");
  });
});

describe("what a poll could not read", () => {
  it("warns with the count and the reason when entries are skipped, and a clean poll clears it", async () => {
    const { ctx, advance } = await clocked();
    srv.route(
      "/warn/skip",
      serve(
        rss("Skip", [
          { title: "ok", link: "https://skip.example/1" },
          { title: "no link" },
          { title: "bad link", link: "ftp://skip.example/2" },
        ]),
        {},
        { etag: '"s1"' },
      ),
    );
    await feedSource(ctx, "skip", "/warn/skip");
    expect(await pollSource(ctx, "skip")).toMatchObject({ status: "ok", newItems: 1 });
    let s = await getSource(ctx, "skip");
    expect(s.lastSkipped).toBe(2);
    expect(s.lastWarning).toMatch(/^Skipped 2 of 3 entries: no usable link/);
    expect(s.lastWarning).toMatch(/validator|publisher/);

    // unchanged (304): the warning still holds
    advance();
    expect(await pollSource(ctx, "skip")).toMatchObject({ status: "not_modified" });
    expect((await getSource(ctx, "skip")).lastWarning).toMatch(/^Skipped 2/);

    srv.route("/warn/skip", serve(rss("Skip", [{ title: "ok", link: "https://skip.example/1" }])));
    advance();
    expect(await pollSource(ctx, "skip")).toMatchObject({ status: "ok" });
    s = await getSource(ctx, "skip");
    expect(s.lastWarning).toBeNull();
    expect(s.lastSkipped).toBe(0);
  });

  it("warns when the document has items but no entry could be read", async () => {
    const { ctx } = await clocked();
    const doc = `<?xml version="1.0"?><rss version="2.0"><channel><title>Odd</title><entry><title>a</title><link>https://odd.example/1</link></entry><entry><title>b</title></entry></channel></rss>`;
    srv.route("/warn/odd", serve(doc));
    await feedSource(ctx, "odd", "/warn/odd");
    expect(await pollSource(ctx, "odd")).toMatchObject({ status: "ok", newItems: 0 });
    expect((await getSource(ctx, "odd")).lastWarning).toMatch(
      /^No entry could be read, though the document has 2 items/,
    );

    // a feed that is simply empty is clean
    srv.route("/warn/empty", serve(rss("Quiet", [])));
    await feedSource(ctx, "quiet", "/warn/empty");
    await pollSource(ctx, "quiet");
    expect((await getSource(ctx, "quiet")).lastWarning).toBeNull();
  });

  it("fails the poll when every entry is unusable, and when no feed can be recognised", async () => {
    const { ctx, iso } = await clocked();
    srv.route(
      "/fail/links",
      serve(rss("None", [{ title: "a" }, { title: "b", link: "javascript:alert(1)" }])),
    );
    await feedSource(ctx, "nolinks", "/fail/links");
    const r = await pollSource(ctx, "nolinks");
    expect(r).toMatchObject({ status: "error", newItems: 0 });
    expect(r.error).toMatch(/^None of the 2 entries could be read: none has a usable link/);
    expect(await getSource(ctx, "nolinks")).toMatchObject({
      consecutiveFailures: 1,
      lastError: r.error,
      lastSuccessAt: null,
      lastPolledAt: iso(),
    });

    srv.route(
      "/fail/page",
      serve("<!doctype html><title>x</title><p>hi</p>", { "content-type": "text/html" }),
    );
    await feedSource(ctx, "page", "/fail/page");
    expect(await pollSource(ctx, "page")).toMatchObject({
      status: "error",
      error: expect.stringMatching(/not a feed/),
    });
    expect((await getSource(ctx, "page")).consecutiveFailures).toBe(1);
  });
});

describe("characters XML forbids", () => {
  it("never reach a stored item", async () => {
    const { ctx } = await clocked();
    const doc = JSON.stringify({
      version: "https://jsonfeed.org/version/1.1",
      title: "Site\u0001 name\uffff",
      items: [
        {
          id: "1",
          authors: [{ name: "Au\u0000thor" }],
          url: "https://ctrl.example/1",
          title: "Ti\u0002tle\ufffe \ud800x",
          content_text: "Body\u0007 text\u001b \ud83d\ude00",
        },
      ],
    });
    srv.route("/ctrl/feed.json", serve(doc, { "content-type": "application/feed+json" }));
    await feedSource(ctx, "ctrl", "/ctrl/feed.json");
    expect(await pollSource(ctx, "ctrl")).toMatchObject({ status: "ok", newItems: 1 });
    const item = await ctx.store.items.get(urlHash("https://ctrl.example/1"));
    expect(item).toMatchObject({
      title: "Title x",
      description: "Body text \ud83d\ude00",
      siteName: "Site name",
      author: "Author",
    });
    const forbidden =
      /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])/;
    for (const [field, value] of Object.entries(item ?? {}))
      if (typeof value === "string") expect(value, field).not.toMatch(forbidden);
    expect((await getSource(ctx, "ctrl")).name).toBe("Site name");
  });
});

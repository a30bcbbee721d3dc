import { readFileSync } from "node:fs";
import { startTestEnv, type TestEnv } from "@wkn/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { urlHash } from "../../url/canonical.js";
import { createSource, getSource } from "../manage.js";
import { pollSource } from "../poll.js";
import { recordCommands, startTestServer, type TestServer } from "../test-server.js";
import { GITHUB_API_VERSION, githubWebUrl, markdownToText, releaseToCandidate } from "./github.js";

const fixture = (name: string) => readFileSync(new URL(`./testdata/${name}`, import.meta.url));
const [octokitRelease] = JSON.parse(
  fixture("github-rest-releases-list.octokit-normalized.json").toString(),
) as Record<string, unknown>[];

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

const release = (over: Record<string, unknown>) => ({ ...octokitRelease, ...over });

describe("releaseToCandidate", () => {
  it("maps a REST release: title with the tag, release page, notes as text, tag and prerelease kept", () => {
    expect(releaseToCandidate("octokit-fixture-org/release-assets", octokitRelease)).toEqual({
      url: "https://github.com/octokit-fixture-org/release-assets/releases/tag/v1.0.0",
      title: "octokit-fixture-org/release-assets v1.0.0",
      description: "Initial release",
      imageUrl: null,
      siteName: "GitHub",
      author: "octokit-fixture-user-a",
      publishedAt: "2017-10-10T16:00:00Z",
      kind: "release",
      facts: { prerelease: false, tag: "v1.0.0" },
    });
  });

  it("leaves drafts out, counts releases without a page, falls back to the name without a tag", () => {
    expect(releaseToCandidate("o/r", release({ draft: true }))).toBe("draft");
    expect(releaseToCandidate("o/r", release({ html_url: null, tag_name: null, name: null }))).toBe(
      "no-link",
    );
    expect(releaseToCandidate("o/r", "garbage")).toBe("no-link");
    const named = releaseToCandidate("o/r", release({ tag_name: "", name: "Spring release" }));
    expect(named).toMatchObject({ title: "o/r Spring release" });
  });

  it("turns markdown release notes into plain text", () => {
    expect(
      markdownToText(
        "## Highlights\n\n* **Faster** `fit`\n* [Docs](https://x.example) <b>bold</b>\n\n<!-- hidden -->",
      ),
    ).toBe("Highlights Faster fit Docs bold");
  });

  it("derives the web address of github.com and of GitHub Enterprise", () => {
    expect(githubWebUrl("https://api.github.com")).toBe("https://github.com");
    expect(githubWebUrl("https://ghe.example.com/api/v3")).toBe("https://ghe.example.com");
    expect(githubWebUrl("http://127.0.0.1:8080")).toBe("http://127.0.0.1:8080");
  });
});

describe("github source", () => {
  it("with a token: REST API with auth and version headers, drafts out, prereleases flagged, a repeat poll is a free 304", async () => {
    const ctx = await env.ctx({ env: { GITHUB_API_URL: api.origin, GITHUB_TOKEN: "ghp_test" } });
    const list = [
      release({
        id: 3,
        tag_name: "v2.0.0rc1",
        html_url: "https://github.com/acme/lib/releases/tag/v2.0.0rc1",
        prerelease: true,
        body: "Release **candidate**",
      }),
      release({
        id: 2,
        tag_name: "v1.1.0",
        html_url: "https://github.com/acme/lib/releases/tag/v1.1.0",
        draft: true,
      }),
      release({ id: 1, tag_name: "v1.0.0", html_url: "https://github.com/acme/lib/releases/tag/v1.0.0" }),
    ];
    api.route("/repos/acme/lib/releases", (req, res) => {
      if (req.headers["if-none-match"] === 'W/"abc"')
        return void res.writeHead(304, { etag: 'W/"abc"' }).end();
      res.writeHead(200, {
        "content-type": "application/json; charset=utf-8",
        etag: 'W/"abc"',
        "cache-control": "private, max-age=60",
      });
      res.end(JSON.stringify(list));
    });
    await createSource(ctx, { kind: "github", id: "gh-lib", repo: "acme/lib" });

    expect(await pollSource(ctx, "gh-lib")).toEqual({ sourceId: "gh-lib", status: "ok", newItems: 2 });
    const req = api.requests.findLast((r) => r.path.startsWith("/repos/acme/lib/releases"))!;
    expect(req.path).toBe("/repos/acme/lib/releases?per_page=30");
    expect(req.headers.authorization).toBe("Bearer ghp_test");
    expect(req.headers.accept).toBe("application/vnd.github+json");
    expect(req.headers["x-github-api-version"]).toBe(GITHUB_API_VERSION);

    const rc = await ctx.store.items.get(urlHash("https://github.com/acme/lib/releases/tag/v2.0.0rc1"));
    expect(rc).toMatchObject({
      title: "acme/lib v2.0.0rc1",
      kind: "release",
      prerelease: true,
      tag: "v2.0.0rc1",
      description: "Release candidate",
      sourceIds: ["gh-lib"],
    });
    expect(
      await ctx.store.items.get(urlHash("https://github.com/acme/lib/releases/tag/v1.0.0")),
    ).toMatchObject({ prerelease: false });
    expect(
      await ctx.store.items.get(urlHash("https://github.com/acme/lib/releases/tag/v1.1.0")),
    ).toBeUndefined();

    const rec = recordCommands(ctx);
    expect(await pollSource(ctx, "gh-lib")).toEqual({
      sourceId: "gh-lib",
      status: "not_modified",
      newItems: 0,
    });
    expect(api.requests.at(-1)?.headers["if-none-match"]).toBe('W/"abc"');
    expect(rec.commands.map((c) => c.name)).toEqual(["GetItemCommand", "UpdateItemCommand"]);
  });

  it("without a token: the repository's releases.atom through the feed parser", async () => {
    const ctx = await env.ctx({ env: { GITHUB_API_URL: api.origin } });
    api.route("/gulpjs/gulp/releases.atom", (_req, res) => {
      res.writeHead(200, { "content-type": "application/atom+xml; charset=utf-8" });
      res.end(fixture("atom-github-releases-gulp-2015.atom"));
    });
    await createSource(ctx, { kind: "github", id: "gh-gulp", repo: "gulpjs/gulp" });
    expect(await pollSource(ctx, "gh-gulp")).toEqual({ sourceId: "gh-gulp", status: "ok", newItems: 10 });
    const req = api.requests.findLast((r) => r.path === "/gulpjs/gulp/releases.atom")!;
    expect(req.headers.authorization).toBeUndefined();
    const item = await ctx.store.items.get(urlHash("https://github.com/gulpjs/gulp/releases/tag/v3.9.0"));
    expect(item).toMatchObject({
      title: "gulpjs/gulp v3.9.0",
      kind: "release",
      tag: "v3.9.0",
      author: "contra",
      siteName: "GitHub",
      imageUrl: null,
      publishedAt: "2015-06-01T21:49:41.000Z",
    });
  });

  it("records an API failure on the source", async () => {
    const ctx = await env.ctx({ env: { GITHUB_API_URL: api.origin, GITHUB_TOKEN: "bad" } });
    api.route(
      "/repos/acme/private/releases",
      (_req, res) =>
        void res.writeHead(401, { "content-type": "application/json" }).end('{"message":"Bad credentials"}'),
    );
    api.route(
      "/repos/acme/odd/releases",
      (_req, res) =>
        void res.writeHead(200, { "content-type": "application/json" }).end('{"message":"not a list"}'),
    );
    await createSource(ctx, { kind: "github", id: "gh-private", repo: "acme/private" });
    await createSource(ctx, { kind: "github", id: "gh-odd", repo: "acme/odd" });
    expect(await pollSource(ctx, "gh-private")).toMatchObject({
      status: "error",
      error: expect.stringMatching(/401/),
    });
    expect(await pollSource(ctx, "gh-odd")).toMatchObject({
      status: "error",
      error: expect.stringMatching(/not a release list/),
    });
    expect((await getSource(ctx, "gh-odd")).consecutiveFailures).toBe(1);
  });
});

describe("markdownToText on hostile release notes", () => {
  it("drops the description of notes nested past the parse limit instead of failing the poll", () => {
    const deep = `${"<div>".repeat(5000)}x${"</div>".repeat(5000)}`;
    expect(markdownToText(deep)).toBe("");
    expect(markdownToText("**Fixed** the `loader`.")).toBe("Fixed the loader.");
  });
});

import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startTestEnv, type TestEnv } from "@wkn/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listSources } from "./manage.js";
import { defaultSourcesFile, loadSourcesFile, seedSources } from "./seed.js";

let env: TestEnv;
const dir = mkdtempSync(join(tmpdir(), "wkn-seed-"));
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

beforeAll(async () => {
  env = await startTestEnv();
});
afterAll(() => env.close());

describe("seedSources", () => {
  it("seeds the bundled list once: a second run skips what exists", async () => {
    const ctx = await env.ctx();
    const first = await seedSources(ctx, undefined);
    expect(first.seeded).toBeGreaterThan(40);
    const sources = await listSources(ctx);
    expect(sources).toHaveLength(first.seeded);
    const byId = new Map(sources.map((s) => [s.id, s]));
    expect(byId.get("kaggle-competitions")).toMatchObject({
      kind: "kaggle",
      enabled: true,
      intervalMinutes: 360,
    });
    expect(byId.get("gh-lightgbm")).toMatchObject({ kind: "github", repo: "lightgbm-org/LightGBM" });
    expect(byId.get("zenn-topic-kaggle")).toMatchObject({
      kind: "feed",
      url: "https://zenn.dev/topics/kaggle/feed",
    });
    expect(byId.get("qiita-tag-kaggle")?.kind).toBe("feed");
    expect(byId.get("kaggle-blog")?.url).toBe("https://medium.com/feed/kaggle-blog");
    for (const repo of [
      "scikit-learn",
      "pytorch",
      "transformers",
      "accelerate",
      "xgboost",
      "catboost",
      "pytorch-lightning",
      "pytorch-image-models",
    ]) {
      expect(
        sources.some((s) => s.kind === "github" && s.repo?.endsWith(`/${repo}`)),
        repo,
      ).toBe(true);
    }
    // due at once, polled by the scheduler's next tick, not at start-up
    expect(sources.every((s) => s.lastPolledAt === null)).toBe(true);

    const again = await seedSources(ctx, undefined);
    expect(again).toEqual({ seeded: 0, existing: first.seeded });
    expect(await listSources(ctx)).toHaveLength(first.seeded);
  });

  it("seeds nothing for SOURCES_FILE=none", async () => {
    const ctx = await env.ctx();
    expect(await seedSources(ctx, "none")).toEqual({ seeded: 0, existing: 0 });
    expect(await listSources(ctx)).toEqual([]);
  });

  it("reads another file, inferring kinds and skipping entries without a URL, URL patterns and other APIs", async () => {
    const ctx = await env.ctx();
    const p = file(
      "researched.yaml",
      `
blogs:
  - {id: hf, name: Hugging Face Blog, url: "https://huggingface.co/blog/feed.xml", kind: rss2, verified: tested-list}
  - {id: anthropic, name: Anthropic News, url: null, kind: none}
  - {id: meta, name: Meta AI, url: null, kind: auto}
  - {id: note-user, name: "note user (pattern)", url: "https://note.com/{creator_id}/rss", kind: rss2}
kaggle:
  - {id: kaggle-competitions, name: Kaggle competitions, url: "https://api.kaggle.com/v1/competitions.CompetitionApiService/ListCompetitions", kind: api}
  - {id: kaggle-datasets, name: Kaggle datasets, url: "https://api.kaggle.com/v1/datasets.DatasetApiService/ListDatasets", kind: api}
github_releases:
  - {id: gh-xgboost, repo: dmlc/xgboost, url: "https://github.com/dmlc/xgboost/releases.atom", kind: atom}
`,
    );
    expect(await seedSources(ctx, p)).toEqual({ seeded: 3, existing: 0 });
    const kinds = Object.fromEntries((await listSources(ctx)).map((s) => [s.id, s.kind]));
    expect(kinds).toEqual({ hf: "feed", "kaggle-competitions": "kaggle", "gh-xgboost": "github" });
  });

  it("refuses a bad file with an error naming the entry, and seeds nothing from it", async () => {
    const ctx = await env.ctx();
    const bad = file(
      "bad.yaml",
      `
feeds:
  - {id: ok-one, kind: feed, url: "https://example.com/feed"}
  - {id: broken, kind: github, repo: "not a repo"}
`,
    );
    await expect(seedSources(ctx, bad)).rejects.toThrow(
      /bad\.yaml: entry "broken" \(feeds\[1\]\): repo: must be "owner\/name"/,
    );
    expect(await listSources(ctx)).toEqual([]);

    const badUrl = file("bad-url.yaml", `- {id: x, kind: feed, url: "ftp://example.com/feed"}\n`);
    await expect(seedSources(ctx, badUrl)).rejects.toThrow(
      /entry "x" \(\[0\]\): url: must be an http or https URL/,
    );
    const dupe = file(
      "dupe.yaml",
      `- {id: a, url: "https://example.com/feed"}\n- {id: b, url: "https://EXAMPLE.com/feed#x"}\n`,
    );
    await expect(seedSources(ctx, dupe)).rejects.toThrow(
      /entry "b" \(\[1\]\): the same source as .*entry "a"/,
    );
    await expect(seedSources(ctx, file("yaml.yaml", "a: [unclosed\n"))).rejects.toThrow(
      /yaml\.yaml is not valid YAML/,
    );
    await expect(seedSources(ctx, join(dir, "missing.yaml"))).rejects.toThrow(/missing\.yaml cannot be read/);
  });

  it("bundles a file whose every entry is a valid source", async () => {
    const { records, skipped } = await loadSourcesFile(defaultSourcesFile(), new Date());
    expect(skipped).toEqual([]);
    expect(new Set(records.map((r) => r.id)).size).toBe(records.length);
  });
});

/**
 * The layers (README "Code layout"), checked on every import of every non-test module: a new
 * import that runs back up a layer fails here, naming the file and the import.
 *
 * Packages, top to bottom: functions/ and stacks/ (AWS wiring) → packages/local (embedded runtime)
 * → packages/api (HTTP) → packages/core. packages/web is the editor's page: its server side is
 * used by local and functions, its browser side imports no other package.
 *
 * Inside core, folders have ranks and import only lower ranks: the domain stages form a one-way
 * graph (subscribers and links below items, items below sources and issues, all of them below
 * mail), over the context, the store and the bottom layer (model, errors, text, url, fetch, feed…).
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const REPO = fileURLToPath(new URL("../", import.meta.url));
const CORE = join(REPO, "packages/core/src");

/** Core's folders (and top-level modules) by rank: an import must go to a strictly lower rank. */
const CORE_RANKS: Record<string, number> = {
  model: 0,
  errors: 0,
  "control-chars": 0,
  util: 0,
  config: 0,
  log: 0,
  text: 1,
  url: 1,
  encoding: 1,
  parse: 1,
  jobs: 1,
  i18n: 1,
  fetch: 1,
  feed: 2,
  store: 2,
  media: 2,
  context: 3,
  runtime: 4,
  subscribers: 5,
  links: 5,
  items: 6,
  sources: 7,
  issues: 7,
  mail: 8,
  index: 10,
};

/** Which workspace packages each part of the repository may import. */
const PACKAGE_RULES: { part: string; may: string[] }[] = [
  { part: "packages/core/src", may: ["@wkn/core"] },
  { part: "packages/api/src", may: ["@wkn/core", "@wkn/api"] },
  { part: "packages/web/src", may: [] },
  { part: "packages/web/server", may: ["@wkn/web"] },
  { part: "packages/local/src", may: ["@wkn/core", "@wkn/api", "@wkn/web", "@wkn/local"] },
  { part: "functions", may: ["@wkn/core", "@wkn/api", "@wkn/web"] },
  { part: "stacks", may: ["@wkn/core", "@wkn/web"] },
];

/**
 * Test harnesses are not part of the layers: they start dynalite and the local SES (from
 * @wkn/local) for tests. They are named `testing.ts`, `testing/` or `test-server.ts` and only
 * tests import them.
 */
const isHarness = (path: string) => /(^|\/)(testing(\.ts|\/)|test-server\.ts$)/.test(path);
const isTest = (path: string) => /\.test\.tsx?$/.test(path);

function* sourceFiles(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    if (name === "node_modules" || name === "dist" || name.startsWith(".")) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* sourceFiles(p);
    else if (/\.tsx?$/.test(name) && !name.endsWith(".d.ts")) yield p;
  }
}

/** Every module specifier a file imports or re-exports, statically or with `import()`. */
function importsOf(source: string): string[] {
  const out: string[] = [];
  for (const m of source.matchAll(/(?:^|\n)\s*(?:import|export)\s[^;]*?from\s*"([^"]+)"/g)) out.push(m[1]!);
  for (const m of source.matchAll(/(?:^|\n)\s*import\s*"([^"]+)"/g)) out.push(m[1]!);
  for (const m of source.matchAll(/\bimport\(\s*"([^"]+)"\s*\)/g)) out.push(m[1]!);
  return out;
}

/** A core module's folder (or top-level module name), as CORE_RANKS names it. */
const coreUnit = (file: string) => {
  const rel = relative(CORE, file).split(sep);
  return rel.length > 1 ? rel[0]! : rel[0]!.replace(/\.[jt]sx?$/, "");
};

/** The problems of one file's imports, in words. */
function problemsOf(file: string): string[] {
  const rel = relative(REPO, file).split(sep).join("/");
  if (isTest(rel) || isHarness(rel)) return [];
  const rule = PACKAGE_RULES.find((r) => rel.startsWith(`${r.part}/`));
  if (!rule) return [];
  const problems: string[] = [];
  for (const spec of importsOf(readFileSync(file, "utf8"))) {
    if (spec.startsWith("@wkn/")) {
      const pkg = spec.split("/").slice(0, 2).join("/");
      if (!rule.may.includes(pkg))
        problems.push(
          `${rel} imports ${spec}: ${rule.part} may import ${rule.may.join(", ") || "no workspace package"}`,
        );
      continue;
    }
    if (!spec.startsWith(".")) continue;
    const target = resolve(file, "..", spec);
    if (!relative(REPO, target).split(sep).join("/").startsWith(`${rule.part}/`)) {
      problems.push(`${rel} imports ${spec}: a relative import out of ${rule.part}`);
      continue;
    }
    if (rule.part !== "packages/core/src") continue;
    const from = coreUnit(file);
    const to = coreUnit(target);
    if (from === to) continue;
    const [a, b] = [CORE_RANKS[from], CORE_RANKS[to]];
    if (a === undefined || b === undefined) {
      problems.push(`${rel}: core/${a === undefined ? from : to} has no rank in scripts/layers.test.ts`);
    } else if (b >= a) {
      problems.push(
        `${rel} imports ${spec}: core/${from} (rank ${a}) may import only lower ranks, not core/${to} (${b})`,
      );
    }
  }
  return problems;
}

describe("layers", () => {
  it("no module imports upward, across packages or between core's folders", () => {
    const files = PACKAGE_RULES.flatMap((r) => [...sourceFiles(join(REPO, r.part))]);
    expect(files.length).toBeGreaterThan(200);
    expect(files.flatMap(problemsOf)).toEqual([]);
  });

  it("finds imports in every form, and would catch an upward one", () => {
    expect(
      importsOf(
        `import a from "./a.js";\nimport type { B } from "../b.js";\nexport { c } from "./c.js";\nimport "./d.js";\nconst e = await import("./e.js");`,
      ),
    ).toEqual(["./a.js", "../b.js", "./c.js", "./d.js", "./e.js"]);
    // store (rank 2) importing the items stage (6): reported.
    const store = join(CORE, "store/items.ts");
    expect(CORE_RANKS[coreUnit(store)]).toBeLessThan(CORE_RANKS[coreUnit(join(CORE, "items/list.ts"))]!);
  });
});

/**
 * Cold start (issue 16, item 3): how long a fresh Node process takes to import each Lambda
 * function's bundle, against importing `@aws-sdk/client-dynamodb` alone, the floor every function
 * that reads the table pays.
 *
 * The bundles are the ones `npm run synth` makes (SST's esbuild, sst.config.ts's options and
 * plugins), rebuilt into .build/cold-start/ by stacks/function-bundles.ts, where Node finds the AWS
 * SDK in the repository's node_modules as a function finds the runtime's. Each import runs in its
 * own process with only the environment the stacks give that function (its secrets as dummy
 * values, so no import calls SSM; a socket opened during an import is refused and counted).
 *
 * The imports run in rounds, each round every function and the baseline once, in an order that
 * turns from round to round; a function's time is its median over the rounds, and its ratio that
 * median over the baseline's. Summary keys are the functions' file names under functions/ (`api`,
 * `poll-worker`, ...): `{ "api": 1.31, ... }`. Budget: every ratio ≤ 1.5.
 */
import { spawn } from "node:child_process";
import { readFile, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { probeImport } from "../../stacks/import-probe.js";
import { type BenchReport, budget, ratio, round, table } from "./frame.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const OUT = path.join(ROOT, ".build", "cold-start");
const BASELINE = "@aws-sdk/client-dynamodb";
/** A function's import may take this many times the baseline's (DESIGN.md "Performance budget"). */
export const COLD_START_BUDGET = 1.5;

interface Manifest {
  probe: string;
  functions: { name: string; file: string; env: Record<string, string> }[];
}

/**
 * Builds the bundles in a child process: reading the stacks needs NODE_ENV=test and SST's project
 * state, which must not leak into the benchmarks that share this process.
 */
async function buildInChild(): Promise<Manifest> {
  const script = [
    'const m = await import("./stacks/function-bundles.ts");',
    'const config = await import("./sst.config.ts");',
    "const fns = await m.lambdaFunctions(config.default);",
    `const files = await m.buildBundles(fns, ${JSON.stringify(OUT)}, config.FUNCTION_DEFAULTS.nodejs);`,
    `const probe = await (await import("./stacks/import-probe.ts")).writeProbe(${JSON.stringify(OUT)});`,
    "const functions = fns.map((f) => ({ name: f.name, file: files[f.name], env: f.env }));",
    `await (await import("node:fs/promises")).writeFile(${JSON.stringify(path.join(OUT, "manifest.json"))}, JSON.stringify({ probe, functions }));`,
  ].join("\n");
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
      cwd: ROOT,
      env: { ...process.env, NODE_ENV: "test", SST_TELEMETRY_DISABLED: "1" },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let err = "";
    child.stderr.on("data", (d) => {
      err += d;
    });
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0
        ? resolve()
        : reject(new Error(`building the bundles failed (exit ${code}):\n${err.trim()}`)),
    );
  });
  return JSON.parse(await readFile(path.join(OUT, "manifest.json"), "utf8")) as Manifest;
}

/** `file` and the chunks it imports statically, transitively: what importing it compiles. */
async function eagerFiles(file: string): Promise<string[]> {
  const seen = new Set<string>();
  const queue = [file];
  while (queue.length) {
    const f = queue.pop()!;
    if (seen.has(f)) continue;
    seen.add(f);
    // `from"./x.mjs"` and a bare `import"./x.mjs"` (a chunk imported for its side effects).
    for (const m of (await readFile(f, "utf8")).matchAll(/\b(?:from|import)\s*"(\.\/[^"]+)"/g)) {
      queue.push(path.join(path.dirname(f), m[1]!));
    }
  }
  return [...seen];
}

/**
 * A module that imports the API's bundle and then the editor's API chunk it loads on the first
 * `/api` request (packages/api/src/editor.ts): what a cold start that serves the editor compiles.
 * Shown beside the functions, outside the budget (a reader's request never loads it).
 */
async function apiWithEditor(apiFile: string): Promise<{ file: string; chunk: string } | undefined> {
  const chunk = (await readFile(apiFile, "utf8")).match(/\bimport\(\s*"(\.\/editor-[^"]+)"\s*\)/)?.[1];
  if (!chunk) return undefined;
  const file = path.join(path.dirname(apiFile), "api-with-editor.mjs");
  await writeFile(file, `import "./${path.basename(apiFile)}";\nawait import(${JSON.stringify(chunk)});\n`);
  return { file, chunk: path.join(path.dirname(apiFile), chunk) };
}

/**
 * The baseline loaded as the bundles load the SDK (stacks/bundle.ts, awsSdkRequired): `require`
 * runs CommonJS without ESM's translation, so a bundle can import in less than the baseline. The
 * table shows both floors.
 */
const REQUIRED = "(same, by require)";
async function requiredBaseline(outdir: string): Promise<string> {
  const file = path.join(outdir, "functions", "required-baseline.mjs");
  await writeFile(
    file,
    `import { createRequire } from "node:module";\ncreateRequire(import.meta.url)(${JSON.stringify(BASELINE)});\n`,
  );
  return file;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

export async function benchColdStart(opts: { quick: boolean }): Promise<BenchReport> {
  const rounds = opts.quick ? 3 : 11;
  const manifest = await buildInChild();
  const api = manifest.functions.find((f) => f.name === "api");
  const withEditor = api && (await apiWithEditor(api.file));
  const WITH_EDITOR = "api, first /api request";
  const targets = [
    { name: BASELINE, target: BASELINE, env: {} as Record<string, string> },
    { name: REQUIRED, target: await requiredBaseline(OUT), env: {} as Record<string, string> },
    ...manifest.functions.map((f) => ({ name: f.name, target: f.file, env: f.env })),
    ...(api && withEditor ? [{ name: WITH_EDITOR, target: withEditor.file, env: api.env }] : []),
  ];
  const times = new Map<string, number[]>(targets.map((t) => [t.name, []]));
  const clients = new Map<string, string[]>();
  const connections: string[] = [];
  for (let r = 0; r < rounds; r++) {
    // Each round starts one further along, and every other round runs backwards: no target always
    // follows the same one or sits at the same place in a round.
    const order = targets.map((_, i) => targets[(i + r) % targets.length]!);
    if (r % 2 === 1) order.reverse();
    for (const t of order) {
      const p = await probeImport(manifest.probe, t.target, t.env);
      if (p.error) throw new Error(`coldStart: importing ${t.name} threw: ${p.error}`);
      times.get(t.name)!.push(p.ms);
      clients.set(t.name, p.clients);
      connections.push(...p.connections.map((c) => `${t.name} → ${c}`));
    }
  }

  const base = median(times.get(BASELINE)!);
  const required = median(times.get(REQUIRED)!);
  const summary: Record<string, number> = {};
  const short = (name: string) =>
    clients
      .get(name)!
      .map((c) => c.replace("@aws-sdk/client-", ""))
      .join(" ") || "-";
  const rows: unknown[][] = [
    [BASELINE, null, base, 1, ratio(base, required), short(BASELINE)],
    [REQUIRED, null, required, ratio(required, base), 1, short(REQUIRED)],
  ];
  const kibAtImport = async (...entries: string[]) => {
    const files = new Set((await Promise.all(entries.map(eagerFiles))).flat());
    const sizes = await Promise.all([...files].map(async (f) => (await stat(f)).size));
    return sizes.reduce((a, b) => a + b, 0) / 1024;
  };
  for (const f of manifest.functions) {
    const ms = median(times.get(f.name)!);
    summary[f.name] = ratio(ms, base) ?? 0;
    rows.push([
      f.name,
      round(await kibAtImport(f.file), 0),
      ms,
      summary[f.name],
      ratio(ms, required),
      short(f.name),
    ]);
  }
  if (withEditor) {
    const ms = median(times.get(WITH_EDITOR)!);
    const kib = await kibAtImport(api!.file, withEditor.chunk);
    rows.push([
      `(${WITH_EDITOR})`,
      round(kib, 0),
      ms,
      ratio(ms, base),
      ratio(ms, required),
      short(WITH_EDITOR),
    ]);
  }
  const worst = Object.entries(summary).sort((a, b) => b[1] - a[1])[0]!;
  const budgets = [
    budget(
      "coldStart: no import opens a connection (secrets given, nothing fetched)",
      connections.length === 0,
      connections.join(", ") || "none",
    ),
    ...Object.entries(summary).map(([name, x]) =>
      budget(
        `coldStart: ${name} imports within ${COLD_START_BUDGET}× ${BASELINE}`,
        x <= COLD_START_BUDGET,
        `${x}× (${round(median(times.get(name)!), 1)} ms vs ${round(base, 1)} ms)`,
        "ratio",
      ),
    ),
  ];
  return {
    summary,
    lines: [
      `coldStart: each function's bundle imported in a fresh process vs ${BASELINE} alone, median of ${rounds} interleaved rounds`,
      ...table(
        ["function", "KiB at import", "import ms", "ratio", "vs require", "AWS clients at import"],
        rows,
      ),
      ...(withEditor
        ? [
            `(${WITH_EDITOR}): the API's import, then the editor's API it loads on that request (zod, the schemas); outside the budget: a reader's request never loads it`,
          ]
        : []),
      `coldStart ratio: highest ${worst[1]}× (${worst[0]}), budget ${COLD_START_BUDGET}×; ${BASELINE} alone ${round(base, 1)} ms imported, ${round(required, 1)} ms required`,
      "(the bundles load the AWS SDK by require, which skips ESM's translation of CommonJS: stacks/bundle.ts; `vs require` is each against that floor)",
    ],
    budgets,
  };
}

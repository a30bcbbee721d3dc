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
import { readFile, stat } from "node:fs/promises";
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

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

export async function benchColdStart(opts: { quick: boolean }): Promise<BenchReport> {
  const rounds = opts.quick ? 3 : 11;
  const manifest = await buildInChild();
  const targets = [
    { name: BASELINE, target: BASELINE, env: {} as Record<string, string> },
    ...manifest.functions.map((f) => ({ name: f.name, target: f.file, env: f.env })),
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
  const summary: Record<string, number> = {};
  const short = (name: string) =>
    clients
      .get(name)!
      .map((c) => c.replace("@aws-sdk/client-", ""))
      .join(" ") || "-";
  const rows: unknown[][] = [[BASELINE, null, base, 1, short(BASELINE)]];
  for (const f of manifest.functions) {
    const ms = median(times.get(f.name)!);
    summary[f.name] = ratio(ms, base) ?? 0;
    const kib = (await stat(f.file)).size / 1024;
    rows.push([f.name, round(kib, 0), ms, summary[f.name], short(f.name)]);
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
      ...table(["function", "KiB", "import ms", "ratio", "AWS clients at import"], rows),
      `coldStart ratio: highest ${worst[1]}× (${worst[0]}), budget ${COLD_START_BUDGET}×; ${BASELINE} alone ${round(base, 1)} ms`,
    ],
    budgets,
  };
}

/**
 * `npm run synth [-- --stage <name>]`: writes the CloudFormation templates of every stack to
 * .build/synth/ offline (no AWS credentials, no network), then prints the resources by type and
 * each function's bundle size against its budget (DESIGN.md "Performance budget": 1 MiB each, the
 * API's 900 KiB); exit code 1 past one. stacks/app.test.ts checks the same in `npm test`.
 *
 * `npm run synth -- --why api`: what fills a function's bundle instead: functions/api.ts built as
 * the stacks build it (SST's esbuild, the function defaults and plugins of sst.config.ts), its
 * output bytes summed per input package, largest first.
 *
 * The recipe (DESIGN.md "Tooling facts"): NODE_ENV=test makes SST's App.finish() skip the CDK
 * bootstrap lookup, an explicit account replaces the STS call `sst build` would make.
 */
import { readdir, readFile, rm, stat } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

process.env.NODE_ENV = "test";
process.env.SST_TELEMETRY_DISABLED = "1";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const OUT = path.join(ROOT, ".build", "synth");
/** A placeholder account: templates name it in ARNs; deploying puts the real one there. */
const ACCOUNT = "123456789012";
const BUNDLE_BUDGET = 1024 * 1024;
/** Functions with a tighter budget than BUNDLE_BUDGET, by handler. */
const BUDGETS: Record<string, number> = { "functions/api.handler": 900 * 1024 };

interface Template {
  Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }>;
}

async function sizeOf(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += (await stat(path.join(entry.parentPath, entry.name))).size;
  }
  return total;
}

const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;

/** The bytes each input package (or our own folder) adds to a function's bundle. */
async function why(name: string) {
  const { FUNCTION_DEFAULTS } = await import("../sst.config.js");
  const { functionBuildOptions } = await import("../stacks/bundle.js");
  const { sstEsbuild } = await import("../stacks/testing.js");
  const entry = path.join(ROOT, "functions", `${name}.ts`);
  const result = await sstEsbuild().build({
    // SST's esbuild is older than the top-level one these types come from
    ...(functionBuildOptions(FUNCTION_DEFAULTS.nodejs!) as unknown as import("esbuild").BuildOptions),
    entryPoints: [entry],
    outfile: path.join(OUT, "why", `${name}.mjs`),
    write: false,
    metafile: true,
    logLevel: "silent",
  });
  const output = Object.values(result.metafile.outputs).find((o) => o.entryPoint)!;
  const byPackage = new Map<string, number>();
  for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
    // the innermost package (a nested copy counts as its own), else our folder
    const pkg = /.*node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
    const key = pkg ? input.slice(0, pkg.index + pkg[0].length) : path.dirname(input);
    byPackage.set(key, (byPackage.get(key) ?? 0) + bytesInOutput);
  }
  console.log(`functions/${name}.ts: ${kib(output.bytes)} minified, by input (of ${byPackage.size}):`);
  for (const [key, bytes] of [...byPackage].sort((a, b) => b[1] - a[1]).slice(0, 40))
    console.log(`  ${kib(bytes).padStart(10)}  ${key}`);
}

async function main() {
  const { values } = parseArgs({
    options: { stage: { type: "string", default: "dev" }, why: { type: "string" } },
  });
  if (values.why) return why(values.why);
  const stage = values.stage!;
  // Imported after NODE_ENV is set.
  const { initProject, useProject } = await import("sst/project.js");
  const { App } = await import("sst/constructs");
  const { default: config } = await import("../sst.config.js");

  await initProject({ stage, root: ROOT });
  const project = useProject();
  await rm(OUT, { recursive: true, force: true });
  const app = new App(
    { mode: "deploy", name: project.config.name, stage, region: project.config.region, account: ACCOUNT },
    { outdir: OUT },
  );
  await config.stacks(app);
  await app.finish();
  const assembly = app.synth();

  const byType = new Map<string, number>();
  const bundles: { stack: string; id: string; handler: string; bytes: number }[] = [];
  for (const artifact of assembly.stacks) {
    const template = JSON.parse(await readFile(path.join(OUT, artifact.templateFile), "utf8")) as Template;
    for (const [id, res] of Object.entries(template.Resources)) {
      byType.set(res.Type, (byType.get(res.Type) ?? 0) + 1);
      const handler = res.Properties?.Handler;
      // Our functions (SST's own custom-resource handler is not bundled from functions/). The code
      // asset's S3 key is `<hash>.zip`; the assembly holds it unzipped as `asset.<hash>/`.
      if (
        res.Type === "AWS::Lambda::Function" &&
        typeof handler === "string" &&
        handler.startsWith("functions/")
      ) {
        const key = (res.Properties?.Code as { S3Key?: string } | undefined)?.S3Key;
        if (!key?.endsWith(".zip")) throw new Error(`${id}: no code asset in the template`);
        bundles.push({
          stack: artifact.stackName,
          id,
          handler,
          bytes: await sizeOf(path.join(OUT, `asset.${key.slice(0, -4)}`)),
        });
      }
    }
  }

  console.log(
    `CloudFormation templates of stage "${stage}" (${project.config.region}) in ${path.relative(ROOT, OUT)}/:`,
  );
  for (const s of assembly.stacks) console.log(`  ${s.templateFile}`);
  console.log("\nResources by type:");
  for (const [type, n] of [...byType].sort(([a], [b]) => a.localeCompare(b)))
    console.log(`  ${String(n).padStart(3)}  ${type}`);
  console.log(`  ${String([...byType.values()].reduce((a, b) => a + b, 0)).padStart(3)}  total`);
  console.log(
    `\nFunction bundles (budget ${kib(BUNDLE_BUDGET)} each, the API's ${kib(BUDGETS["functions/api.handler"]!)}; minified, AWS SDK external):`,
  );
  let over = 0;
  for (const b of bundles.sort((x, y) => x.handler.localeCompare(y.handler))) {
    const budget = BUDGETS[b.handler] ?? BUNDLE_BUDGET;
    const flag = b.bytes > budget ? `  OVER BUDGET (${kib(budget)})` : "";
    if (flag) over++;
    console.log(`  ${kib(b.bytes).padStart(11)}  ${b.handler}${flag}`);
  }
  if (over > 0) {
    console.error(`\n${over} bundle(s) over budget`);
    process.exitCode = 1;
  }
}

await main();

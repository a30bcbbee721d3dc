/**
 * Each Lambda function's bundle as `npm run synth` makes it, rebuilt outside a synthesis: for the
 * cold-start benchmark (scripts/bench/cold-start.ts) and the check that no function loads an AWS
 * client package it does not need at import (function-bundles.test.ts, with ./import-probe.ts).
 *
 * The functions, their handlers and their environment come from the stacks themselves (built
 * offline and not synthesized: nothing is bundled by SST); the bundles from SST's esbuild with the
 * options and plugins of sst.config.ts (bundle.ts `functionBuildOptions`), the files a function
 * copies beside its code (`copyFiles`) included. Run with NODE_ENV=test, as the infra tests are.
 */
import { cp, rm } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Stack } from "aws-cdk-lib";
import type { CfnFunction } from "aws-cdk-lib/aws-lambda";
import type { SSTConfig } from "sst";
import { App, type FunctionProps, Function as SstFunction, useFunctions } from "sst/constructs";
import { useProject } from "sst/project.js";
import { functionBuildOptions } from "./bundle.js";
import { initTestProject, sstEsbuild, TEST_ACCOUNT, TEST_REGION, TEST_STAGE } from "./testing.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** A function of the stacks, by its file name under functions/ (`api`, `poll-worker`, ...). */
export interface LambdaFunction {
  name: string;
  /** The source file, e.g. `functions/poll-worker.ts`. */
  entry: string;
  /** The environment the stacks give it, every reference and SST placeholder a dummy (`dummyValue`). */
  env: Record<string, string>;
  copyFiles: { from: string; to: string }[];
}

/** What a deploy must be given (stacks/settings.ts); any values do offline. */
const DEPLOY_SETTINGS = { FROM_EMAIL: "newsletter@news.example.com", OPERATOR_EMAIL: "ops@example.com" };

/**
 * A stand-in for a value known only once deployed (a queue's URL, a table's name) or kept in SSM
 * (an SST secret): a URL where the variable holds one, else a plain word. Secrets given this way
 * are read as they are (functions/lib/sst-config.ts `givenValues`), so no import calls SSM.
 */
export const dummyValue = (name: string): string =>
  /_URL$/.test(name) ? `https://${name.toLowerCase().replaceAll("_", "-")}.example.com/` : `dummy-${name}`;

/**
 * The functions of the stacks (`config`: sst.config.ts's default export), their environment read
 * from the CloudFormation they make.
 */
export async function lambdaFunctions(config: SSTConfig): Promise<LambdaFunction[]> {
  Object.assign(process.env, DEPLOY_SETTINGS);
  const dir = await initTestProject();
  try {
    const app = new App(
      {
        mode: "deploy",
        name: useProject().config.name,
        stage: TEST_STAGE,
        region: TEST_REGION,
        account: TEST_ACCOUNT,
      },
      { outdir: path.join(dir, "cdk.out") },
    );
    await config.stacks(app); // no app.finish(): that would bundle every function
    const out: LambdaFunction[] = [];
    for (const fn of app.node.findAll()) {
      if (!(fn instanceof SstFunction)) continue;
      const props = useFunctions().fromID(fn.node.addr);
      const handler = props?.handler;
      if (!handler?.startsWith("functions/")) continue;
      const name = handler.replace(/^functions\//, "").replace(/\.handler$/, "");
      const cfn = fn.node.defaultChild as CfnFunction;
      const resolved = Stack.of(fn).resolve(cfn.environment) as { variables?: Record<string, unknown> };
      const env: Record<string, string> = {};
      for (const [k, v] of Object.entries(resolved?.variables ?? {})) {
        const bound = /^SST_(?:Secret|Parameter)_value_(.+)$/.exec(k);
        if (typeof v !== "string") env[k] = dummyValue(k);
        else if (bound && v.startsWith("__FETCH_FROM_")) env[k] = dummyValue(bound[1]!);
        else env[k] = v;
      }
      out.push({
        name,
        entry: `functions/${name}.ts`,
        env,
        copyFiles: (props?.copyFiles ?? []).map((c) => ({ from: c.from, to: c.to ?? c.from })),
      });
    }
    return out.sort((a, b) => a.name.localeCompare(b.name));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Builds each function into `<outdir>/functions/<name>.mjs` (its copied files and, with
 * splitting, its chunks beside, as in the asset). The AWS SDK stays external, as on Lambda's runtime: `outdir` must be inside the
 * repository, so Node finds `@aws-sdk/*` in its node_modules. Returns the bundles' paths by name.
 */
export async function buildBundles(
  fns: LambdaFunction[],
  outdir: string,
  /** sst.config.ts's `FUNCTION_DEFAULTS.nodejs`: what every function is built with. */
  nodejs: NonNullable<FunctionProps["nodejs"]>,
): Promise<Record<string, string>> {
  const esbuild = sstEsbuild();
  const files: Record<string, string> = {};
  await Promise.all(
    fns.map(async (fn) => {
      const outfile = path.join(outdir, "functions", `${fn.name}.mjs`);
      await esbuild.build({
        // SST's esbuild is older than the top-level one these types come from
        ...(functionBuildOptions(nodejs) as unknown as import("esbuild").BuildOptions),
        entryPoints: [path.join(ROOT, fn.entry)],
        // with splitting, SST builds into the entry's directory (its chunks beside it), as here
        ...(nodejs.splitting ? { outdir: path.dirname(outfile) } : { outfile }),
        logLevel: "error",
      });
      for (const c of fn.copyFiles) {
        await cp(path.join(ROOT, c.from), path.join(outdir, c.to), { recursive: true });
      }
      files[fn.name] = outfile;
    }),
  );
  return files;
}

/**
 * Which AWS SDK clients each function's bundle loads when Lambda imports it (a cold start): the
 * DynamoDB client, which nearly every invocation uses, and nothing else. SES, SQS, S3 and SSM load
 * in the code paths that send, enqueue, store a thumbnail or fetch a secret (core's
 * util/lazy-client.ts, functions/lib/lambda-ctx.ts). Structural facts only: how long an import
 * takes is `npm run bench -- --only coldStart`.
 */
import { mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import config, { FUNCTION_DEFAULTS } from "../sst.config.js";
import { buildBundles, type LambdaFunction, lambdaFunctions } from "./function-bundles.js";
import { type ImportProbe, probeImport, writeProbe } from "./import-probe.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const DYNAMODB = "@aws-sdk/client-dynamodb";

/** The clients a function may load at import; any other waits for the code path that uses it. */
const AT_IMPORT: Record<string, string[]> = {
  api: [DYNAMODB],
  "confirm-worker": [DYNAMODB],
  "poll-schedule": [DYNAMODB],
  "poll-worker": [DYNAMODB],
  "send-resume": [DYNAMODB],
  "send-worker": [DYNAMODB],
  "ses-feedback": [DYNAMODB],
  "unfurl-worker": [DYNAMODB],
  web: [], // the page, from memory: no table
};

let dir: string;
let fns: LambdaFunction[];
let files: Record<string, string>;
const probes = new Map<string, ImportProbe>();

beforeAll(async () => {
  // inside the repository, so the bundles find the AWS SDK in its node_modules (as on Lambda's runtime)
  await mkdir(path.join(ROOT, ".build"), { recursive: true });
  dir = await mkdtemp(path.join(ROOT, ".build", "bundles-test-"));
  fns = await lambdaFunctions(config);
  files = await buildBundles(fns, dir, FUNCTION_DEFAULTS.nodejs!);
  const probe = await writeProbe(dir);
  for (const fn of fns) probes.set(fn.name, await probeImport(probe, files[fn.name]!, fn.env));
}, 120_000);
afterAll(() => (dir ? rm(dir, { recursive: true, force: true }) : undefined));

describe("a function's import (its cold start)", () => {
  it("covers every function of the stacks", () => {
    expect(fns.map((f) => f.name)).toEqual(Object.keys(AT_IMPORT).sort());
  });

  it("loads only the AWS clients the function needs on every invocation", () => {
    const loaded = Object.fromEntries([...probes].map(([name, p]) => [name, p.clients]));
    expect(loaded).toEqual(AT_IMPORT);
  });

  it("imports without an error and opens no connection: secrets given in the environment are not fetched", () => {
    for (const [name, p] of probes) {
      expect(p.error, name).toBeUndefined();
      expect(p.connections, name).toEqual([]);
    }
  });

  it("leaves zod, the editor's API and the route groups most requests never reach to chunks loaded on first use", async () => {
    const imports = async (file: string, re: RegExp) =>
      [...(await readFile(file, "utf8")).matchAll(re)].map((m) => path.join(path.dirname(file), m[1]!));
    const staticImports = (file: string) => imports(file, /\bfrom\s*"(\.\/[^"]+)"/g);
    const dynamicImports = (file: string) => imports(file, /\bimport\(\s*"(\.\/[^"]+)"\s*\)/g);
    /** `from` and what it imports statically, transitively: what loading it compiles. */
    const closure = async (from: string[]) => {
      const seen = new Set<string>();
      const queue = [...from];
      while (queue.length) {
        const f = queue.pop()!;
        if (seen.has(f)) continue;
        seen.add(f);
        queue.push(...(await staticImports(f)));
      }
      return seen;
    };
    // What a cold start compiles, and every file loaded later (at any depth)
    const eager = await closure([files.api!]);
    const all = new Set(eager);
    for (let grew = true; grew; ) {
      const dynamic = (await Promise.all([...all].map(dynamicImports))).flat();
      const next = await closure(dynamic);
      grew = [...next].some((f) => !all.has(f));
      for (const f of next) all.add(f);
    }
    const lazy = [...all].filter((f) => !eager.has(f)).map((f) => path.basename(f));
    // editor.ts and packages/api/src/groups/*.ts, each its own chunk named after it
    const GROUPS = ["editor", "issues", "jobs", "links", "readers", "sources", "subscribers"];
    expect(GROUPS.filter((g) => !lazy.some((f) => f.startsWith(`${g}-`)))).toEqual([]);
    // zod names its schema classes ("ZodObject"), minified or not
    const hasZod = async (f: string) => (await readFile(f, "utf8")).includes('"ZodObject"');
    expect((await Promise.all([...eager].map(hasZod))).some(Boolean)).toBe(false);
    expect((await Promise.all([...all].map(hasZod))).some(Boolean)).toBe(true);
  });

  it("gets the environment the stacks give, secrets and deploy-time references as stand-ins", () => {
    const api = fns.find((f) => f.name === "api")!;
    expect(api.env.SST_Secret_value_EDITOR_TOKEN).toBe("dummy-EDITOR_TOKEN");
    expect(api.env.SEND_QUEUE_URL).toMatch(/^https:\/\//);
    expect(api.env.TABLE_NAME).toBe("dummy-TABLE_NAME");
  });
});

/**
 * Infra-test helpers: build SST stacks offline (DESIGN.md "Tooling facts") and read the templates
 * with references resolved to names, so assertions say "queue PollQueue" rather than a logical id.
 */
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Aspects } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import { AwsSolutionsChecks, ServerlessChecks } from "cdk-nag";
import { App, getStack } from "sst/constructs";
import { initProject, useProject } from "sst/project.js";
import { OPERATION_SETTINGS } from "./operations.js";
import { FORWARDED } from "./settings.js";

export const TEST_ACCOUNT = "123456789012";
export const TEST_REGION = "us-east-1";
export const TEST_STAGE = "test";
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/**
 * The esbuild SST bundles the functions with (its own dependency, older than the top-level one
 * whose types this borrows). Use it with `functionBuildOptions` (bundle.ts).
 */
export function sstEsbuild(): typeof import("esbuild") {
  const require = createRequire(import.meta.url);
  return require(require.resolve("esbuild", { paths: [path.dirname(require.resolve("sst/package.json"))] }));
}

// biome-ignore lint/suspicious/noExplicitAny: SST's functional stacks are typed `FunctionalStack<any>`
type StackFn = (...args: any[]) => unknown;

/**
 * Loads sst.config.ts for stage "test" and points SST's working folders (function bundles, the
 * generated types) at a new temporary folder: test files run in parallel and would otherwise
 * share .sst/. Returns that folder.
 */
export async function initTestProject(): Promise<string> {
  await initProject({ stage: TEST_STAGE, root: ROOT });
  const dir = await mkdtemp(path.join(tmpdir(), "wkn-sst-"));
  const project = useProject();
  project.paths.out = dir;
  project.paths.artifacts = path.join(dir, "artifacts");
  return dir;
}

/**
 * Builds an app (vitest sets NODE_ENV=test, so `finish()` needs no AWS account): `define` adds the
 * stacks; `settings` become the deploy environment (every other setting the stacks read is
 * cleared). `nag`: AWS's rule packs check the app as it is synthesized (see `nagReport`).
 * Bundling takes a second or more per function: build once per test file, `dispose()` after.
 */
export async function buildApp(
  define: (app: App) => void | Promise<void>,
  settings: Record<string, string> = {},
  opts: { nag?: boolean } = {},
) {
  for (const name of [...FORWARDED, ...OPERATION_SETTINGS]) delete process.env[name];
  Object.assign(process.env, settings);
  const dir = await initTestProject();
  const outdir = path.join(dir, "cdk.out");
  const app = new App(
    {
      mode: "deploy",
      name: useProject().config.name,
      stage: TEST_STAGE,
      region: TEST_REGION,
      account: TEST_ACCOUNT,
    },
    { outdir },
  );
  await define(app);
  if (opts.nag) {
    Aspects.of(app).add(new AwsSolutionsChecks());
    Aspects.of(app).add(new ServerlessChecks());
  }
  await app.finish();
  return {
    app,
    outdir,
    template: (stack: StackFn) => Template.fromStack(getStack(stack)),
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
}

export interface NagRow {
  rule: string;
  resource: string;
  /** "Compliant", "Non-Compliant", "Suppressed" (or a rule's own failure). */
  compliance: string;
  reason: string;
  level: string;
}

/** cdk-nag's CSV reports of every pack and stack, written into the assembly when it synthesized. */
export async function nagReport(outdir: string): Promise<NagRow[]> {
  const files = (await readdir(outdir)).filter((f) => f.endsWith("-NagReport.csv"));
  if (files.length === 0) throw new Error("no cdk-nag report: build with { nag: true } and synthesize first");
  const rows: NagRow[] = [];
  for (const file of files) {
    const lines = (await readFile(path.join(outdir, file), "utf8")).split("\n").filter(Boolean).slice(1);
    for (const line of lines) {
      // every field is quoted; a quote inside one is doubled
      const fields = [...line.matchAll(/"((?:[^"]|"")*)"/g)].map((m) => m[1]!.replaceAll('""', '"'));
      const [rule, resource, compliance, reason, level] = fields as [string, string, string, string, string];
      rows.push({ rule, resource, compliance, reason, level });
    }
  }
  return rows;
}

// biome-ignore lint/suspicious/noExplicitAny: CloudFormation JSON
export type Cfn = any;
export interface Resource {
  stack: string;
  id: string;
  Type: string;
  Properties: Cfn;
  /** "Retain" for what outlives its stack. */
  DeletionPolicy?: string;
}

/** Every template of an app, with CloudFormation expressions rendered as readable strings. */
export class Cloud {
  readonly resources: Resource[] = [];
  private readonly exports = new Map<string, { stack: string; value: Cfn }>();

  constructor(templates: Record<string, Cfn>) {
    for (const [stack, t] of Object.entries(templates)) {
      for (const [id, r] of Object.entries<Cfn>(t.Resources ?? {})) {
        this.resources.push({
          stack,
          id,
          Type: r.Type,
          Properties: r.Properties ?? {},
          DeletionPolicy: r.DeletionPolicy,
        });
      }
      for (const o of Object.values<Cfn>(t.Outputs ?? {})) {
        if (o.Export?.Name) this.exports.set(o.Export.Name, { stack, value: o.Value });
      }
    }
  }

  static fromApp(built: { template: (s: StackFn) => Template }, stacks: Record<string, StackFn>): Cloud {
    return new Cloud(
      Object.fromEntries(Object.entries(stacks).map(([n, s]) => [n, built.template(s).toJSON()])),
    );
  }

  ofType(type: string): Resource[] {
    return this.resources.filter((r) => r.Type === type);
  }

  get(stack: string, id: string): Resource {
    const r = this.resources.find((x) => x.stack === stack && x.id === id);
    if (!r) throw new Error(`no resource ${stack}/${id}`);
    return r;
  }

  /** A resource's readable name: `table:Table`, `queue:PollQueue`, `topic:…`, `function:api`. */
  nameOf(stack: string, id: string): string {
    const r = this.get(stack, id);
    const p = r.Properties;
    const short = (s: string) => s.replace(`${TEST_STAGE}-weekly-ml-news-`, "");
    switch (r.Type) {
      case "AWS::DynamoDB::Table":
        return `table:${short(p.TableName)}`;
      case "AWS::SQS::Queue":
        return `queue:${short(p.QueueName)}`;
      case "AWS::SNS::Topic":
        return `topic:${id}`;
      case "AWS::S3::Bucket":
        return `bucket:${id.replace(/[0-9A-F]{8}$/, "")}`;
      case "AWS::Lambda::Function":
        return `function:${functionName(r)}`;
      default:
        return `${r.Type}:${id}`;
    }
  }

  /** Renders a CloudFormation value: references become names (see nameOf), Joins are joined. */
  render(stack: string, v: Cfn): string {
    if (typeof v === "string") return v;
    if (Array.isArray(v)) return v.map((x) => this.render(stack, x)).join(",");
    if (v?.Ref) {
      const pseudo: Record<string, string> = {
        "AWS::Partition": "aws",
        "AWS::Region": TEST_REGION,
        "AWS::AccountId": TEST_ACCOUNT,
      };
      return pseudo[v.Ref] ?? this.nameOf(stack, v.Ref);
    }
    if (v?.["Fn::GetAtt"]) {
      const [id, attr] = v["Fn::GetAtt"] as [string, string];
      const name = this.nameOf(stack, id);
      return attr === "Arn" ? name : `${name}.${attr}`;
    }
    if (v?.["Fn::Join"]) {
      const [sep, parts] = v["Fn::Join"] as [string, Cfn[]];
      return parts.map((x) => this.render(stack, x)).join(sep);
    }
    if (v?.["Fn::ImportValue"]) {
      const exported = this.exports.get(v["Fn::ImportValue"]);
      if (!exported) throw new Error(`no export ${v["Fn::ImportValue"]}`);
      return this.render(exported.stack, exported.value);
    }
    return JSON.stringify(v);
  }

  /** Our Lambda functions (handlers under functions/), by name: `api`, `poll-worker`, ... */
  functions(): Map<string, Resource> {
    return new Map(
      this.ofType("AWS::Lambda::Function")
        .filter(isOurs)
        .map((r) => [functionName(r), r]),
    );
  }

  /** Every IAM statement of the function's role, with actions and resources rendered. */
  statements(fn: Resource): { actions: string[]; resources: string[] }[] {
    const roleId = fn.Properties.Role["Fn::GetAtt"][0];
    return this.ofType("AWS::IAM::Policy")
      .filter((p) => p.stack === fn.stack && p.Properties.Roles.some((r: Cfn) => r.Ref === roleId))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as Cfn[])
      .map((s) => {
        if (s.Effect !== "Allow") throw new Error(`unexpected ${s.Effect} statement`);
        return {
          actions: [s.Action].flat(),
          resources: [s.Resource].flat().map((r: Cfn) => this.render(fn.stack, r)),
        };
      });
  }

  /** Resources the function may call `action` on (actions matched exactly, as written). */
  reach(fn: Resource, action: string): string[] {
    const out = this.statements(fn)
      .filter((s) => s.actions.includes(action))
      .flatMap((s) => s.resources);
    return [...new Set(out)].sort();
  }
}

const isOurs = (r: Resource) =>
  typeof r.Properties.Handler === "string" && r.Properties.Handler.startsWith("functions/");
/** `functions/poll-worker.handler` → `poll-worker`. */
export const functionName = (r: Resource): string =>
  isOurs(r) ? r.Properties.Handler.replace(/^functions\//, "").replace(/\.handler$/, "") : r.id;

/**
 * Values of SST v2 `Config.Secret` / `Config.Parameter` bound to a Lambda, read from SSM Parameter
 * Store without `sst/node` (which would put its own SSM client and proxies into every bundle).
 *
 * The conventions are SST v2's own (sst `constructs/util/binding.js`, `node/util/index.js`):
 * binding a Secret sets `SST_Secret_value_<ID>=__FETCH_FROM_SSM__` and grants `ssm:GetParameters`
 * on `<SST_SSM_PREFIX>Secret/<ID>/value` and on the app-wide fallback
 * `/sst/<SST_APP>/.fallback/Secret/<ID>/value` (what `sst secrets set --fallback` writes).
 * Parameters have no fallback. Keep this in step with SST when upgrading.
 */
import type { SSMClient } from "@aws-sdk/client-ssm";
import type { Env } from "@wkn/core/config";

export const FETCH_FROM_SSM = "__FETCH_FROM_SSM__";
/** SSM's GetParameters takes at most 10 names per call. */
const MAX_NAMES = 10;

export interface BoundValue {
  type: "Secret" | "Parameter";
  /** The construct id, e.g. `EDITOR_TOKEN`: we name secrets after the variables `loadConfig` reads. */
  id: string;
}

/** The values bound to this function that SST left in SSM (env `SST_<Type>_value_<ID>` = placeholder). */
export function boundValues(env: Env): BoundValue[] {
  const out: BoundValue[] = [];
  for (const [name, value] of Object.entries(env)) {
    if (value !== FETCH_FROM_SSM) continue;
    const m = /^SST_(Secret|Parameter)_value_(.+)$/.exec(name);
    if (m) out.push({ type: m[1] as BoundValue["type"], id: m[2]! });
  }
  return out;
}

/**
 * Values given in the environment itself (`SST_<Type>_value_<ID>` = the value, not the placeholder),
 * read as they are, as sst/node does: no SSM call, and no SSM client loaded for them.
 */
export function givenValues(env: Env): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    const m = /^SST_(Secret|Parameter)_value_(.+)$/.exec(name);
    // the placeholders (`__FETCH_FROM_SSM__`, sst's `__FETCH_FROM_SECRET__:<name>`) are not values
    if (m && value !== undefined && !value.startsWith("__FETCH_FROM_")) out[m[2]!] = value;
  }
  return out;
}

/** The SSM parameter name SST stores a value under (the stage's, or the app-wide fallback). */
export function ssmPath(env: Env, v: BoundValue, fallback = false): string {
  if (fallback) {
    if (!env.SST_APP) throw new Error("SST_APP is not set: cannot build the fallback secret path");
    return `/sst/${env.SST_APP}/.fallback/${v.type}/${v.id}/value`;
  }
  if (!env.SST_SSM_PREFIX) throw new Error("SST_SSM_PREFIX is not set: cannot build the SSM path");
  return `${env.SST_SSM_PREFIX}${v.type}/${v.id}/value`;
}

async function getParameters(ssm: SSMClient, names: string[]): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  // loaded only when something is bound: see lambda-ctx.ts
  const { GetParametersCommand } = await import("@aws-sdk/client-ssm");
  for (let i = 0; i < names.length; i += MAX_NAMES) {
    const res = await ssm.send(
      new GetParametersCommand({ Names: names.slice(i, i + MAX_NAMES), WithDecryption: true }),
    );
    for (const p of res.Parameters ?? []) if (p.Name && p.Value !== undefined) found.set(p.Name, p.Value);
  }
  return found;
}

export interface LoadedValues {
  /** id → value, e.g. `{ EDITOR_TOKEN: "…" }`. */
  values: Record<string, string>;
  /** Ids bound but set neither for the stage nor as a fallback. */
  missing: string[];
}

/** Reads every bound value: the stage's path first, then the fallback for secrets not set there. */
export async function loadBoundValues(env: Env, ssm: SSMClient): Promise<LoadedValues> {
  const bound = boundValues(env);
  if (bound.length === 0) return { values: {}, missing: [] };
  const values: Record<string, string> = {};
  const primary = await getParameters(
    ssm,
    bound.map((v) => ssmPath(env, v)),
  );
  const unresolved: BoundValue[] = [];
  for (const v of bound) {
    const value = primary.get(ssmPath(env, v));
    if (value !== undefined) values[v.id] = value;
    else unresolved.push(v);
  }
  const secrets = unresolved.filter((v) => v.type === "Secret");
  const fallback = secrets.length
    ? await getParameters(
        ssm,
        secrets.map((v) => ssmPath(env, v, true)),
      )
    : new Map<string, string>();
  const missing: string[] = [];
  for (const v of unresolved) {
    const value = v.type === "Secret" ? fallback.get(ssmPath(env, v, true)) : undefined;
    if (value !== undefined) values[v.id] = value;
    else missing.push(v.id);
  }
  return { values, missing };
}

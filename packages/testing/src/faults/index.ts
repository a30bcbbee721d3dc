/**
 * The DynamoDB-fault suites' harness (`npm run test:faults`): a context whose table requests go
 * through the fault proxy, beside a direct one on the same table to set up and check with; a
 * job-runner-like rerun that records every run a fault outlasted; one summary line per suite.
 * Test harness only: product code must not import it.
 */

import type { Ctx } from "@wkn/core/context";
import type { Jobs } from "@wkn/core/jobs";
import { rawDbOf } from "@wkn/core/store/raw";
import { onTestFinished } from "vitest";
import type { TestEnv } from "../index.js";
import { type DynamoFaultProxy, type DynamoFaultStats, startDynamoFaultProxy } from "./dynamo-proxy.js";

export { type DynamoFaultProxy, startDynamoFaultProxy } from "./dynamo-proxy.js";

/** 10% of requests by default; `DYNAMO_FAULT_RATE` / `DYNAMO_FAULT_SEED` change it. */
export const FAULT_RATE = Number(process.env.DYNAMO_FAULT_RATE ?? 0.1);
export const FAULT_SEED = Number(process.env.DYNAMO_FAULT_SEED ?? 20260105);

export interface FaultyPair {
  /** Through the proxy: the code under test runs here. */
  faulty: Ctx;
  /** Straight to dynalite, same table: setup and checks. */
  direct: Ctx;
  proxy: DynamoFaultProxy;
  /** Runs that threw because a fault outlasted the SDK's retries, and were run again. */
  reruns: { label: string; error: string }[];
  /** Counts the suite adds to its summary line. */
  notes: Record<string, unknown>;
}

/** A pair for the current test; its summary line is printed and the proxy closed when the test ends, pass or fail. */
export async function faultyPair(
  env: TestEnv,
  name: string,
  opts: { jobs?: Jobs; now?: () => Date; env?: Record<string, string>; seed?: number } = {},
): Promise<FaultyPair> {
  const direct = await env.ctx({ jobs: opts.jobs, now: opts.now, env: opts.env });
  const seed = opts.seed ?? FAULT_SEED;
  const proxy = await startDynamoFaultProxy({ target: env.dynamoEndpoint, rate: FAULT_RATE, seed });
  // The same table (it exists: ensureTable leaves it), reached through the proxy.
  const faulty = await env.ctx({
    jobs: opts.jobs,
    now: opts.now,
    env: { ...opts.env, TABLE_NAME: direct.config.tableName, DYNAMODB_ENDPOINT: proxy.endpoint },
  });
  const pair: FaultyPair = { faulty, direct, proxy, reruns: [], notes: {} };
  onTestFinished(async () => {
    summary(name, seed, proxy.stats(), pair.reruns, pair.notes);
    rawDbOf(faulty.store).doc.destroy();
    rawDbOf(direct.store).doc.destroy();
    await proxy.close();
  });
  return pair;
}

/**
 * Runs `fn` as a job runner would: a run that throws is recorded and run again, up to `max` runs.
 */
export async function asJobRunner<T>(
  pair: Pick<FaultyPair, "reruns">,
  label: string,
  fn: () => Promise<T>,
  max = 8,
): Promise<T> {
  for (let run = 1; ; run++) {
    try {
      return await fn();
    } catch (e) {
      const error = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
      pair.reruns.push({ label, error });
      if (run >= max) throw e;
    }
  }
}

/** One line for the suite's log (and the README's table): requests, faults, reruns. */
function summary(
  name: string,
  seed: number,
  stats: DynamoFaultStats,
  reruns: FaultyPair["reruns"],
  extra = {},
) {
  const line = {
    suite: name,
    rate: FAULT_RATE,
    seed,
    requests: stats.requests,
    faults: stats.faults,
    heldBack: { items: stats.heldBackItems, keys: stats.heldBackKeys },
    reruns: reruns.length,
    rerunErrors: reruns.map((r) => `${r.label}: ${r.error}`),
    ...extra,
  };
  console.log(`[faults] ${JSON.stringify(line)}`);
}

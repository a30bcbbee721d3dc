/**
 * The core context inside a Lambda: configuration from the environment the stacks set, secrets
 * from SSM (SST `Config.Secret`, read by ./sst-config.ts), background jobs through SQS. Built once
 * per cold start: handlers `await lambdaCtx()` at module scope.
 */
import { SSMClient } from "@aws-sdk/client-ssm";
import { type Env, loadConfig } from "@wkn/core/config";
import type { Ctx } from "@wkn/core/context";
import { sqsJobs } from "@wkn/core/jobs/sqs";
import { createLogger } from "@wkn/core/log";
import { createCtx } from "@wkn/core/runtime";
import { invocationFields } from "./invocation.js";
import { boundValues, loadBoundValues } from "./sst-config.js";

/** Secrets a function can run without: GitHub answers unauthenticated (at a lower rate limit). */
export const OPTIONAL_SECRETS: ReadonlySet<string> = new Set(["GITHUB_TOKEN", "KAGGLE_API_TOKEN"]);

export { withInvocationId } from "./invocation.js";

export async function createLambdaCtx(env: Env, opts: { ssm?: SSMClient } = {}): Promise<Ctx> {
  let values: Record<string, string> = {};
  if (boundValues(env).length > 0) {
    const ssm = opts.ssm ?? new SSMClient({});
    try {
      const loaded = await loadBoundValues(env, ssm);
      const required = loaded.missing.filter((id) => !OPTIONAL_SECRETS.has(id));
      if (required.length > 0) {
        throw new Error(
          `not set for stage "${env.SST_STAGE ?? "?"}": ${required.join(", ")} (set with: npx sst secrets set <NAME> <value>)`,
        );
      }
      values = loaded.values;
    } finally {
      if (!opts.ssm) ssm.destroy();
    }
  }
  // Bound values are named after the variables loadConfig reads (EDITOR_TOKEN, PUBLIC_BASE_URL, ...).
  const config = loadConfig({ ...env, ...values });
  return createCtx(config, {
    jobs: sqsJobs(config.queues),
    log: createLogger({ fn: env.AWS_LAMBDA_FUNCTION_NAME }, console.log, invocationFields),
  });
}

let cached: Promise<Ctx> | undefined;

/** The context of this Lambda instance, built on first use. A failed build is retried on the next call. */
export function lambdaCtx(env: Env = process.env): Promise<Ctx> {
  cached ??= createLambdaCtx(env).catch((e: unknown) => {
    cached = undefined;
    throw e;
  });
  return cached;
}

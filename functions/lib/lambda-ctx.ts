/**
 * The core context inside a Lambda: configuration from the environment the stacks set, secrets
 * from SSM (SST `Config.Secret`, read by ./sst-config.ts), background jobs through SQS. Built once
 * per cold start: handlers `await lambdaCtx()` at module scope, so the secrets are read once per
 * instance, during its init. The SSM client is loaded only when a value is to be fetched; the SQS,
 * SES and S3 clients on their first request (core's util/lazy-client.ts).
 */
import type { SSMClient } from "@aws-sdk/client-ssm";
import { type Env, loadConfig } from "@wkn/core/config";
import type { Ctx } from "@wkn/core/context";
import { sqsJobs } from "@wkn/core/jobs/sqs";
import { createLogger } from "@wkn/core/log";
import { createCtx } from "@wkn/core/runtime";
import { invocationFields } from "./invocation.js";
import { boundValues, givenValues, loadBoundValues } from "./sst-config.js";

/** Secrets a function can run without: GitHub answers unauthenticated (at a lower rate limit). */
export const OPTIONAL_SECRETS: ReadonlySet<string> = new Set(["GITHUB_TOKEN", "KAGGLE_API_TOKEN"]);

export { withInvocationId } from "./invocation.js";

export async function createLambdaCtx(env: Env, opts: { ssm?: SSMClient } = {}): Promise<Ctx> {
  let values = givenValues(env);
  if (boundValues(env).length > 0) {
    const ssm = opts.ssm ?? new (await import("@aws-sdk/client-ssm")).SSMClient({});
    try {
      const loaded = await loadBoundValues(env, ssm);
      const required = loaded.missing.filter((id) => !OPTIONAL_SECRETS.has(id));
      if (required.length > 0) {
        throw new Error(
          `not set for stage "${env.SST_STAGE ?? "?"}": ${required.join(", ")} (set with: npx sst secrets set <NAME> <value>)`,
        );
      }
      values = { ...values, ...loaded.values };
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

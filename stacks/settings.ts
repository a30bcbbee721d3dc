/**
 * What the stacks hand every function besides resource names: the deploy-time settings, read from
 * the environment of `sst deploy` under the names `loadConfig` reads (DESIGN.md "Configuration"),
 * and the two permissions shared by several stacks (SES sending, the published base URL).
 */
import { loadConfig } from "@wkn/core/config";
import { PolicyStatement } from "aws-cdk-lib/aws-iam";
import type { Function as SstFunction, Stack } from "sst/constructs";
import { useProject } from "sst/project.js";

/** Settings forwarded to the functions as they are, when set. */
export const FORWARDED = [
  "NEWSLETTER_NAME",
  "NEWSLETTER_LANG",
  "NEWSLETTER_TZ",
  "FROM_EMAIL",
  "PUBLIC_BASE_URL",
  "UTM_SOURCE",
  "UTM_CAMPAIGN",
  "USER_AGENT",
  "GITHUB_API_URL",
  "KAGGLE_API_URL",
] as const;

/** Sender used where nothing is deployed (infra tests, `npm run synth`). */
export const EXAMPLE_FROM_EMAIL = "newsletter@example.com";

export interface DeploySettings {
  /** The forwarded settings that are set, by variable name. */
  env: Record<string, string>;
  /** The sender's address: SES permissions are scoped to its identity. */
  fromAddress: string;
  /** Unset: the API's own URL (see `withPublicBaseUrl`). */
  publicBaseUrl: string | undefined;
}

/** The address part of `Name <addr@domain>` or `addr@domain`. */
export function addressOf(from: string): string {
  return (/<([^>]+)>/.exec(from)?.[1] ?? from).trim();
}

export function deploySettings(source: Record<string, string | undefined> = process.env): DeploySettings {
  const env: Record<string, string> = {};
  for (const name of FORWARDED) {
    const value = source[name]?.trim();
    if (value) env[name] = value;
  }
  // Named in every template, even when it is loadConfig's default.
  env.NEWSLETTER_NAME ??= loadConfig({}).newsletterName;
  if (!env.FROM_EMAIL) {
    // NODE_ENV=test: the infra tests and the offline synth. A real deploy must name its sender.
    if (source.NODE_ENV !== "test")
      throw new Error("set FROM_EMAIL to deploy: the sender, whose address or domain SES has verified");
    env.FROM_EMAIL = EXAMPLE_FROM_EMAIL;
  }
  const fromAddress = addressOf(env.FROM_EMAIL);
  if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(fromAddress))
    throw new Error(`FROM_EMAIL is not an address: "${env.FROM_EMAIL}"`);
  return { env, fromAddress, publicBaseUrl: env.PUBLIC_BASE_URL };
}

/**
 * SES sending for one sender: SendRawEmail on its identity only (the address, or its domain when
 * the domain is what SES verified), and GetSendQuota for pacing.
 */
export function sesSendStatements(stack: Stack, fromAddress: string): PolicyStatement[] {
  const domain = fromAddress.slice(fromAddress.lastIndexOf("@") + 1);
  const identity = (name: string) =>
    `arn:${stack.partition}:ses:${stack.region}:${stack.account}:identity/${name}`;
  return [
    new PolicyStatement({
      actions: ["ses:SendRawEmail"],
      resources: [identity(fromAddress), identity(domain)],
    }),
    // GetSendQuota reads account-wide limits and has no resource-level permissions: "*" is its only resource.
    new PolicyStatement({ actions: ["ses:GetSendQuota"], resources: ["*"] }),
  ];
}

/** Id of the SST Config.Parameter that holds the API's URL when PUBLIC_BASE_URL is not set. */
export const PUBLIC_BASE_URL_PARAMETER = "PUBLIC_BASE_URL";

/**
 * Gives a function outside the Api stack its PUBLIC_BASE_URL: the setting when there is one, else
 * the API's URL, which the Api stack publishes as SST `Config.Parameter` PUBLIC_BASE_URL. A direct
 * reference would make this stack and the Api stack depend on each other (the API enqueues this
 * stack's jobs), so the function gets SST's own placeholder and reads the value from SSM at cold
 * start (functions/lib/sst-config.ts), with read access to that one parameter.
 */
export function withPublicBaseUrl(fn: SstFunction, stack: Stack, settings: DeploySettings): void {
  if (settings.publicBaseUrl) {
    fn.addEnvironment("PUBLIC_BASE_URL", settings.publicBaseUrl);
    return;
  }
  const path = `${useProject().config.ssmPrefix}Parameter/${PUBLIC_BASE_URL_PARAMETER}/value`;
  fn.addEnvironment(`SST_Parameter_value_${PUBLIC_BASE_URL_PARAMETER}`, "__FETCH_FROM_SSM__");
  fn.attachPermissions([
    new PolicyStatement({
      actions: ["ssm:GetParameters"],
      resources: [`arn:${stack.partition}:ssm:${stack.region}:${stack.account}:parameter${path}`],
    }),
  ]);
}

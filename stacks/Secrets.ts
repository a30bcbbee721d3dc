/**
 * Secrets, set per stage with `npx sst secrets set <NAME> <value>` (or app-wide with `--fallback`).
 * Named after the variables `loadConfig` reads; functions bound to one read it from SSM at cold
 * start (functions/lib/).
 */
import { Config, type StackContext } from "sst/constructs";
import { finishStack } from "./finish.js";
import { operationSettings } from "./operations.js";

export const SECRET_NAMES = ["EDITOR_TOKEN", "SIGNING_SECRET", "GITHUB_TOKEN", "KAGGLE_API_TOKEN"] as const;

export function Secrets({ stack }: StackContext) {
  const secrets = Config.Secret.create(stack, ...SECRET_NAMES);
  finishStack(stack, operationSettings());
  return secrets;
}

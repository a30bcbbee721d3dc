/**
 * The AWS deployment (SST v2): `npx sst deploy --stage prod` with FROM_EMAIL (and PUBLIC_BASE_URL,
 * NEWSLETTER_NAME, ...) in the environment; secrets with `npx sst secrets set`. Offline:
 * `npm run synth` writes the CloudFormation templates, `npm test` asserts on them.
 */
import type { SSTConfig } from "sst";
import type { FunctionProps } from "sst/constructs";
import { Api } from "./stacks/Api.js";
import { BUNDLE_PLUGINS } from "./stacks/bundle.js";
import { Ingest } from "./stacks/Ingest.js";
import { Mail } from "./stacks/Mail.js";
import { Secrets } from "./stacks/Secrets.js";
import { Storage } from "./stacks/Storage.js";

/** Every function: small ESM bundles on Graviton; the runtime provides the AWS SDK. */
export const FUNCTION_DEFAULTS: FunctionProps = {
  runtime: "nodejs24.x",
  architecture: "arm_64",
  memorySize: "1024 MB",
  tracing: "disabled",
  nodejs: {
    format: "esm",
    minify: true,
    sourcemap: false,
    // A dynamic import() becomes its own file, compiled only when first run: the API's route
    // groups that most requests never reach (packages/api/src/lazy.ts) stay out of its cold start.
    splitting: true,
    esbuild: { external: ["@aws-sdk/*"], plugins: BUNDLE_PLUGINS, charset: "utf8" },
  },
};

export default {
  config() {
    return {
      name: "weekly-ml-news",
      region: process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? "us-east-1",
    };
  },
  stacks(app) {
    app.setDefaultFunctionProps(FUNCTION_DEFAULTS);
    app.stack(Storage);
    app.stack(Secrets);
    app.stack(Ingest);
    app.stack(Mail);
    app.stack(Api);
  },
} satisfies SSTConfig;

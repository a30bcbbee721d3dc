/**
 * Test harness: real local servers on 127.0.0.1 random ports and real SDK clients (no SDK fakes).
 * `startTestEnv()` starts dynalite (in memory) once per test file; `env.ctx()` gives a context on
 * a fresh table so tests do not see each other's data.
 */
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { type Config, loadConfig } from "@wkn/core/config";
import type { Ctx } from "@wkn/core/context";
import type { Jobs } from "@wkn/core/jobs";
import { type Logger, silentLogger } from "@wkn/core/log";
import { folderMediaStore } from "@wkn/core/media/local-store";
import { createCtx } from "@wkn/core/runtime";
import { LOCAL_CREDENTIALS } from "@wkn/core/store/client";
import { ensureTable } from "@wkn/core/store/ensure-table";
import { startDynalite } from "@wkn/local/dynamo";

export interface TestEnv {
  dynamoEndpoint: string;
  /** Hosted media of this env's contexts (a temporary folder, removed by `close`). */
  mediaDir: string;
  /** A context on a new, empty table. `env` overrides configuration variables. */
  ctx(opts?: {
    env?: Record<string, string>;
    jobs?: Jobs;
    now?: () => Date;
    config?: Partial<Config>;
    /** Default: silent. */
    log?: Logger;
  }): Promise<Ctx>;
  close(): Promise<void>;
}

export const TEST_TOKEN = "test-editor-token-0123456789abcdef";
export const TEST_SECRET = "test-signing-secret-0123456789abcdef";

/**
 * `dynamoEndpoint`: a DynamoDB-compatible server already running (the benchmarks run dynalite in
 * a process of its own, so its CPU and memory are not the measured code's, as on the service).
 */
export async function startTestEnv(opts: { dynamoEndpoint?: string } = {}): Promise<TestEnv> {
  const dyn = opts.dynamoEndpoint
    ? { endpoint: opts.dynamoEndpoint, close: async () => {} }
    : await startDynalite();
  const mediaDir = await mkdtemp(path.join(tmpdir(), "wkn-media-"));
  const admin = new DynamoDBClient({
    region: "us-east-1",
    endpoint: dyn.endpoint,
    credentials: LOCAL_CREDENTIALS,
  });
  return {
    dynamoEndpoint: dyn.endpoint,
    mediaDir,
    async ctx(opts = {}) {
      const tableName = `t${randomBytes(6).toString("hex")}`;
      const config = {
        ...loadConfig({
          EDITOR_TOKEN: TEST_TOKEN,
          SIGNING_SECRET: TEST_SECRET,
          TABLE_NAME: tableName,
          DYNAMODB_ENDPOINT: dyn.endpoint,
          SES_ENDPOINT: "http://127.0.0.1:9", // tests that send mail point this at a local SES endpoint
          ALLOW_PRIVATE_NETWORK: "1",
          SOURCES_FILE: "none",
          ...opts.env,
        }),
        ...opts.config,
      };
      await ensureTable(admin, tableName);
      // Never the repository's ./.data: a test that sets DATA_DIR gets its own folder's media.
      const media = opts.env?.DATA_DIR || config.mediaBucket ? undefined : folderMediaStore(mediaDir);
      return createCtx(config, { jobs: opts.jobs, log: opts.log ?? silentLogger, now: opts.now, media });
    },
    async close() {
      admin.destroy();
      await dyn.close();
      await rm(mediaDir, { recursive: true, force: true });
    },
  };
}

/**
 * The embedded runtime behind `npm start`: one Node process with dynalite (persisted under
 * DATA_DIR), the local SES endpoint (outbox of .eml files), the Hono app on HOST:PORT and croner
 * running the poll schedule and, as the AWS cron does, resuming unfinished sends every 15 minutes.
 * `DYNAMODB_ENDPOINT` / `SES_ENDPOINT` point it at other servers.
 */
import { mkdirSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { join, resolve } from "node:path";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { serve } from "@hono/node-server";
import { createApp } from "@wkn/api";
import type { Config } from "@wkn/core/config";
import type { Ctx } from "@wkn/core/context";
import { unfurlItem } from "@wkn/core/items/unfurl";
import { createLogger, type Logger } from "@wkn/core/log";
import { resumeSends, runSend } from "@wkn/core/mail/send";
import { createCtx } from "@wkn/core/runtime";
import { dueSourceIds, pollSource } from "@wkn/core/sources/poll";
import { seedSources } from "@wkn/core/sources/seed";
import { LOCAL_CREDENTIALS } from "@wkn/core/store/client";
import { ensureTable } from "@wkn/core/store/ensure-table";
import { runConfirmJob } from "@wkn/core/subscribers/confirm-job";
import { Cron } from "croner";
import { startDynalite } from "./dynamo.js";
import { createLocalJobs, type LocalJobs } from "./jobs.js";
import { acquireDataLock } from "./lock.js";
import { loadOrCreateSecrets } from "./secrets.js";
import { startLocalSes } from "./ses/index.js";

export interface LocalRuntime {
  url: string;
  ctx: Ctx;
  jobs: LocalJobs;
  config: Config;
  /** Polls the due sources as the schedule would (fan-out through the job runner). */
  tick(): Promise<number>;
  /** Enqueues a send job for every issue left in "sending", as the 15-minute schedule does. */
  resumeTick(): Promise<number[]>;
  close(): Promise<void>;
}

export const JOB_CONCURRENCY = { poll: 8, unfurl: 4, send: 1, confirm: 2 };
/** As the SendResume cron on AWS (stacks/Mail.ts): a send whose job died is picked up again. */
export const RESUME_SENDS_CRON = "*/15 * * * *";
const SHUTDOWN_GRACE_MS = 10_000;

export async function startLocal(
  baseConfig: Config,
  opts: { log?: Logger; schedule?: boolean } = {},
): Promise<LocalRuntime> {
  const log = opts.log ?? createLogger({ service: "local" });
  const dataDir = resolve(baseConfig.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const release = acquireDataLock(dataDir);
  const cleanups: (() => Promise<void> | void)[] = [release];
  const closeAll = async () => {
    for (const c of cleanups.splice(0).reverse()) {
      try {
        await c();
      } catch (e) {
        log.warn("shutdown step failed", { error: e });
      }
    }
  };

  try {
    const secrets = loadOrCreateSecrets(dataDir, baseConfig);
    const config: Config = {
      ...baseConfig,
      dataDir,
      editorToken: secrets.editorToken,
      signingSecret: secrets.signingSecret,
    };

    if (!config.dynamodbEndpoint) {
      const dyn = await startDynalite({ path: join(dataDir, "dynamodb") });
      cleanups.push(() => dyn.close());
      config.dynamodbEndpoint = dyn.endpoint;
    }
    const admin = new DynamoDBClient({
      region: config.region,
      endpoint: config.dynamodbEndpoint,
      credentials: LOCAL_CREDENTIALS,
    });
    const table = await ensureTable(admin, config.tableName);
    admin.destroy();

    if (!config.sesEndpoint) {
      const ses = await startLocalSes({
        outboxDir: join(dataDir, "outbox"),
        maxSendRate: config.sesMaxSendRate,
        log,
      });
      cleanups.push(() => ses.close());
      config.sesEndpoint = ses.endpoint;
    }

    // The job handlers need the ctx and the ctx needs the jobs: bind through a holder.
    let ctx!: Ctx;
    const jobs = createLocalJobs(
      {
        poll: ({ sourceId }) => pollSource(ctx, sourceId),
        unfurl: ({ itemId }) => unfurlItem(ctx, itemId),
        send: ({ issueNumber }) => runSend(ctx, issueNumber),
        confirm: (payload) => runConfirmJob(ctx, payload),
      },
      JOB_CONCURRENCY,
      log,
      { deadLetter: (job) => ctx.store.failedJobs.add(job, ctx.now()), now: () => ctx.now() },
    );
    ctx = createCtx(config, { jobs, log });
    cleanups.push(async () => {
      const { abandoned, cancelledRetries } = await jobs.stop(SHUTDOWN_GRACE_MS);
      if (abandoned || cancelledRetries) {
        log.warn("jobs abandoned at shutdown; sends resume at next start", { abandoned, cancelledRetries });
      }
    });

    if (table === "created") {
      const { seeded } = await seedSources(ctx, config.sourcesFile);
      log.info("new data folder", { dataDir, seededSources: seeded });
    }
    const resumeTick = async () => {
      const issues = await resumeSends(ctx);
      if (issues.length > 0) log.info("resuming unfinished sends", { issues });
      return issues;
    };
    await resumeTick();

    const tick = async () => {
      const ids = await dueSourceIds(ctx);
      for (const sourceId of ids) await jobs.enqueue("poll", { sourceId });
      return ids.length;
    };
    if (opts.schedule !== false) {
      const poll = new Cron(
        config.pollCron,
        { protect: true, catch: (e) => log.error("scheduled poll failed", { error: e }) },
        async () => {
          const n = await tick();
          log.info("poll tick", { due: n });
        },
      );
      const resume = new Cron(
        RESUME_SENDS_CRON,
        { protect: true, catch: (e) => log.error("scheduled send resume failed", { error: e }) },
        async () => {
          await resumeTick();
        },
      );
      cleanups.push(() => {
        poll.stop();
        resume.stop();
      });
    }

    const app = createApp(ctx);
    const server = serve({ fetch: app.fetch, hostname: config.host, port: config.port });
    await new Promise<void>((res, rej) => {
      server.once("listening", () => res());
      server.once("error", rej);
    });
    cleanups.push(
      () =>
        new Promise<void>((res) => {
          server.close(() => res());
          (server as { closeIdleConnections?: () => void }).closeIdleConnections?.();
        }),
    );
    const { port } = server.address() as AddressInfo;
    const host = config.host.includes(":") ? `[${config.host}]` : config.host;
    return {
      url: `http://${host === "127.0.0.1" || host === "0.0.0.0" ? "localhost" : host}:${port}`,
      ctx,
      jobs,
      config,
      tick,
      resumeTick,
      close: closeAll,
    };
  } catch (e) {
    await closeAll();
    throw e;
  }
}

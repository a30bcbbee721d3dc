/**
 * The embedded runtime behind `npm start`: one Node process with dynalite (persisted under
 * DATA_DIR), the local SES endpoint (outbox of .eml files), the Hono app on HOST:PORT and croner
 * running the poll schedule and, as the AWS cron does, resuming unfinished sends every 15 minutes.
 * `DYNAMODB_ENDPOINT` / `SES_ENDPOINT` point it at other servers. The server answers the editor's
 * page (`GET /`, `/assets/*`: packages/web/server, from packages/web/dist) and the API the rest,
 * as API Gateway routes them on AWS. Sources never polled are polled just after start-up.
 *
 * Start-up: the checks of prepare.ts (port, data folder, lock, secrets, database), then
 * dynalite, the table, seeding, saving generated secrets, and serving. Any failure undoes what
 * this start created and throws; a StartupError says what to do in one line.
 */
import { join } from "node:path";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { getConnInfo } from "@hono/node-server/conninfo";
import { createApp } from "@wkn/api";
import type { Config } from "@wkn/core/config";
import type { Ctx } from "@wkn/core/context";
import { enrichItem } from "@wkn/core/items/enrich";
import { createLogger, type Logger } from "@wkn/core/log";
import { runConfirmJob } from "@wkn/core/mail/confirm-job";
import { resumeSends, runSend } from "@wkn/core/mail/send";
import { createCtx } from "@wkn/core/runtime";
import { pollSource } from "@wkn/core/sources/poll";
import { seedSources } from "@wkn/core/sources/seed";
import { pollTick } from "@wkn/core/sources/tick";
import { LOCAL_CREDENTIALS } from "@wkn/core/store/client";
import { ensureTable } from "@wkn/core/store/ensure-table";
import { routeWeb, webApp } from "@wkn/web/server";
import { Cron } from "croner";
import { startDynalite } from "./dynamo.js";
import { createLocalJobs, type LocalJobs } from "./jobs.js";
import { outboxRoutes } from "./outbox-routes.js";
import { type Prepared, prepareLocal } from "./prepare.js";
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
  /**
   * The first-run poll: the ids of the enabled sources never polled (lastPolledAt null) found
   * just after start-up and handed to the job runner, as the schedule's tick does ([] with
   * `firstPoll: false`). Their polls run in the background; `jobs.idle()` waits for them.
   */
  firstPoll: Promise<string[]>;
  close(): Promise<void>;
}

export const JOB_CONCURRENCY = { poll: 8, unfurl: 4, send: 1, confirm: 2 };

/** As the SendResume cron on AWS (stacks/Mail.ts): a send whose job died is picked up again. */
export const RESUME_SENDS_CRON = "*/15 * * * *";
const SHUTDOWN_GRACE_MS = 10_000;

export async function startLocal(
  baseConfig: Config,
  opts: {
    log?: Logger;
    schedule?: boolean;
    /** The checks already made (main.ts makes them before loading this module). */
    prepared?: Prepared;
    /** The clock (tests move it, e.g. past a dead sender's lease). */
    now?: () => Date;
    /** The built editor's page (default packages/web/dist; main.ts builds it first). */
    webDir?: string;
    /** Poll the sources never polled right after start-up (default: when `schedule` is on). */
    firstPoll?: boolean;
  } = {},
): Promise<LocalRuntime> {
  const log = opts.log ?? createLogger({ service: "local" });
  const prepared = opts.prepared ?? (await prepareLocal(baseConfig, log));
  const { config, http, secrets } = prepared;
  const dataDir = config.dataDir;
  const cleanups: (() => Promise<void> | void)[] = [prepared.release];
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
    const web = webApp({ dir: opts.webDir }); // read once; a missing build ends the start here
    if (prepared.databasePath) {
      const dyn = await startDynalite({ path: prepared.databasePath });
      cleanups.push(() => dyn.close());
      config.dynamodbEndpoint = dyn.endpoint;
    }
    const admin = new DynamoDBClient({
      region: config.region,
      endpoint: config.dynamodbEndpoint,
      credentials: LOCAL_CREDENTIALS,
    });
    const table = await ensureTable(admin, config.tableName).finally(() => admin.destroy());

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
        unfurl: ({ itemId }) => enrichItem(ctx, itemId),
        send: ({ issueNumber }) => runSend(ctx, issueNumber),
        confirm: (payload) => runConfirmJob(ctx, payload),
      },
      JOB_CONCURRENCY,
      log,
      { deadLetter: (job) => ctx.store.failedJobs.add(job, ctx.now()), now: () => ctx.now() },
    );
    ctx = createCtx(config, { jobs, log, now: opts.now });
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
    secrets.save();
    const resumeTick = async () => {
      const issues = await resumeSends(ctx);
      if (issues.length > 0) log.info("resuming unfinished sends", { issues });
      return issues;
    };
    await resumeTick();

    const tick = async () => {
      const { due, errors } = await pollTick(ctx);
      if (errors.length > 0)
        throw new AggregateError(errors, `could not enqueue ${errors.length} of ${due} poll jobs`);
      return due;
    };
    // Work started here rather than by a request or a job (the first poll, a cron run): shutdown
    // waits for it before closing the database, whose queries in flight would otherwise throw
    // from inside dynalite ("Database is not open") and end the process with code 1.
    const background = new Set<Promise<unknown>>();
    const track = <T>(p: Promise<T>): Promise<T> => {
      background.add(p);
      void p.then(
        () => background.delete(p),
        () => background.delete(p),
      );
      return p;
    };
    cleanups.push(async () => {
      while (background.size > 0) await Promise.allSettled([...background]);
    });
    if (opts.schedule !== false) {
      const poll = new Cron(
        config.pollCron,
        { protect: true, catch: (e) => log.error("scheduled poll failed", { error: e }) },
        async () => {
          const n = await track(tick());
          log.info("poll tick", { due: n });
        },
      );
      const resume = new Cron(
        RESUME_SENDS_CRON,
        { protect: true, catch: (e) => log.error("scheduled send resume failed", { error: e }) },
        async () => {
          await track(resumeTick());
        },
      );
      cleanups.push(() => {
        poll.stop();
        resume.stop();
      });
    }

    http.serve(
      routeWeb(web, {
        fetch: createApp(ctx, {
          localRoutes: outboxRoutes(join(dataDir, "outbox")),
          outbox: true,
          clientAddress: { peer: (c) => getConnInfo(c).remote.address },
        }).fetch,
      }),
    );
    cleanups.push(() => http.close()); // runs first at shutdown: no new requests while work winds down

    // A newcomer sees candidates within a minute, not at the next hourly tick; the page shows
    // each source's lastPolledAt as its poll lands.
    const firstPoll =
      (opts.firstPoll ?? opts.schedule !== false)
        ? track(pollNeverPolled(ctx, jobs)).then(
            (ids) => {
              if (ids.length > 0) log.info("polling sources never polled", { sources: ids.length });
              return ids;
            },
            (e: unknown) => {
              log.error("first-run poll failed", { error: e });
              return [];
            },
          )
        : Promise.resolve([]);
    return { url: http.url, ctx, jobs, config, tick, resumeTick, firstPoll, close: closeAll };
  } catch (e) {
    cleanups.shift(); // the lock: `abandon` frees it after the folder is cleaned up
    await closeAll();
    await prepared.abandon();
    throw e;
  }
}

/** Enqueues a poll job for every enabled source never polled; returns their ids. */
export async function pollNeverPolled(ctx: Ctx, jobs: Pick<LocalJobs, "enqueue">): Promise<string[]> {
  const ids = (await ctx.store.sources.list())
    .filter((s) => s.enabled && s.lastPolledAt === null)
    .map((s) => s.id);
  for (const sourceId of ids) await jobs.enqueue("poll", { sourceId });
  return ids;
}

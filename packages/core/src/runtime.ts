import path from "node:path";
import type { Config } from "./config.js";
import type { Ctx } from "./context.js";
import type { Fetcher, FetcherConfig } from "./fetch/index.js";
import { type Jobs, noJobs } from "./jobs/index.js";
import { createLogger, type Logger } from "./log.js";
import { folderMediaStore } from "./media/local-store.js";
import { s3MediaStore } from "./media/s3-store.js";
import type { MediaStore } from "./media/store.js";
import { LOCAL_CREDENTIALS, SDK_REQUEST_HANDLER } from "./store/client.js";
import { createDb, createStore } from "./store/index.js";
import { lazyClient } from "./util/lazy-client.js";
import { loadOnce } from "./util/load-once.js";

/**
 * Builds the core context from configuration: real SDK clients, with endpoint overrides locally.
 * SES and S3 are made on their first request (util/lazy-client.ts): most requests of a Lambda
 * never send mail or touch a thumbnail, and their packages weigh on every cold start.
 */
export function createCtx(
  config: Config,
  opts: { jobs?: Jobs; log?: Logger; now?: () => Date; fetch?: Fetcher; media?: MediaStore } = {},
): Ctx {
  const db = createDb({
    tableName: config.tableName,
    region: config.region,
    endpoint: config.dynamodbEndpoint,
  });
  const ses = lazyClient(
    async () =>
      new (await import("@aws-sdk/client-ses")).SESClient({
        region: config.region,
        ...(config.sesEndpoint ? { endpoint: config.sesEndpoint, credentials: LOCAL_CREDENTIALS } : {}),
        maxAttempts: 1, // the sender paces and retries Throttling itself
        requestHandler: SDK_REQUEST_HANDLER, // no call on a connection SES is closing
      }),
  );
  return {
    config,
    store: createStore(db, { cursorSecret: config.signingSecret }),
    ses,
    jobs: opts.jobs ?? noJobs,
    fetch:
      opts.fetch ??
      lazyFetcher({ userAgent: config.userAgent, allowPrivateNetwork: config.allowPrivateNetwork }),
    log: opts.log ?? createLogger(),
    media:
      opts.media ??
      (config.mediaBucket
        ? s3MediaStore(
            lazyClient(
              async () => new (await import("@aws-sdk/client-s3")).S3Client({ region: config.region }),
            ),
            config.mediaBucket,
          )
        : folderMediaStore(path.join(config.dataDir, "media"))),
    now: opts.now ?? (() => new Date()),
  };
}

/**
 * The guarded fetcher, its module (with ipaddr.js) loaded on the first fetch: most API requests
 * never fetch, and a cold start then does not compile it.
 */
function lazyFetcher(cfg: FetcherConfig): Fetcher {
  const fetcher = loadOnce(() => import("./fetch/fetcher.js").then((m) => m.createFetcher(cfg)));
  return async (url, opts) => (await fetcher())(url, opts);
}

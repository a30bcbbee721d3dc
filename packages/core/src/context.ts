import type { SESClient } from "@aws-sdk/client-ses";
import type { Config } from "./config.js";
import type { Fetcher } from "./fetch/index.js";
import type { Jobs } from "./jobs/index.js";
import type { Logger } from "./log.js";
import type { MediaStore } from "./media/store.js";
import type { Store } from "./store/index.js";
import type { ClientLike } from "./util/lazy-client.js";

/**
 * Everything core code needs from the outside, passed explicitly: built once per Lambda cold
 * start (functions/) or per process (packages/local), and by tests against local servers.
 */
export interface Ctx {
  config: Config;
  store: Store;
  /** Made on its first request (util/lazy-client.ts): a function that sends no mail never loads it. */
  ses: ClientLike<SESClient>;
  jobs: Jobs;
  /** Every outbound HTTP request (feeds, APIs, pages) goes through this guarded client. */
  fetch: Fetcher;
  log: Logger;
  /** Hosted thumbnails: a folder locally, the media bucket on AWS. */
  media: MediaStore;
  now: () => Date;
}

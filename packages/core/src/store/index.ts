/**
 * The store: the only module that knows the table's keys. Repositories per entity share one
 * `Db` handle; `createStore` bundles them for the rest of the code.
 */
import type { Db } from "./client.js";
import { deliveriesRepo } from "./deliveries.js";
import { failedJobsRepo } from "./failed-jobs.js";
import { issuesRepo } from "./issues.js";
import { itemsRepo } from "./items.js";
import { linkChecksRepo } from "./link-checks.js";
import { rateLimitsRepo } from "./rate-limits.js";
import { registerRawDb } from "./raw.js";
import { sourcesRepo } from "./sources.js";
import { subscribersRepo } from "./subscribers.js";

export interface StoreOptions {
  /** Key for signing pagination cursors (the signing secret). */
  cursorSecret: string;
}

export function createStore(db: Db, opts: StoreOptions) {
  const store = {
    sources: sourcesRepo(db),
    items: itemsRepo(db, opts.cursorSecret),
    issues: issuesRepo(db),
    deliveries: deliveriesRepo(db),
    subscribers: subscribersRepo(db, opts.cursorSecret),
    rateLimits: rateLimitsRepo(db),
    failedJobs: failedJobsRepo(db),
    linkChecks: linkChecksRepo(db),
  };
  registerRawDb(store, db);
  return store;
}

export type Store = ReturnType<typeof createStore>;
export { createDb, type Db, type DbOptions } from "./client.js";
export { rawDbOf } from "./raw.js";
export { GSI_NAMES, TTL_ATTRIBUTE, tableDefinition } from "./table.js";

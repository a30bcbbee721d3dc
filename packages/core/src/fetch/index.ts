/**
 * The one module for every outbound request (feeds, APIs, pages): only http(s), no private-network
 * targets (checked on every hop and at connect time), timeouts, a decompressed-size cap, bounded
 * redirects, conditional GET, Retry-After. Returns bytes; charset decoding is `encoding/`'s job.
 */

export { nonPublicReason } from "./address.js";
export { FetchError, type FetchErrorCode, isFetchError } from "./errors.js";
export { createFetcher, DEFAULT_LIMITS, type FetcherConfig } from "./fetcher.js";
export { literalHostRefusal } from "./guard.js";
export type { Fetcher, FetchOptions, FetchResult, RedirectHop } from "./types.js";

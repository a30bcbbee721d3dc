import { FetchError } from "./errors.js";
import type { Fetcher, FetchOptions } from "./types.js";

export interface FetcherConfig {
  userAgent: string;
  allowPrivateNetwork: boolean;
  defaults?: Partial<FetchOptions>;
}

// Placeholder so the context can carry a fetcher while the real client is written.
export function createFetcher(_cfg: FetcherConfig): Fetcher & { close(): void } {
  const fetcher = async (url: string) => {
    throw new FetchError("network", `fetch is not implemented yet (${url})`, { url });
  };
  return Object.assign(fetcher, { close() {} });
}

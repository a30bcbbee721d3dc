/** Per-call options of a {@link Fetcher}; every limit falls back to the fetcher's defaults. */
export interface FetchOptions {
  /** HEAD answers carry no body: the result's `body` is empty (a link check reads only the status). */
  method?: "GET" | "HEAD" | "POST";
  /** Extra request headers. `Authorization`, `Cookie` and `Proxy-Authorization` are dropped on a redirect to another origin. */
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** The `Accept` header (default `*\/*`). */
  accept?: string;
  /** Stored validators: sent as `If-None-Match` / `If-Modified-Since`. */
  etag?: string;
  lastModified?: string;
  /** The whole call: every redirect hop, waiting, and reading the body (default 30 s). */
  timeoutMs?: number;
  /** Establishing each new connection, TLS included (default 10 s). */
  connectTimeoutMs?: number;
  /** Cap on the decompressed body, and on the bytes on the wire (default 10 MiB). */
  maxBytes?: number;
  /** Default 5. */
  maxRedirects?: number;
  /** A 429/503 whose Retry-After is at most this long is retried once within the call (default 2 s; 0: never). */
  maxRetryWaitMs?: number;
  signal?: AbortSignal;
}

export interface FetchResult {
  status: number;
  /** The final URL, after redirects. */
  url: string;
  /** Lower-case names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  /** Decompressed bytes, not decoded: charset decoding is the encoding module's job. Empty on 304. */
  body: Buffer;
  notModified: boolean;
  /** The response's validators; on a 304 without them, the ones that were sent. */
  etag?: string;
  lastModified?: string;
  /** The raw Content-Type header, charset parameter included. */
  contentType?: string;
  /** From `Cache-Control: max-age`, else from `Expires`; 0 means already stale. */
  maxAgeSeconds?: number;
  redirects: number;
  /** Each redirect followed, in order (as many as `redirects`): a caller can tell a permanent move from a temporary one. */
  redirectChain: RedirectHop[];
}

/** One redirect answer: the URL that answered, its status (301, 302, 303, 307, 308) and where it pointed (absolute). */
export interface RedirectHop {
  url: string;
  status: number;
  location: string;
}

export type Fetcher = (url: string, opts?: FetchOptions) => Promise<FetchResult>;

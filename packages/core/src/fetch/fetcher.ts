/**
 * The guarded HTTP client (DESIGN.md "Fetch"), on node:http/node:https so the connect-time address
 * check can live in the socket's own DNS lookup. One fetcher owns keep-alive agents that every
 * call shares: a poll cycle reuses connections to the hosts it visits repeatedly.
 */
import http, { type IncomingMessage } from "node:http";
import https from "node:https";
import type { Socket } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { addressPolicy } from "./address.js";
import { readBody } from "./body.js";
import { FetchError } from "./errors.js";
import { checkLiteralHost, guardedLookup, isDnsError, parseTarget, socketHost } from "./guard.js";
import { flattenHeaders, parseMaxAge, parseRetryAfter } from "./headers.js";
import type { Fetcher, FetchOptions, FetchResult, RedirectHop } from "./types.js";

export interface FetcherConfig {
  /** Names the newsletter and its public URL (`config.userAgent`). */
  userAgent: string;
  /** Lifts the address rule (not the scheme rule): `ALLOW_PRIVATE_NETWORK=1`. */
  allowPrivateNetwork: boolean;
  /** IPs or CIDR ranges allowed despite the address rule (an internal proxy; a test's loopback server). */
  allowAddresses?: string[];
  /** Overrides of the built-in limits for every call. */
  defaults?: Partial<FetchOptions>;
  /** Concurrent connections per host (default 16); further requests wait for a free one. */
  maxSocketsPerHost?: number;
}

type Limits = Required<
  Pick<FetchOptions, "timeoutMs" | "connectTimeoutMs" | "maxBytes" | "maxRedirects" | "maxRetryWaitMs">
>;

export const DEFAULT_LIMITS: Limits = {
  timeoutMs: 30_000,
  connectTimeoutMs: 10_000,
  maxBytes: 10 * 1024 * 1024,
  maxRedirects: 5,
  maxRetryWaitMs: 2_000,
};

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
/** Dropped when a redirect leaves the origin they were meant for. */
const CREDENTIAL_HEADERS = ["authorization", "cookie", "proxy-authorization"];
/** Longest body of an unread response (redirect, error) that is drained to keep its connection. */
const DRAIN_LIMIT = 64 * 1024;

const statusLine = (res: IncomingMessage) =>
  ["HTTP", res.statusCode, res.statusMessage].filter(Boolean).join(" ");

const seconds = (ms: number) => `${+(ms / 1000).toFixed(1)} s`;

function definedOnly<T extends object>(o: T | undefined): Partial<T> {
  return Object.fromEntries(Object.entries(o ?? {}).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * Lets go of a response we do not read. A short body is drained, and the promise waits for it, so
 * the socket is back in the pool before the next request (the next hop, or the caller's next fetch).
 */
function discard(res: IncomingMessage, noBody = false): Promise<void> {
  const len = Number(res.headers["content-length"]);
  if (!res.complete && !noBody && !(Number.isFinite(len) && len <= DRAIN_LIMIT)) {
    res.destroy();
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    // Bounded: a server that announces a short body and stalls loses the connection instead.
    const timer = setTimeout(() => res.destroy(), 2_000).unref();
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    res.once("end", done);
    res.once("close", done);
    // Even a complete response must be read to its end before the agent takes the socket back.
    res.resume();
  });
}

/**
 * Creates the fetcher. Errors are {@link FetchError}s; non-2xx answers other than 304 are errors
 * (`http_status`, or `rate_limited` for 429 and for 503 with Retry-After).
 *
 * @example
 * const fetch = createFetcher({ userAgent: config.userAgent, allowPrivateNetwork: false });
 * const res = await fetch(source.url, { accept: FEED_ACCEPT, etag: source.etag, lastModified: source.lastModified });
 * if (res.notModified) return;
 */
export function createFetcher(cfg: FetcherConfig): Fetcher & { close(): void } {
  const policy = addressPolicy(cfg);
  // Idle sockets close after 4 s, before the common 5 s server keep-alive timeout, so a reused socket
  // is rarely one the server is closing at that moment.
  const agentOptions = { keepAlive: true, maxSockets: cfg.maxSocketsPerHost ?? 16, timeout: 4_000 };
  const agents = { "http:": new http.Agent(agentOptions), "https:": new https.Agent(agentOptions) };
  /** Sockets that finished connecting (TLS included): reusing one is not subject to the connect timeout. */
  const connected = new WeakSet<Socket>();
  const baseLimits: Limits = { ...DEFAULT_LIMITS, ...definedOnly(cfg.defaults) };

  /** One request/response exchange; resolves when the response headers are in. */
  function exchange(
    url: URL,
    req: { method: string; headers: Record<string, string>; body?: string | Buffer },
    limits: Limits,
    ctl: AbortController,
  ): Promise<IncomingMessage> {
    return new Promise((resolve, reject) => {
      const tls = url.protocol === "https:";
      let request: http.ClientRequest;
      try {
        request = (tls ? https : http).request({
          protocol: url.protocol,
          hostname: socketHost(url),
          port: url.port || undefined,
          path: `${url.pathname}${url.search}`,
          method: req.method,
          headers: req.headers,
          agent: agents[url.protocol as "http:" | "https:"],
          lookup: guardedLookup(url, policy),
          signal: ctl.signal,
        });
      } catch (err) {
        // Node validates header values synchronously (e.g. a control character in a stored ETag).
        const msg = `Could not send the request for ${url.href}: ${(err as Error).message}`;
        reject(new FetchError("network", msg, { url: url.href, cause: err }));
        return;
      }
      request.on("socket", (socket: Socket) => {
        if (connected.has(socket)) return;
        if (!tls && !socket.connecting) return void connected.add(socket);
        const timer = setTimeout(() => {
          const msg = `Could not connect to ${url.host} within ${seconds(limits.connectTimeoutMs)} (${url.href})`;
          ctl.abort(new FetchError("connect_timeout", msg, { url: url.href }));
        }, limits.connectTimeoutMs);
        socket.once(tls ? "secureConnect" : "connect", () => {
          clearTimeout(timer);
          connected.add(socket);
        });
        socket.once("close", () => clearTimeout(timer));
      });
      request.once("response", resolve);
      // `on`, not `once`: the socket can fail again after the response has arrived.
      request.on("error", (err) => {
        if (err instanceof FetchError) return reject(err);
        if (isDnsError(err)) {
          const msg = `Could not resolve ${url.hostname} (${(err as NodeJS.ErrnoException).code}) for ${url.href}`;
          return reject(new FetchError("dns", msg, { url: url.href, cause: err }));
        }
        const detail = (err as NodeJS.ErrnoException).code ?? err.message;
        reject(
          new FetchError("network", `Network error fetching ${url.href}: ${detail}`, {
            url: url.href,
            cause: err,
          }),
        );
      });
      request.end(req.body);
    });
  }

  async function run(
    input: string,
    opts: FetchOptions,
    limits: Limits,
    ctl: AbortController,
    at: { url: string },
  ) {
    let url = parseTarget(input);
    at.url = url.href;
    const deadline = Date.now() + limits.timeoutMs;
    let method: string = opts.method ?? "GET";
    let body = opts.body;
    const headers: Record<string, string> = { "user-agent": cfg.userAgent, accept: "*/*" };
    for (const [name, value] of Object.entries(opts.headers ?? {})) headers[name.toLowerCase()] = value;
    if (opts.accept) headers.accept = opts.accept;
    headers["accept-encoding"] = "gzip, deflate, br"; // what readBody can decode
    if (opts.etag) headers["if-none-match"] = opts.etag;
    if (opts.lastModified) headers["if-modified-since"] = opts.lastModified;
    if (body !== undefined || method === "POST")
      headers["content-length"] = String(Buffer.byteLength(body ?? ""));

    const visited = new Set([url.href]);
    let redirects = 0;
    const redirectChain: RedirectHop[] = [];
    let retried = false;
    for (;;) {
      checkLiteralHost(url, policy);
      const res = await exchange(url, { method, headers, body }, limits, ctl);
      const status = res.statusCode ?? 0;
      const resHeaders = flattenHeaders(res.headers);

      if (REDIRECTS.has(status) && resHeaders.location !== undefined) {
        await discard(res);
        if (redirects >= limits.maxRedirects) {
          const msg = `Too many redirects: more than ${limits.maxRedirects}, starting at ${input}`;
          throw new FetchError("too_many_redirects", msg, { url: url.href });
        }
        const next = parseTarget(resHeaders.location, url);
        if (visited.has(next.href)) {
          const msg = `Redirect loop: ${url.href} redirects back to ${next.href}`;
          throw new FetchError("too_many_redirects", msg, { url: url.href });
        }
        visited.add(next.href);
        redirects++;
        redirectChain.push({ url: url.href, status, location: next.href });
        if (next.origin !== url.origin) for (const h of CREDENTIAL_HEADERS) delete headers[h];
        // 303 (a HEAD stays a HEAD), and 301/302 after a POST as every browser does, continue as a GET without the body.
        if (
          (status === 303 && method !== "HEAD") ||
          ((status === 301 || status === 302) && method === "POST")
        ) {
          method = "GET";
          body = undefined;
          delete headers["content-length"];
          delete headers["content-type"];
        }
        url = next;
        at.url = url.href;
        continue;
      }

      const now = Date.now();
      if (status === 304) {
        await discard(res, true);
        return {
          status,
          url: url.href,
          headers: resHeaders,
          body: Buffer.alloc(0),
          notModified: true,
          etag: resHeaders.etag ?? opts.etag,
          lastModified: resHeaders["last-modified"] ?? opts.lastModified,
          contentType: resHeaders["content-type"],
          maxAgeSeconds: parseMaxAge(resHeaders, now),
          redirects,
          redirectChain,
        } satisfies FetchResult;
      }

      const retryAfterMs = parseRetryAfter(resHeaders["retry-after"], now);
      if (status === 429 || (status === 503 && retryAfterMs !== undefined)) {
        await discard(res);
        const wait = retryAfterMs ?? Number.POSITIVE_INFINITY;
        if (!retried && limits.maxRetryWaitMs > 0 && wait <= limits.maxRetryWaitMs && now + wait < deadline) {
          retried = true;
          await sleep(wait, undefined, { signal: ctl.signal });
          continue;
        }
        const later = retryAfterMs === undefined ? "" : `; retry after ${seconds(retryAfterMs)}`;
        const msg = `${statusLine(res)} from ${url.href}${later}`;
        throw new FetchError("rate_limited", msg, { url: url.href, status, retryAfterMs });
      }

      if (status < 200 || status >= 300) {
        await discard(res);
        const msg = `${statusLine(res)} from ${url.href}`;
        throw new FetchError("http_status", msg, { url: url.href, status });
      }

      // A HEAD answer has no body whatever its Content-Length says: nothing to read or to cap.
      const content =
        method === "HEAD"
          ? await discard(res, true).then(() => Buffer.alloc(0))
          : await readBody(res, { url: url.href, maxBytes: limits.maxBytes, signal: ctl.signal });
      return {
        status,
        url: url.href,
        headers: resHeaders,
        body: content,
        notModified: false,
        etag: resHeaders.etag,
        lastModified: resHeaders["last-modified"],
        contentType: resHeaders["content-type"],
        maxAgeSeconds: parseMaxAge(resHeaders, now),
        redirects,
        redirectChain,
      } satisfies FetchResult;
    }
  }

  const fetcher = async (input: string, callOpts: FetchOptions = {}): Promise<FetchResult> => {
    const opts = definedOnly(callOpts);
    const limits: Limits = {
      ...baseLimits,
      ...definedOnly({
        timeoutMs: opts.timeoutMs,
        connectTimeoutMs: opts.connectTimeoutMs,
        maxBytes: opts.maxBytes,
        maxRedirects: opts.maxRedirects,
        maxRetryWaitMs: opts.maxRetryWaitMs,
      }),
    };
    const at = { url: input }; // the hop in progress, for the messages of timeouts and aborts
    const ctl = new AbortController();
    const timer = setTimeout(() => {
      const msg = `No complete response from ${at.url} within ${seconds(limits.timeoutMs)}`;
      ctl.abort(new FetchError("timeout", msg, { url: at.url }));
    }, limits.timeoutMs);
    const onAbort = () =>
      ctl.abort(
        new FetchError("aborted", `The request for ${at.url} was cancelled`, {
          url: at.url,
          cause: callOpts.signal?.reason,
        }),
      );
    if (callOpts.signal?.aborted) onAbort();
    callOpts.signal?.addEventListener("abort", onAbort, { once: true });
    try {
      return await run(input, opts, limits, ctl, at);
    } catch (err) {
      // Once aborted (timeout, connect timeout, caller), every error after is a consequence of it.
      throw ctl.signal.aborted ? ctl.signal.reason : err;
    } finally {
      clearTimeout(timer);
      callOpts.signal?.removeEventListener("abort", onAbort);
    }
  };

  return Object.assign(fetcher, {
    close() {
      agents["http:"].destroy();
      agents["https:"].destroy();
    },
  });
}

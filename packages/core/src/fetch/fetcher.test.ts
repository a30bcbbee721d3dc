/** The client's behaviour against loopback servers (address rule: guard.test.ts). */
import net from "node:net";
import zlib from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { loadConfig } from "../config.js";
import { createCtx } from "../runtime.js";
import { createFetcher } from "./fetcher.js";
import { closeServers, failure, serve, TEST_UA } from "./testing.js";

const fetcher = createFetcher({ userAgent: TEST_UA, allowPrivateNetwork: true });
afterAll(async () => {
  fetcher.close();
  await closeServers();
});

describe("request", () => {
  it("sends the User-Agent, Accept per call, and the encodings it decodes", async () => {
    const s = await serve((_req, res) => res.end("ok"));
    await fetcher(`${s.origin}/feed`, { accept: "application/rss+xml, */*;q=0.5" });
    await fetcher(`${s.origin}/page`);
    const [first, second] = s.requests;
    expect(first?.headers["user-agent"]).toBe(TEST_UA);
    expect(first?.headers.accept).toBe("application/rss+xml, */*;q=0.5");
    expect(first?.headers["accept-encoding"]).toBe("gzip, deflate, br");
    expect(second?.headers.accept).toBe("*/*");
  });

  it("POSTs a JSON body with the caller's headers", async () => {
    const s = await serve((_req, res, body) => {
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ echo: JSON.parse(body) }));
    });
    const res = await fetcher(`${s.origin}/v1/competitions.CompetitionApiService/ListCompetitions`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: "Bearer k" },
      body: JSON.stringify({ sortBy: "latestDeadline", pageSize: 20 }),
    });
    expect(JSON.parse(res.body.toString())).toEqual({ echo: { sortBy: "latestDeadline", pageSize: 20 } });
    expect(res.contentType).toBe("application/json");
    const req = s.requests[0];
    expect(req?.method).toBe("POST");
    expect(req?.headers["content-type"]).toBe("application/json");
    expect(req?.headers.authorization).toBe("Bearer k");
  });

  it("reuses keep-alive connections across calls", async () => {
    const s = await serve((_req, res) => res.end("x"));
    for (let i = 0; i < 5; i++) await fetcher(`${s.origin}/${i}`);
    expect(s.requests).toHaveLength(5);
    expect(s.connections).toBe(1);
  });

  it("turns other statuses into http_status errors naming the URL", async () => {
    const s = await serve((_req, res) => {
      res.statusCode = 404;
      res.end("nope");
    });
    const err = await failure(fetcher(`${s.origin}/gone.xml`));
    expect(err.code).toBe("http_status");
    expect(err.status).toBe(404);
    expect(err.message).toBe(`HTTP 404 Not Found from ${s.origin}/gone.xml`);
  });

  it("reports a refused connection as a network error and an unknown host as dns", async () => {
    const closed = net.createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
    const port = (closed.address() as net.AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const refused = await failure(fetcher(`http://127.0.0.1:${port}/`));
    expect(refused.code).toBe("network");
    expect(refused.message).toContain(`127.0.0.1:${port}`);
    const unknown = await failure(fetcher("http://no-such-host.invalid/feed"));
    expect(unknown.code).toBe("dns");
    expect(unknown.message).toContain("no-such-host.invalid");
  });

  it("rejects a header value Node will not send with a FetchError", async () => {
    const s = await serve((_req, res) => res.end("x"));
    const err = await failure(fetcher(`${s.origin}/`, { etag: '"a"\r\nX-Injected: 1' }));
    expect(err.code).toBe("network");
    expect(s.requests).toHaveLength(0);
  });

  it("can be cancelled by the caller", async () => {
    const s = await serve(() => {});
    const ctl = new AbortController();
    const pending = fetcher(`${s.origin}/`, { signal: ctl.signal });
    setTimeout(() => ctl.abort(), 20);
    expect((await failure(pending)).code).toBe("aborted");
  });
});

describe("redirects", () => {
  it("follows up to five and reports the final URL", async () => {
    const s = await serve((req, res) => {
      const n = Number(req.url?.slice(1));
      if (n < 5) res.writeHead(n % 2 ? 301 : 308, { location: `/${n + 1}` }).end();
      else res.end(`final ${n}`);
    });
    const res = await fetcher(`${s.origin}/0`);
    expect(res.body.toString()).toBe("final 5");
    expect(res.url).toBe(`${s.origin}/5`);
    expect(res.redirects).toBe(5);
  });

  it("reports each hop's status and absolute target, and an empty chain without redirects", async () => {
    const s = await serve((req, res) => {
      if (req.url === "/old") res.writeHead(301, { location: "/moved" }).end();
      else if (req.url === "/moved") res.writeHead(307, { location: `${s.origin}/now?x=1` }).end();
      else if (req.url === "/cached") res.writeHead(308, { location: "/etag" }).end();
      else if (req.url === "/etag") res.writeHead(304, { etag: '"1"' }).end();
      else res.end("here");
    });
    const res = await fetcher(`${s.origin}/old`);
    expect(res.redirectChain).toEqual([
      { url: `${s.origin}/old`, status: 301, location: `${s.origin}/moved` },
      { url: `${s.origin}/moved`, status: 307, location: `${s.origin}/now?x=1` },
    ]);
    expect((await fetcher(`${s.origin}/now`)).redirectChain).toEqual([]);
    // a 304 after a redirect still says where it was sent
    const notModified = await fetcher(`${s.origin}/cached`, { etag: '"1"' });
    expect(notModified.notModified).toBe(true);
    expect(notModified.redirectChain).toEqual([
      { url: `${s.origin}/cached`, status: 308, location: `${s.origin}/etag` },
    ]);
  });

  it("stops after five", async () => {
    const s = await serve((req, res) => {
      const n = Number(req.url?.slice(1));
      res.writeHead(302, { location: `/${n + 1}` }).end();
    });
    const err = await failure(fetcher(`${s.origin}/0`));
    expect(err.code).toBe("too_many_redirects");
    expect(s.requests).toHaveLength(6);
  });

  it("detects a loop", async () => {
    const s = await serve((req, res) => {
      res.writeHead(302, { location: req.url === "/a" ? "/b" : "/a" }).end();
    });
    const err = await failure(fetcher(`${s.origin}/a`, { maxRedirects: 50 }));
    expect(err.code).toBe("too_many_redirects");
    expect(err.message).toContain("Redirect loop");
  });

  it("turns a POST into a GET without body on 303, and keeps it on 307", async () => {
    const s = await serve((req, res, body) => {
      if (req.url === "/303") res.writeHead(303, { location: "/result" }).end();
      else if (req.url === "/307") res.writeHead(307, { location: "/result" }).end();
      else res.end(`${req.method} ${body}`);
    });
    const opts = { method: "POST" as const, headers: { "content-type": "text/plain" }, body: "payload" };
    expect((await fetcher(`${s.origin}/303`, opts)).body.toString()).toBe("GET ");
    expect(s.requests[1]?.headers["content-type"]).toBeUndefined();
    expect(s.requests[1]?.headers["content-length"]).toBeUndefined();
    expect((await fetcher(`${s.origin}/307`, opts)).body.toString()).toBe("POST payload");
  });

  it("keeps Authorization on the same origin and drops it for another", async () => {
    const other = await serve((_req, res) => res.end("other"));
    const s = await serve((req, res) => {
      if (req.url === "/same") res.writeHead(302, { location: "/target" }).end();
      else if (req.url === "/cross") res.writeHead(302, { location: `${other.origin}/target` }).end();
      else res.end("same");
    });
    const headers = { Authorization: "Bearer secret-token", "X-GitHub-Api-Version": "2022-11-28" };
    await fetcher(`${s.origin}/same`, { headers });
    expect(s.requests[1]?.headers.authorization).toBe("Bearer secret-token");
    await fetcher(`${s.origin}/cross`, { headers });
    expect(other.requests[0]?.headers.authorization).toBeUndefined();
    expect(other.requests[0]?.headers["x-github-api-version"]).toBe("2022-11-28");
  });
});

describe("timeouts", () => {
  it("fails with timeout when the server never sends headers", async () => {
    const s = await serve(() => {});
    const err = await failure(fetcher(`${s.origin}/feed`, { timeoutMs: 200 }));
    expect(err.code).toBe("timeout");
    expect(err.message).toContain(`${s.origin}/feed`);
  });

  it("fails with timeout when the body never ends", async () => {
    const s = await serve((_req, res) => {
      res.writeHead(200, { "content-type": "application/xml" });
      res.write("<rss>");
    });
    expect((await failure(fetcher(`${s.origin}/`, { timeoutMs: 200 }))).code).toBe("timeout");
  });

  it("counts the TLS handshake as connecting: a silent peer is a connect_timeout", async () => {
    const silent = net.createServer(() => {});
    const sockets: net.Socket[] = [];
    silent.on("connection", (s) => sockets.push(s));
    await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
    const port = (silent.address() as net.AddressInfo).port;
    try {
      const err = await failure(
        fetcher(`https://127.0.0.1:${port}/`, { connectTimeoutMs: 150, timeoutMs: 5_000 }),
      );
      expect(err.code).toBe("connect_timeout");
      expect(err.message).toContain(`127.0.0.1:${port}`);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((r) => silent.close(r));
    }
  });
});

describe("body", () => {
  const text = "<feed>héllo wörld</feed>".repeat(200);

  it.each([
    ["gzip", (b: Buffer) => zlib.gzipSync(b)],
    ["x-gzip", (b: Buffer) => zlib.gzipSync(b)],
    ["deflate", (b: Buffer) => zlib.deflateSync(b)],
    ["deflate", (b: Buffer) => zlib.deflateRawSync(b)], // raw deflate, as some servers send it
    ["br", (b: Buffer) => zlib.brotliCompressSync(b)],
    ["identity", (b: Buffer) => b],
  ])("decodes Content-Encoding %s", async (encoding, encode) => {
    const s = await serve((_req, res) => {
      res.writeHead(200, {
        "content-encoding": encoding,
        "content-type": "application/atom+xml; charset=utf-8",
      });
      res.end(encode(Buffer.from(text)));
    });
    const res = await fetcher(`${s.origin}/`);
    expect(res.body.toString("utf8")).toBe(text);
    expect(res.contentType).toBe("application/atom+xml; charset=utf-8");
  });

  it("returns bytes untouched (decoding charsets is not its job)", async () => {
    const sjis = Buffer.from([0x82, 0xa0, 0x82, 0xa2]); // "あい" in Shift_JIS
    const s = await serve((_req, res) => res.end(sjis));
    expect((await fetcher(`${s.origin}/`)).body.equals(sjis)).toBe(true);
  });

  it("refuses a declared Content-Length over the cap", async () => {
    const s = await serve((_req, res) => res.end(Buffer.alloc(2048, 65)));
    const err = await failure(fetcher(`${s.origin}/big`, { maxBytes: 1024 }));
    expect(err.code).toBe("too_large");
    expect(err.message).toBe(`The response from ${s.origin}/big is larger than 1 KB`);
  });

  it("cuts off an endless chunked body at the cap", async () => {
    const chunk = Buffer.alloc(64 * 1024, 120);
    const s = await serve((_req, res) => {
      res.writeHead(200, { "content-type": "text/plain" });
      const pump = () => {
        while (!res.destroyed && res.write(chunk));
        if (!res.destroyed) res.once("drain", pump);
      };
      pump();
    });
    const err = await failure(fetcher(`${s.origin}/endless`, { maxBytes: 1024 * 1024 }));
    expect(err.code).toBe("too_large");
  });

  it("cuts off a gzip bomb by its decompressed size", async () => {
    const bomb = zlib.gzipSync(Buffer.alloc(50 * 1024 * 1024), { level: 9 });
    expect(bomb.length).toBeLessThan(1024 * 1024); // small on the wire, so only the decompressed cap stops it
    const s = await serve((_req, res) => {
      res.writeHead(200, { "content-encoding": "gzip", "content-length": bomb.length });
      res.end(bomb);
    });
    const err = await failure(fetcher(`${s.origin}/bomb`, { maxBytes: 1024 * 1024 }));
    expect(err.code).toBe("too_large");
    expect(err.message).toContain("1 MB");
  });

  it("cuts off a brotli bomb too", async () => {
    const bomb = zlib.brotliCompressSync(Buffer.alloc(20 * 1024 * 1024));
    const s = await serve((_req, res) => {
      res.writeHead(200, { "content-encoding": "br" });
      res.end(bomb);
    });
    expect((await failure(fetcher(`${s.origin}/`, { maxBytes: 1024 * 1024 }))).code).toBe("too_large");
  });

  it("reports a corrupt body or an unknown encoding as decompression", async () => {
    const s = await serve((req, res) => {
      res.writeHead(200, { "content-encoding": req.url === "/zstd" ? "zstd" : "gzip" });
      res.end(Buffer.from("this is not gzip at all"));
    });
    const corrupt = await failure(fetcher(`${s.origin}/corrupt`));
    expect(corrupt.code).toBe("decompression");
    expect(corrupt.message).toContain(`${s.origin}/corrupt`);
    const unknown = await failure(fetcher(`${s.origin}/zstd`));
    expect(unknown.code).toBe("decompression");
    expect(unknown.message).toContain('"zstd"');
  });
});

describe("conditional GET and caching headers", () => {
  it("sends the stored validators and reports 304 as notModified", async () => {
    const etag = '"v1"';
    const lastModified = "Sat, 01 Mar 2025 10:00:00 GMT";
    const s = await serve((req, res) => {
      if (req.headers["if-none-match"] === etag) return void res.writeHead(304, { etag }).end();
      res
        .writeHead(200, { etag, "last-modified": lastModified, "cache-control": "max-age=900" })
        .end("<rss/>");
    });
    const first = await fetcher(`${s.origin}/feed`);
    expect(first).toMatchObject({ status: 200, notModified: false, etag, lastModified, maxAgeSeconds: 900 });

    const second = await fetcher(`${s.origin}/feed`, { etag: first.etag, lastModified: first.lastModified });
    expect(s.requests[1]?.headers["if-none-match"]).toBe(etag);
    expect(s.requests[1]?.headers["if-modified-since"]).toBe(lastModified);
    expect(second).toMatchObject({ status: 304, notModified: true, etag, lastModified });
    expect(second.body.length).toBe(0);
  });

  it("keeps the connection after 304s and redirects", async () => {
    const s = await serve((req, res) => {
      if (req.url === "/old")
        res.writeHead(301, { location: "/feed", "content-type": "text/html" }).end("moved");
      else res.writeHead(304, { etag: '"v1"' }).end();
    });
    for (let i = 0; i < 4; i++)
      expect((await fetcher(`${s.origin}/old`, { etag: '"v1"' })).notModified).toBe(true);
    expect(s.requests).toHaveLength(8);
    expect(s.connections).toBe(1);
  });

  it("returns new validators when the content changed", async () => {
    const s = await serve((_req, res) => res.writeHead(200, { etag: '"v2"' }).end("new"));
    const res = await fetcher(`${s.origin}/`, { etag: '"v1"' });
    expect(res.notModified).toBe(false);
    expect(res.etag).toBe('"v2"');
  });

  it("exposes Expires as maxAgeSeconds when there is no max-age", async () => {
    const s = await serve((_req, res) => {
      const date = new Date();
      res.writeHead(200, {
        date: date.toUTCString(),
        expires: new Date(date.getTime() + 3_600_000).toUTCString(),
      });
      res.end("x");
    });
    expect((await fetcher(`${s.origin}/`)).maxAgeSeconds).toBe(3600);
  });
});

describe("rate limiting", () => {
  it("surfaces 429 Retry-After seconds as retryAfterMs", async () => {
    const s = await serve((_req, res) => res.writeHead(429, { "retry-after": "120" }).end());
    const err = await failure(fetcher(`${s.origin}/api`));
    expect(err).toMatchObject({ code: "rate_limited", status: 429, retryAfterMs: 120_000 });
    expect(err.message).toBe(`HTTP 429 Too Many Requests from ${s.origin}/api; retry after 120 s`);
    expect(s.requests).toHaveLength(1);
  });

  it("reads an HTTP-date Retry-After on 503", async () => {
    const at = new Date(Date.now() + 600_000).toUTCString();
    const s = await serve((_req, res) => res.writeHead(503, { "retry-after": at }).end());
    const err = await failure(fetcher(`${s.origin}/`));
    expect(err.code).toBe("rate_limited");
    expect(err.status).toBe(503);
    expect(err.retryAfterMs).toBeGreaterThan(500_000);
    expect(err.retryAfterMs).toBeLessThanOrEqual(600_000);
  });

  it("treats 503 without Retry-After as a plain status error", async () => {
    const s = await serve((_req, res) => res.writeHead(503).end());
    const err = await failure(fetcher(`${s.origin}/`));
    expect(err.code).toBe("http_status");
    expect(err.status).toBe(503);
  });

  it("retries once within the call when the wait is short", async () => {
    const s = await serve((_req, res) => {
      if (s.requests.length === 1) res.writeHead(429, { "retry-after": "0" }).end();
      else res.end("after the wait");
    });
    expect((await fetcher(`${s.origin}/`)).body.toString()).toBe("after the wait");
    expect(s.requests).toHaveLength(2);
  });

  it("retries only once", async () => {
    const s = await serve((_req, res) => res.writeHead(429, { "retry-after": "0" }).end());
    expect((await failure(fetcher(`${s.origin}/`))).retryAfterMs).toBe(0);
    expect(s.requests).toHaveLength(2);
  });
});

describe("through the context", () => {
  it("ctx.fetch is a fetcher built from the configuration", async () => {
    const s = await serve((req, res) => res.end(req.headers["user-agent"]));
    const ctx = createCtx(
      loadConfig({
        NEWSLETTER_NAME: "Weekly Test",
        PUBLIC_BASE_URL: "https://news.example",
        ALLOW_PRIVATE_NETWORK: "1",
      }),
    );
    expect((await ctx.fetch(`${s.origin}/`)).body.toString()).toBe(
      "Weekly Test/0.1 (+https://news.example; newsletter feed reader)",
    );
    const strict = createCtx(loadConfig({}));
    expect((await failure(strict.fetch(`${s.origin}/`))).code).toBe("blocked_address");
  });
});

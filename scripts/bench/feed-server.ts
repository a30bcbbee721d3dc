/**
 * N loopback feeds for the poll benchmark: one `node:http` server on 127.0.0.1 (core's test server)
 * serving `/feeds/<i>.xml`, RSS 2.0 documents of `entries` entries each, with an ETag (a 304 for a
 * matching If-None-Match) and a fixed latency per feed between 5 and 20 ms, the same for every
 * poller, so two pollers compared side by side see exactly the same network.
 */
import { rss, startTestServer, type TestServer } from "@wkn/core/sources/test-server";

export interface FeedServer {
  urls: string[];
  /** Adds one new entry on top of every feed (a new ETag). */
  publishNewEntry(): void;
  /** Responses by status since the last `resetStats()`. */
  stats(): { ok: number; notModified: number; bytes: number };
  resetStats(): void;
  close(): Promise<void>;
}

const MINUTE = 60_000;
const BASE = Date.UTC(2026, 0, 5, 12);

/** 5..20 ms, spread evenly over the feeds. */
export const latencyOf = (feed: number): number => 5 + ((feed * 7) % 16);

function document(feed: number, version: number, entries: number): string {
  const posts = Array.from({ length: entries }, (_, k) => {
    // Entry numbers grow with each version: the newest is on top, older ones keep their link.
    const n = version - 1 + entries - 1 - k;
    return {
      title: `Post ${n} of blog ${feed}: notes on training small models`,
      link: `https://blog${feed}.example/posts/${n}`,
      description: `What we learned in experiment ${n}, with numbers and a short discussion.`,
      pubDate: new Date(BASE - (feed * 1000 + (entries - n)) * MINUTE).toUTCString(),
    };
  });
  return rss(`Blog ${feed}`, posts, `https://blog${feed}.example/`);
}

export async function startFeedServer(feeds: number, entries: number): Promise<FeedServer> {
  const srv: TestServer = await startTestServer("127.0.0.1");
  let version = 1;
  let bodies = new Map<number, string>();
  let stats = { ok: 0, notModified: 0, bytes: 0 };
  const etagOf = (feed: number) => `"b${feed}-v${version}"`;

  for (let i = 0; i < feeds; i++) {
    srv.route(`/feeds/${i}.xml`, async (req, res) => {
      await new Promise((r) => setTimeout(r, latencyOf(i)));
      const etag = etagOf(i);
      if (req.headers["if-none-match"] === etag) {
        stats.notModified++;
        res.writeHead(304, { etag }).end();
        return;
      }
      let body = bodies.get(i);
      if (!body) {
        body = document(i, version, entries);
        bodies.set(i, body);
      }
      stats.ok++;
      stats.bytes += Buffer.byteLength(body);
      res.writeHead(200, { "content-type": "application/rss+xml; charset=utf-8", etag }).end(body);
    });
  }

  return {
    urls: Array.from({ length: feeds }, (_, i) => `${srv.origin}/feeds/${i}.xml`),
    publishNewEntry() {
      version++;
      bodies = new Map();
    },
    stats: () => ({ ...stats }),
    resetStats() {
      stats = { ok: 0, notModified: 0, bytes: 0 };
      srv.requests.splice(0); // the test server keeps every request: let them go between cycles
    },
    close: () => srv.close(),
  };
}

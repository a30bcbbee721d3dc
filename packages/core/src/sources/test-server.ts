/**
 * Test helpers for polling: a loopback HTTP server with routes (feeds, a GitHub or Kaggle API
 * double), small feed documents, and a recorder of the DynamoDB commands a poll sends.
 */
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import type { Ctx } from "../context.js";
import { rawDbOf } from "../store/raw.js";

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage["headers"];
  body: string;
}

export type Route = (req: IncomingMessage, res: ServerResponse, body: string) => void | Promise<void>;

export interface TestServer {
  /** `http://<host>:<port>` */
  origin: string;
  port: number;
  requests: RecordedRequest[];
  /** Adds or replaces the handler of one path (query included when the request has one). */
  route(path: string, handler: Route): void;
  close(): Promise<void>;
}

/** Starts a server on `host` (default 127.0.0.1), port 0. Unknown paths answer 404. */
export async function startTestServer(host = "127.0.0.1"): Promise<TestServer> {
  const routes = new Map<string, Route>();
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString("utf8");
    const path = req.url ?? "/";
    requests.push({ method: req.method ?? "GET", path, headers: req.headers, body });
    const handler = routes.get(path) ?? routes.get(path.replace(/\?.*$/, ""));
    if (!handler) {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found");
      return;
    }
    try {
      await handler(req, res, body);
    } catch (e) {
      res.writeHead(500).end(String(e));
    }
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://${host}:${port}`,
    port,
    requests,
    route: (path, handler) => void routes.set(path, handler),
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Serves `body` with `headers`; honours If-None-Match when an `etag` is given (a 304 then). */
export function serve(
  body: string | Buffer,
  headers: Record<string, string> = {},
  opts: { etag?: string } = {},
): Route {
  return (req, res) => {
    if (opts.etag && req.headers["if-none-match"] === opts.etag) {
      res.writeHead(304, { etag: opts.etag, ...headers }).end();
      return;
    }
    res.writeHead(200, {
      "content-type": "application/rss+xml; charset=utf-8",
      ...(opts.etag ? { etag: opts.etag } : {}),
      ...headers,
    });
    res.end(body);
  };
}

export interface FeedEntry {
  title: string;
  link?: string;
  guid?: string;
  description?: string;
  pubDate?: string;
}

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** A small RSS 2.0 document. */
export function rss(title: string, entries: FeedEntry[], site = "https://example.com/"): string {
  const items = entries
    .map(
      (e) =>
        `<item><title>${esc(e.title)}</title>` +
        (e.link ? `<link>${esc(e.link)}</link>` : "") +
        (e.guid ? `<guid isPermaLink="false">${esc(e.guid)}</guid>` : "") +
        (e.description ? `<description>${esc(e.description)}</description>` : "") +
        `<pubDate>${e.pubDate ?? "Mon, 05 Jan 2026 10:00:00 GMT"}</pubDate></item>`,
    )
    .join("\n");
  return `<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>${esc(title)}</title><link>${site}</link><description>test</description>\n${items}\n</channel></rss>`;
}

/**
 * Records the DynamoDB commands sent through the context's table client from now on (the real
 * SDK's middleware stack: nothing is faked), with the partition keys they touch.
 */
export function recordCommands(ctx: Ctx): { commands: { name: string; keys: string[] }[]; clear(): void } {
  const commands: { name: string; keys: string[] }[] = [];
  rawDbOf(ctx.store).doc.middlewareStack.add(
    (next, context) => async (args) => {
      const input = (args as { input?: unknown }).input;
      const keys = [...JSON.stringify(input ?? {}).matchAll(/"pk":"([^"]+)"/g)].map((m) => m[1]!);
      commands.push({ name: String((context as { commandName?: string }).commandName ?? "?"), keys });
      return next(args);
    },
    { step: "initialize", name: `recordCommands${Math.random()}` },
  );
  return { commands, clear: () => void commands.splice(0) };
}

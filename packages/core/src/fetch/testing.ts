/** Loopback servers for the fetch tests. */

import http from "node:http";
import type { AddressInfo } from "node:net";
import { expect } from "vitest";
import { FetchError } from "./errors.js";

export const TEST_UA = "Test Weekly/0.1 (+https://news.example; newsletter feed reader)";

export interface TestServer {
  origin: string;
  port: number;
  /** Every request seen: method, path, headers, body. */
  requests: { method: string; url: string; headers: http.IncomingHttpHeaders; body: string }[];
  /** TCP connections accepted. */
  connections: number;
}

const open: http.Server[] = [];

/** Starts a server on `host`:0 whose handler also gets the request body. */
export async function serve(
  handler: (req: http.IncomingMessage, res: http.ServerResponse, body: string) => void,
  host = "127.0.0.1",
): Promise<TestServer> {
  const state: TestServer = { origin: "", port: 0, requests: [], connections: 0 };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      state.requests.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body });
      handler(req, res, body);
    });
  });
  server.on("connection", () => state.connections++);
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  open.push(server);
  state.port = (server.address() as AddressInfo).port;
  state.origin = `http://${host}:${state.port}`;
  return state;
}

export async function closeServers(): Promise<void> {
  for (const server of open.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

/** The FetchError a call fails with (the test fails if it succeeds or throws something else). */
export async function failure(p: Promise<unknown>): Promise<FetchError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(FetchError);
  return err as FetchError;
}

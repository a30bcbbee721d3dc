/**
 * The HTTP server, bound first: a port in use ends the start before the data folder is touched,
 * and holding the port from then on leaves no window for another process to take it. Until the
 * app is attached (after the database check) requests get 503.
 */
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createAdaptorServer } from "@hono/node-server";
import { StartupError } from "./startup-error.js";

type Fetch = (req: Request) => Response | Promise<Response>;

export interface BoundHttp {
  url: string;
  /** Starts answering with the app. */
  serve(fetch: Fetch): void;
  close(): Promise<void>;
}

const starting: Fetch = () =>
  Response.json(
    { error: { code: "starting", message: "the server is starting; try again in a moment" } },
    { status: 503, headers: { "retry-after": "1" } },
  );

function bindError(e: NodeJS.ErrnoException, host: string, port: number): StartupError {
  const where = `${host}:${port}`;
  if (e.code === "EADDRINUSE")
    return new StartupError(
      `port ${port} on ${host} is in use by another program (another "npm start"?): stop it, or set PORT to a free port`,
    );
  if (e.code === "EACCES")
    return new StartupError(`not allowed to listen on ${where}: set PORT to 1024 or above`);
  if (e.code === "EADDRNOTAVAIL" || e.code === "ENOTFOUND")
    return new StartupError(`cannot listen on ${where}: ${e.code}: set HOST to an address of this machine`);
  return new StartupError(`cannot listen on ${where}: ${e.code ?? e.message}`);
}

export async function bindHttp(host: string, port: number): Promise<BoundHttp> {
  let app = starting;
  const server = createAdaptorServer({ fetch: (req: Request) => app(req) }) as Server;
  await new Promise<void>((res, rej) => {
    server.once("error", (e) => rej(bindError(e as NodeJS.ErrnoException, host, port)));
    server.listen(port, host, () => res());
  });
  const bound = (server.address() as AddressInfo).port;
  const shown =
    host === "127.0.0.1" || host === "0.0.0.0" ? "localhost" : host.includes(":") ? `[${host}]` : host;
  return {
    url: `http://${shown}:${bound}`,
    serve: (fetch) => {
      app = fetch;
    },
    close: () =>
      new Promise<void>((res) => {
        server.close(() => res());
        server.closeIdleConnections();
      }),
  };
}

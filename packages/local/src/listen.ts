import type { Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface Listening {
  endpoint: string;
  close(): Promise<void>;
}

/** Starts an embedded server (127.0.0.1, a random port by default) and gives its endpoint and a close that drops open connections. */
export async function listen(
  server: Server,
  opts: { host?: string; port?: number } = {},
): Promise<Listening> {
  const host = opts.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

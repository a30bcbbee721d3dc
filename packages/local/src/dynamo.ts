/**
 * The embedded DynamoDB-compatible server: dynalite in this process, persisted under a folder
 * (in memory without one). Only one process may own a folder: the caller holds the data lock.
 */
import type { AddressInfo } from "node:net";
import dynalite from "dynalite";

export interface RunningServer {
  endpoint: string;
  close(): Promise<void>;
}

export async function startDynalite(
  opts: { path?: string; host?: string; port?: number } = {},
): Promise<RunningServer> {
  const server = dynalite({ path: opts.path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const host = opts.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

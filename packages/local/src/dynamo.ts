/**
 * The embedded DynamoDB-compatible server: dynalite in this process, persisted under a folder
 * (in memory without one), with TransactWriteItems added (dynamo-transactions.ts). Only one process may own a folder: the caller holds the data lock.
 */
import dynalite from "dynalite";
import { dynaliteWithTransactions } from "./dynamo-transactions.js";
import { type Listening, listen } from "./listen.js";

export type RunningServer = Listening;

export async function startDynalite(
  opts: { path?: string; host?: string; port?: number } = {},
): Promise<RunningServer> {
  const server = dynaliteWithTransactions(
    { path: opts.path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 },
    (o) => dynalite(o),
  );
  return listen(server, opts);
}

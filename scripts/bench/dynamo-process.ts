/**
 * dynalite in a child process for the benchmarks: on the service, DynamoDB's CPU and memory are
 * not the caller's, so a benchmark that ran the database in its own process would charge every
 * request's server-side work to the code it measures (and to its peak memory). The child is the
 * same server `npm start` runs (`@wkn/local/dynamo`), in memory, on a loopback port.
 */
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";

export interface DynamoProcess {
  endpoint: string;
  close(): Promise<void>;
}

const CHILD_FLAG = "--bench-dynamo-child";

export async function startDynamoProcess(): Promise<DynamoProcess> {
  const child = fork(fileURLToPath(import.meta.url), [CHILD_FLAG], {
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const endpoint = await new Promise<string>((resolve, reject) => {
    child.once("message", (m) => resolve(String((m as { endpoint: string }).endpoint)));
    child.once("error", reject);
    child.once("exit", (code) =>
      reject(new Error(`the benchmark's dynalite exited (code ${code}) before listening`)),
    );
  });
  return {
    endpoint,
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill();
      }),
  };
}

if (process.argv.includes(CHILD_FLAG)) {
  const { startDynalite } = await import("@wkn/local/dynamo");
  const server = await startDynalite({ host: "127.0.0.1" });
  process.send?.({ endpoint: server.endpoint });
  // The parent going away (a crash, ^C) ends this process too.
  process.on("disconnect", () => process.exit(0));
}

/**
 * dynalite in a child process for the benchmarks: on the service, DynamoDB's CPU and memory are
 * not the caller's, so a benchmark that ran the database in its own process would charge every
 * request's server-side work to the code it measures (and to its peak memory). The child is the
 * same server `npm start` runs (`@wkn/local/dynamo`), in memory, on a loopback port.
 */
import { fork } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export interface DynamoProcess {
  endpoint: string;
  /** CPU time the database process has used so far (ms), where the system tells (Linux); else null. */
  cpuMs(): number | null;
  close(): Promise<void>;
}

/** utime + stime of a process from /proc/<pid>/stat, in ms (clock ticks of 10 ms on Linux). */
function procCpuMs(pid: number | undefined): number | null {
  if (!pid) return null;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return null;
  }
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
    cpuMs: () => procCpuMs(child.pid),
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
  process.on("SIGTERM", () => process.exit(0));
}

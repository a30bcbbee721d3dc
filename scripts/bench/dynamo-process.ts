/**
 * dynalite in a child process for the benchmarks: on the service, DynamoDB's CPU and memory are
 * not the caller's, so a benchmark that ran the database in its own process would charge every
 * request's server-side work to the code it measures (and to its peak memory). The child is the
 * same server `npm start` runs (`@wkn/local/dynamo`), in memory, on a loopback port.
 */
import { readFileSync } from "node:fs";
import type { TestEnv } from "@wkn/testing";
import { exitWithParent, forkBenchChild } from "./child.js";
import { recordStalls, type Stall } from "./frame.js";

export interface DynamoProcess {
  endpoint: string;
  /** CPU time the database process has used so far (ms), where the system tells (Linux); else null. */
  cpuMs(): number | null;
  /** The database process's event-loop stalls so far (frame.ts recordStalls). */
  stalls(): Promise<Stall[]>;
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

async function startDynamoProcess(): Promise<DynamoProcess> {
  const c = forkBenchChild(import.meta.url, [CHILD_FLAG], "the benchmark's dynalite");
  const { endpoint } = await c.next<{ endpoint: string }>();
  return {
    endpoint,
    cpuMs: () => procCpuMs(c.child.pid),
    stalls: async () => (await c.ask<{ stalls: Stall[] }>("stalls")).stalls,
    close: c.close,
  };
}

/** A database process and a test env on it: contexts on fresh tables in a store of their own. */
export async function startBenchDatabase(): Promise<{
  dynamo: DynamoProcess;
  env: TestEnv;
  close(): Promise<void>;
}> {
  const dynamo = await startDynamoProcess();
  // Loaded here, not at the top: the child runs this module too and needs none of it.
  const { startTestEnv } = await import("@wkn/testing");
  const env = await startTestEnv({ dynamoEndpoint: dynamo.endpoint });
  return {
    dynamo,
    env,
    close: async () => {
      await env.close();
      await dynamo.close();
    },
  };
}

if (process.argv.includes(CHILD_FLAG)) {
  const { startDynalite } = await import("@wkn/local/dynamo");
  const server = await startDynalite({ host: "127.0.0.1" });
  const loop = recordStalls();
  process.on("message", (m) => {
    if (m === "stalls") process.send?.({ stalls: loop.stalls });
  });
  process.send?.({ endpoint: server.endpoint });
  exitWithParent();
}

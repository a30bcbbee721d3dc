/**
 * A benchmark's server in a child process (dynamo-process.ts, ses-process.ts): the module forks
 * itself with a flag, under tsx, sharing this process's output; the two talk over IPC.
 */
import { type ChildProcess, fork } from "node:child_process";
import { fileURLToPath } from "node:url";

export interface BenchChild {
  child: ChildProcess;
  /** The child's next message; rejects if it exits (or cannot start) first. */
  next<T>(): Promise<T>;
  /** Sends `question` and resolves with the child's answer (its next message). */
  ask<T>(question: string): Promise<T>;
  /** Ends the child (SIGTERM: each child closes what it holds, then exits) and waits for it. */
  close(): Promise<void>;
}

/** Forks the module at `moduleUrl` (its `import.meta.url`) with `args`. */
export function forkBenchChild(moduleUrl: string, args: string[], what: string): BenchChild {
  const child = fork(fileURLToPath(moduleUrl), args, {
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const next = <T>() =>
    new Promise<T>((resolve, reject) => {
      const onExit = (code: number | null) => {
        child.off("error", reject);
        reject(new Error(`${what} exited (code ${code}) before answering`));
      };
      child.once("error", reject);
      child.once("exit", onExit);
      child.once("message", (m) => {
        child.off("exit", onExit);
        child.off("error", reject);
        resolve(m as T);
      });
    });
  return {
    child,
    next,
    ask<T>(question: string) {
      const answer = next<T>();
      child.send(question);
      return answer;
    },
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill();
      }),
  };
}

/** In the child: the parent going away (a crash, ^C) or a SIGTERM runs `close`, then exits. */
export function exitWithParent(close: () => Promise<void> = async () => {}): void {
  const exit = () => void close().finally(() => process.exit(0));
  process.on("disconnect", exit);
  process.on("SIGTERM", exit);
}

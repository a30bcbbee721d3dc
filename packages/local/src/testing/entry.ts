/**
 * Test helper, not product code: runs the real `npm start` entry (`node --import tsx
 * packages/local/src/main.ts`) in its own process and waits on what it prints, never on timers.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

export const MAIN = fileURLToPath(new URL("../main.ts", import.meta.url));
export const REPO = fileURLToPath(new URL("../../../../", import.meta.url));

/** Permission tests need a user the file modes apply to: root ignores them, so run as nobody. */
export const unprivileged: { uid?: number; gid?: number } =
  process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};

/**
 * Whether that user can run the entry from this checkout: a clone inside a folder only root may
 * enter (mktemp -d) cannot be, and there file modes cannot be tested at all.
 */
export const unprivilegedCanRun: boolean =
  unprivileged.uid === undefined ||
  spawnSync(process.execPath, ["-e", `require("fs").accessSync(${JSON.stringify(MAIN)}, 4)`], {
    uid: unprivileged.uid,
    gid: unprivileged.gid,
  }).status === 0;

export interface Entry {
  proc: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (or the signal's name). */
  exited: Promise<number | string>;
  /** Resolves once stdout matches; rejects when the process ends first. */
  waitFor(pattern: RegExp): Promise<RegExpMatchArray>;
}

export function spawnEntry(
  env: Record<string, string>,
  opts: { uid?: number; gid?: number; command?: string[] } = {},
): Entry {
  const base = { ...process.env };
  for (const k of ["EDITOR_TOKEN", "SIGNING_SECRET", "DYNAMODB_ENDPOINT", "SES_ENDPOINT", "PORT", "DATA_DIR"])
    delete base[k];
  const [cmd, ...args] = opts.command ?? [process.execPath, "--import", "tsx", MAIN];
  const proc = spawn(cmd!, args, {
    cwd: REPO,
    env: { ...base, SOURCES_FILE: "none", HOST: "127.0.0.1", ...env },
    stdio: ["ignore", "pipe", "pipe"],
    uid: opts.uid,
    gid: opts.gid,
  });
  let out = "";
  let err = "";
  const watchers: (() => void)[] = [];
  proc.stdout?.on("data", (d) => {
    out += String(d);
    for (const w of watchers) w();
  });
  proc.stderr?.on("data", (d) => {
    err += String(d);
  });
  const exited = new Promise<number | string>((resolve) =>
    proc.once("close", (code, signal) => resolve(code ?? signal ?? -1)),
  );
  return {
    proc,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitFor: (pattern) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const m = out.match(pattern);
          if (m) resolve(m);
        };
        watchers.push(check);
        check();
        void exited.then((code) =>
          reject(new Error(`the entry ended (${code}) before printing ${pattern}: ${err || out}`)),
        );
      }),
  };
}

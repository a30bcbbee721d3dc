/**
 * One process per data folder: dynalite's LevelDB store breaks when two processes share it, so
 * `npm start` takes `DATA_DIR/.lock` (O_EXCL, holding our pid) and a second start exits at once.
 * The lock is released only after a clean shutdown, so a lock left by a dead process (kill -9,
 * power loss) also says the last run stopped mid-write: it is taken over and `recovered` is set,
 * telling the caller to check the database before serving.
 */
import { closeSync, openSync, readFileSync, unlinkSync, writeFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { fsReason, StartupError } from "./startup-error.js";

export class DataDirLockedError extends StartupError {
  constructor(
    readonly dir: string,
    readonly pid: number,
  ) {
    super(
      `${dir} is in use by another process (pid ${pid}). Only one "npm start" may use a data folder: stop the other one, or set DATA_DIR to another folder.`,
    );
    this.name = "DataDirLockedError";
  }
}

export interface DataLock {
  /** Removes the lock file if it is still ours: the mark of a clean stop. */
  release(): void;
  /**
   * Gives the folder up without marking a clean stop: a lock taken over from a dead process is
   * put back as it was found, so the next start still checks the database. Else as `release`.
   */
  abandon(): void;
  /** The previous owner died without releasing the lock (an unclean stop). */
  recovered: boolean;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

export function acquireDataLock(dir: string): DataLock {
  const file = join(dir, ".lock");
  /** What a dead owner left in the lock file. */
  let stale: string | undefined;
  for (let attempt = 0; attempt < 3; attempt++) {
    let fd: number;
    try {
      fd = openSync(file, "wx", 0o600);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== "EEXIST") throw new StartupError(`cannot create the lock file ${file}: ${fsReason(e)}`);
      let content: string;
      try {
        content = readFileSync(file, "utf8");
      } catch {
        continue; // removed between open and read: try again
      }
      const pid = Number(content.trim());
      if (Number.isInteger(pid) && pid > 0 && alive(pid)) throw new DataDirLockedError(dir, pid);
      try {
        unlinkSync(file); // stale: its owner is gone (an empty file: it died while taking it)
        stale = content;
      } catch {
        // someone else took it over first; the next attempt decides
      }
      continue;
    }
    let failed: unknown;
    try {
      writeSync(fd, String(process.pid));
    } catch (e) {
      failed = e;
    } finally {
      closeSync(fd);
    }
    if (failed) {
      unlinkSync(file);
      throw new StartupError(`cannot write the lock file ${file}: ${fsReason(failed)}`);
    }
    let released = false;
    const giveUp = (leave: string | undefined) => {
      if (released) return;
      released = true;
      try {
        if (readFileSync(file, "utf8").trim() !== String(process.pid)) return;
        if (leave === undefined) unlinkSync(file);
        else writeFileSync(file, leave);
      } catch {
        // already gone
      }
    };
    return {
      recovered: stale !== undefined,
      release: () => giveUp(undefined),
      abandon: () => giveUp(stale),
    };
  }
  throw new StartupError(`could not take the lock ${file}: another process keeps taking it over`);
}

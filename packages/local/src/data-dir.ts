/**
 * The data folder: created when missing and checked writable before anything is written to it.
 * `undo` removes what this start created (the folder itself, or new entries in an existing one),
 * so a start that fails leaves the disk as it found it.
 */
import { accessSync, constants, mkdirSync, readdirSync, rmdirSync, rmSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fsReason, StartupError } from "./startup-error.js";

export interface DataDir {
  path: string;
  /** Remembers what the folder holds now; `undo` removes anything added later. */
  snapshot(): void;
  /** Removes what this start created (call after everything in it was closed). */
  undo(): void;
}

export function prepareDataDir(dir: string): DataDir {
  const path = resolve(dir);
  let created: string | undefined;
  let existing: Set<string> | undefined;
  try {
    if (!statSync(path).isDirectory()) {
      throw new StartupError(`DATA_DIR ${path} is a file, not a folder: set DATA_DIR to a folder`);
    }
  } catch (e) {
    if (e instanceof StartupError) throw e;
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") {
      throw new StartupError(`DATA_DIR ${path} cannot be used: ${fsReason(e)}`);
    }
    try {
      created = mkdirSync(path, { recursive: true }) ?? path;
    } catch (err) {
      throw new StartupError(
        `DATA_DIR ${path} cannot be created: ${fsReason(err)}. Create it yourself or set DATA_DIR to a writable folder.`,
      );
    }
  }
  try {
    accessSync(path, constants.W_OK | constants.X_OK);
  } catch (e) {
    throw new StartupError(
      `DATA_DIR ${path} is not writable: ${fsReason(e)}. Give this user write access to it, or set DATA_DIR to a writable folder.`,
    );
  }

  return {
    path,
    snapshot: () => {
      existing = new Set(readdirSync(path));
    },
    undo: () => {
      if (!existing) {
        // never held the folder (its lock was taken): remove only empty folders made here
        if (created) removeEmptyUpTo(path, created);
        return;
      }
      if (created) {
        rmSync(created, { recursive: true, force: true });
        return;
      }
      for (const name of readdirSync(path)) {
        if (!existing.has(name)) rmSync(join(path, name), { recursive: true, force: true });
      }
    },
  };
}

function removeEmptyUpTo(path: string, top: string): void {
  for (let p = path; p.startsWith(top); p = dirname(p)) {
    try {
      rmdirSync(p);
    } catch {
      return; // not empty: something else lives there
    }
    if (p === top) return;
  }
}

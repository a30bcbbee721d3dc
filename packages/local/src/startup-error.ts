/**
 * A start-up failure the person running `npm start` can act on: main prints its message as one
 * line on stderr and exits 1. The message says what is wrong, where, and what to do.
 */
export class StartupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StartupError";
  }
}

/** An fs error as a short reason: "permission denied (EACCES)". */
export function fsReason(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  const reasons: Record<string, string> = {
    EACCES: "permission denied",
    EPERM: "operation not permitted",
    EROFS: "read-only file system",
    ENOTDIR: "a part of the path is a file, not a folder",
    ENOSPC: "no space left on the device",
    EISDIR: "it is a folder, not a file",
    ENOENT: "no such file or folder",
  };
  const code = err?.code;
  if (code && reasons[code]) return `${reasons[code]} (${code})`;
  return code ? `${code}: ${err.message}` : String(err?.message ?? e);
}

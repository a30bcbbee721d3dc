/** The outbox: one `.eml` file per accepted message, named so that a listing sorts by time. */
import { randomUUID } from "node:crypto";
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";

/** An id shaped like SES's (`0100018c1b2e3f4a-<uuid>-000000`): "01", the time in hex, then a UUID. */
export function newMessageId(now: number): string {
  return `01${now.toString(16).padStart(14, "0")}-${randomUUID()}-000000`;
}

/** `20261129T123456.789Z`: ISO-8601 without separators, so names sort by time. */
export function outboxStamp(now: number): string {
  return new Date(now).toISOString().replace(/[-:]/g, "");
}

/**
 * Writes `<dir>/<stamp>-<id>.eml` through a temporary file and a rename, so that a reader never
 * sees half a message; creates the folder if missing. Returns the file's path.
 */
export async function writeToOutbox(dir: string, id: string, raw: Buffer, now: number): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = join(dir, `${outboxStamp(now)}-${id}.eml`);
  const tmp = join(dir, `.${id}.tmp`);
  try {
    await writeFile(tmp, raw, { flag: "wx" });
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
  return file;
}

/** Media in a folder (`DATA_DIR/media` for `npm start`); written to a temporary name, then renamed. */
import { randomBytes } from "node:crypto";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { CONTENT_TYPES, checkMediaKey, type MediaStore } from "./store.js";

export function folderMediaStore(dir: string): MediaStore {
  let made: Promise<unknown> | undefined;
  return {
    async put(key, bytes) {
      checkMediaKey(key);
      made ??= mkdir(dir, { recursive: true });
      await made;
      const tmp = path.join(dir, `.${key}.${randomBytes(6).toString("hex")}.tmp`);
      try {
        await writeFile(tmp, bytes);
        // rename is atomic: a reader never sees half a picture, two writers of one key agree.
        await rename(tmp, path.join(dir, key));
      } finally {
        await rm(tmp, { force: true });
      }
    },
    async get(key) {
      checkMediaKey(key);
      try {
        const bytes = await readFile(path.join(dir, key));
        return { bytes, contentType: CONTENT_TYPES[key.split(".").pop()!] ?? "application/octet-stream" };
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
        throw err;
      }
    },
  };
}

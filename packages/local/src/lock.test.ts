import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { acquireDataLock, DataDirLockedError } from "./lock.js";

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("data folder lock", () => {
  it("is exclusive while held and free after release", () => {
    dir = mkdtempSync(join(tmpdir(), "wkn-lock-"));
    const release = acquireDataLock(dir);
    expect(readFileSync(join(dir, ".lock"), "utf8")).toBe(String(process.pid));
    expect(() => acquireDataLock(dir)).toThrow(DataDirLockedError);
    release();
    acquireDataLock(dir)();
  });

  it("takes over a lock left by a dead process", () => {
    dir = mkdtempSync(join(tmpdir(), "wkn-lock-"));
    writeFileSync(join(dir, ".lock"), "999999999");
    const release = acquireDataLock(dir);
    expect(readFileSync(join(dir, ".lock"), "utf8")).toBe(String(process.pid));
    release();
  });
});

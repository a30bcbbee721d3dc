import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { acquireDataLock, DataDirLockedError } from "./lock.js";

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("data folder lock", () => {
  it("is exclusive while held and free after release", () => {
    dir = mkdtempSync(join(tmpdir(), "wkn-lock-"));
    const lock = acquireDataLock(dir);
    expect(lock.recovered).toBe(false);
    expect(readFileSync(join(dir, ".lock"), "utf8")).toBe(String(process.pid));
    expect(() => acquireDataLock(dir)).toThrow(DataDirLockedError);
    lock.release();
    const again = acquireDataLock(dir);
    expect(again.recovered).toBe(false); // released cleanly: no check needed
    again.release();
  });

  it("takes over a lock left by a dead process and says the last run stopped uncleanly", () => {
    dir = mkdtempSync(join(tmpdir(), "wkn-lock-"));
    writeFileSync(join(dir, ".lock"), "999999999");
    const lock = acquireDataLock(dir);
    expect(lock.recovered).toBe(true);
    expect(readFileSync(join(dir, ".lock"), "utf8")).toBe(String(process.pid));
    lock.release();
  });

  it("puts a dead owner's lock back when the start is given up (the next start still checks)", () => {
    dir = mkdtempSync(join(tmpdir(), "wkn-lock-"));
    writeFileSync(join(dir, ".lock"), "999999999");
    acquireDataLock(dir).abandon();
    expect(readFileSync(join(dir, ".lock"), "utf8")).toBe("999999999");
    const lock = acquireDataLock(dir);
    expect(lock.recovered).toBe(true);
    lock.release();
    expect(existsSync(join(dir, ".lock"))).toBe(false);
    acquireDataLock(dir).abandon(); // taken from nobody: given up like a release
    expect(existsSync(join(dir, ".lock"))).toBe(false);
  });

  it("takes over an empty lock file (its owner died while taking it)", () => {
    dir = mkdtempSync(join(tmpdir(), "wkn-lock-"));
    writeFileSync(join(dir, ".lock"), "");
    const lock = acquireDataLock(dir);
    expect(lock.recovered).toBe(true);
    lock.release();
  });
});

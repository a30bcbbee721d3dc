/** The checks before the app loads: a failure leaves the folder as found, an unclean stop still marked. */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "@wkn/core/config";
import { silentLogger } from "@wkn/core/log";
import { afterEach, describe, expect, it } from "vitest";
import { prepareLocal } from "./prepare.js";
import { StartupError } from "./startup-error.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function folder(files: Record<string, string>): string {
  const d = mkdtempSync(join(tmpdir(), "wkn-prepare-"));
  dirs.push(d);
  for (const [name, content] of Object.entries(files)) writeFileSync(join(d, name), content);
  return d;
}

const prepare = (dataDir: string) =>
  prepareLocal(loadConfig({ DATA_DIR: dataDir, PORT: "0", SOURCES_FILE: "none" }), silentLogger);

describe("prepareLocal", () => {
  it("leaves a dead process's lock in place when it fails before the database was checked", async () => {
    const dataDir = folder({ ".lock": "999999999", "secrets.json": "[]" });
    await expect(prepare(dataDir)).rejects.toBeInstanceOf(StartupError);
    expect(readFileSync(join(dataDir, ".lock"), "utf8")).toBe("999999999");
    expect(readdirSync(dataDir).sort()).toEqual([".lock", "secrets.json"]);
  });

  it("frees the folder and creates nothing when it fails after a clean stop", async () => {
    const dataDir = folder({ "secrets.json": '{"editorToken": ""}' });
    await expect(prepare(dataDir)).rejects.toThrow(
      /"editorToken" must be a non-empty string, not an empty string/,
    );
    expect(readdirSync(dataDir)).toEqual(["secrets.json"]);
  });

  it("hands back the port, the folder and the secrets; abandon undoes a first start", async () => {
    const root = folder({});
    const dataDir = join(root, "data");
    const p = await prepare(dataDir);
    expect(p.config.dataDir).toBe(dataDir);
    expect(p.config.editorToken).toBe(p.secrets.editorToken);
    expect((await fetch(`${p.http.url}/api/health`)).status).toBe(503); // bound, not serving yet
    expect(readdirSync(dataDir).sort()).toEqual([".lock", "dynamodb"]);
    await p.abandon();
    expect(readdirSync(root)).toEqual([]);
  });
});

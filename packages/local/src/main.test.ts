/**
 * The real `npm start` entry in its own process: each start-up failure is one line on stderr and
 * exit code 1 with nothing created, and SIGTERM (to it, or to `npm start` running it) stops
 * everything and frees the lock.
 */

import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { loadConfig } from "@wkn/core/config";
import { silentLogger } from "@wkn/core/log";
import { describe, expect, it } from "vitest";
import { acquireDataLock } from "./lock.js";
import { startLocal } from "./runtime.js";
import { type Entry, MAIN, REPO, spawnEntry, unprivileged, unprivilegedCanRun } from "./testing/entry.js";

type Cleanup = (fn: () => void | Promise<void>) => void;

/** A temp folder the child (possibly another user) can reach, removed when the test ends. */
function tempRoot(onTestFinished: Cleanup): string {
  const d = mkdtempSync(join(tmpdir(), "wkn-entry-"));
  chmodSync(d, 0o755);
  onTestFinished(() => {
    chmodTree(d, 0o755);
    rmSync(d, { recursive: true, force: true });
  });
  return d;
}

/** Starts the entry; it is killed when the test ends if it is still running. */
function start(onTestFinished: Cleanup, ...args: Parameters<typeof spawnEntry>): Entry {
  const entry = spawnEntry(...args);
  onTestFinished(async () => {
    if (entry.proc.exitCode === null && entry.proc.signalCode === null) entry.proc.kill("SIGKILL");
    await entry.exited;
  });
  return entry;
}

function walk(dir: string, visit: (path: string) => void): void {
  visit(dir);
  if (!statSync(dir).isDirectory()) return;
  for (const name of readdirSync(dir)) walk(join(dir, name), visit);
}

function chmodTree(dir: string, mode: number): void {
  try {
    walk(dir, (p) => {
      if (statSync(p).isDirectory()) chmodSync(p, mode);
    });
  } catch {
    // gone already
  }
}

/** Hands a folder to the child's user (when tests run as root and the child as nobody). */
function giveToChild(dir: string): void {
  const { uid, gid } = unprivileged;
  if (uid === undefined || gid === undefined) return;
  walk(dir, (p) => chownSync(p, uid, gid));
}

/** Every path under `dir`, to compare before and after. */
function tree(dir: string): string[] {
  const out: string[] = [];
  walk(dir, (p) => out.push(relative(dir, p)));
  return out.sort();
}

async function run(onTestFinished: Cleanup, env: Record<string, string>, user = {}) {
  const entry = start(onTestFinished, { PORT: "0", ...env }, user);
  const code = await entry.exited;
  return { code, stderr: entry.stderr(), stdout: entry.stdout() };
}

/** The one line a failed start prints (and nothing else on stderr). */
function oneLine(stderr: string): string {
  const lines = stderr.trim().split("\n");
  expect(lines, stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^error: /);
  return lines[0]!;
}

/** A data folder holding a database written by a real start. */
async function usedDataDir(root: string): Promise<string> {
  const dataDir = join(root, "data");
  const rt = await startLocal(loadConfig({ DATA_DIR: dataDir, PORT: "0", SOURCES_FILE: "none" }), {
    log: silentLogger,
    schedule: false,
  });
  await rt.close();
  return dataDir;
}

// Each case is its own process: they run side by side.
describe.concurrent("a start that cannot succeed says why in one line, exits 1 and creates nothing", {
  timeout: 120_000,
}, () => {
  it("port in use: checked before the data folder is touched", async ({ onTestFinished }) => {
    const root = tempRoot(onTestFinished);
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, "127.0.0.1", () => r()));
    const port = (blocker.address() as { port: number }).port;
    try {
      const dataDir = join(root, "data");
      const r = await run(onTestFinished, { DATA_DIR: dataDir, PORT: String(port) });
      expect(r.code).toBe(1);
      expect(oneLine(r.stderr)).toContain(`port ${port} on 127.0.0.1 is in use`);
      expect(existsSync(dataDir)).toBe(false);
    } finally {
      blocker.close();
    }
  });

  // As root the child runs as nobody (file modes bind only it); it must be able to reach the checkout.
  it.skipIf(!unprivilegedCanRun)("DATA_DIR cannot be created", async ({ onTestFinished }) => {
    const root = tempRoot(onTestFinished);
    const parent = join(root, "readonly");
    mkdirSync(parent);
    giveToChild(parent);
    chmodSync(parent, 0o555);
    const r = await run(onTestFinished, { DATA_DIR: join(parent, "data") }, unprivileged);
    expect(r.code).toBe(1);
    expect(oneLine(r.stderr)).toMatch(
      /DATA_DIR .*readonly\/data cannot be created: permission denied \(EACCES\)/,
    );
    expect(readdirSync(parent)).toEqual([]);
  });

  // As root the child runs as nobody (file modes bind only it); it must be able to reach the checkout.
  it.skipIf(!unprivilegedCanRun)("DATA_DIR not writable", async ({ onTestFinished }) => {
    const root = tempRoot(onTestFinished);
    const dataDir = join(root, "data");
    mkdirSync(dataDir);
    giveToChild(dataDir);
    chmodSync(dataDir, 0o555);
    const r = await run(onTestFinished, { DATA_DIR: dataDir }, unprivileged);
    expect(r.code).toBe(1);
    expect(oneLine(r.stderr)).toMatch(/DATA_DIR .*\/data is not writable: permission denied/);
    expect(readdirSync(dataDir)).toEqual([]);
  });

  // As root the child runs as nobody (file modes bind only it); it must be able to reach the checkout.
  it.skipIf(!unprivilegedCanRun)(
    "database folder not writable: no stale lock, nothing added",
    async ({ onTestFinished }) => {
      const root = tempRoot(onTestFinished);
      const dataDir = await usedDataDir(root);
      giveToChild(dataDir);
      chmodSync(join(dataDir, "dynamodb"), 0o555);
      const before = tree(dataDir);
      const r = await run(onTestFinished, { DATA_DIR: dataDir }, unprivileged);
      expect(r.code).toBe(1);
      expect(oneLine(r.stderr)).toMatch(
        /the database folder .*\/dynamodb is not writable \(.*Permission denied\)/,
      );
      expect(tree(dataDir)).toEqual(before);
      expect(existsSync(join(dataDir, ".lock"))).toBe(false);
    },
  );

  it("database folder corrupt", async ({ onTestFinished }) => {
    const root = tempRoot(onTestFinished);
    const dataDir = await usedDataDir(root);
    const db = join(dataDir, "dynamodb");
    for (const f of readdirSync(db).filter((n) => n.startsWith("MANIFEST-")))
      writeFileSync(join(db, f), Buffer.from("not a manifest at all, just some bytes"));
    const before = tree(dataDir);
    const r = await run(onTestFinished, { DATA_DIR: dataDir });
    expect(r.code).toBe(1);
    expect(oneLine(r.stderr)).toMatch(
      /the database folder .*\/dynamodb is corrupt \(Corruption: .*\): restore it/,
    );
    expect(tree(dataDir)).toEqual(before);
  });

  it("data folder locked by a running process", async ({ onTestFinished }) => {
    const root = tempRoot(onTestFinished);
    const dataDir = join(root, "data");
    mkdirSync(dataDir);
    const lock = acquireDataLock(dataDir);
    try {
      const r = await run(onTestFinished, { DATA_DIR: dataDir });
      expect(r.code).toBe(1);
      expect(oneLine(r.stderr)).toContain(`is in use by another process (pid ${process.pid})`);
      expect(readdirSync(dataDir)).toEqual([".lock"]);
    } finally {
      lock.release();
    }
  });

  it.for<[string, string, RegExp]>([
    ["not JSON", "{editorToken: x", /secrets\.json is not valid JSON \(.+\)\. Restore it from a backup/],
    ["a list", "[]", /secrets\.json must hold an object .*, not a list\./],
    [
      "without the signing secret",
      '{"editorToken":"abcdefghijklmnop"}',
      /secrets\.json has no "signingSecret"\./,
    ],
    [
      "a token of the wrong type",
      '{"editorToken":123,"signingSecret":"abcdefghijklmnop"}',
      /secrets\.json: "editorToken" must be a non-empty string, not number\./,
    ],
  ])("secrets.json %s: never replaced by new secrets", async ([, content, message], { onTestFinished }) => {
    const root = tempRoot(onTestFinished);
    const dataDir = join(root, "data");
    mkdirSync(dataDir);
    writeFileSync(join(dataDir, "secrets.json"), content);
    const r = await run(onTestFinished, { DATA_DIR: dataDir });
    expect(r.code).toBe(1);
    const line = oneLine(r.stderr);
    expect(line).toMatch(message);
    expect(line).toContain(join(dataDir, "secrets.json"));
    expect(line).toContain("unsubscribe link already mailed stops working");
    expect(readFileSync(join(dataDir, "secrets.json"), "utf8")).toBe(content);
    expect(readdirSync(dataDir)).toEqual(["secrets.json"]);
  });

  it("a bad setting (PORT)", async ({ onTestFinished }) => {
    const root = tempRoot(onTestFinished);
    const r = await run(onTestFinished, { DATA_DIR: join(root, "data"), PORT: "eighty" });
    expect(r.code).toBe(1);
    expect(oneLine(r.stderr)).toBe('error: PORT must be a number >= 0, got "eighty"');
    expect(readdirSync(root)).toEqual([]);
  });
});

describe("stopping", { timeout: 120_000 }, () => {
  it("SIGTERM stops the server and frees the lock; the next start is a clean one", async ({
    onTestFinished,
  }) => {
    const root = tempRoot(onTestFinished);
    const dataDir = join(root, "data");
    const first = start(onTestFinished, { DATA_DIR: dataDir, PORT: "0" });
    const [, url] = await first.waitFor(/editor: +(http:\/\/\S+)\//);
    expect((await fetch(`${url}/api/health`)).status).toBe(200);
    first.proc.kill("SIGTERM");
    expect(await first.exited).toBe(0);
    expect(existsSync(join(dataDir, ".lock"))).toBe(false);
    await expect(fetch(`${url}/api/health`)).rejects.toThrow();

    const second = start(onTestFinished, { DATA_DIR: dataDir, PORT: "0" });
    await second.waitFor(/is running/);
    expect(second.stdout()).not.toContain("unclean stop");
    second.proc.kill("SIGTERM");
    expect(await second.exited, `${second.stdout()}\n${second.stderr()}`).toBe(0);
  });

  // npm runs a script through `sh -c`; dash does not exec a lone command, and a SIGTERM npm hands
  // to that shell would leave the server running: the script execs node.
  it('SIGTERM to "npm start" (script: exec node --import tsx packages/local/src/main.ts) reaches the server', async ({
    onTestFinished,
  }) => {
    const root = tempRoot(onTestFinished);
    const pkg = join(root, "pkg");
    mkdirSync(pkg);
    symlinkSync(join(REPO, "node_modules"), join(pkg, "node_modules"));
    writeFileSync(
      join(pkg, "package.json"),
      JSON.stringify({
        name: "start-script",
        private: true,
        scripts: { start: `exec node --import tsx ${MAIN}` },
      }),
    );
    const dataDir = join(root, "data");
    const npm = start(
      onTestFinished,
      { DATA_DIR: dataDir, PORT: "0" },
      { command: ["npm", "start", "--silent", `--prefix=${pkg}`] },
    );
    await npm.waitFor(/is running/);
    const serverPid = Number(readFileSync(join(dataDir, ".lock"), "utf8"));
    onTestFinished(() => {
      try {
        process.kill(serverPid, "SIGKILL"); // in case it outlived npm
      } catch {
        // gone, as it should be
      }
    });
    expect(serverPid).not.toBe(npm.proc.pid);
    npm.proc.kill("SIGTERM");
    await npm.exited;
    // npm may exit before the server has finished its shutdown: wait on the server's own state.
    // A SIGTERM that never reached it leaves it running, and this fails.
    const alive = () => {
      try {
        process.kill(serverPid, 0);
        return true;
      } catch {
        return false;
      }
    };
    await expect.poll(alive, { timeout: 25_000, interval: 100 }).toBe(false);
    expect(existsSync(join(dataDir, ".lock"))).toBe(false);
  });
});

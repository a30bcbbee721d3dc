/**
 * Builds the editor's page when it needs building, so a fresh clone (dist/ is git-ignored) works
 * with `npm start` and `npm test` and nothing else: `ensureWebBuilt()` runs Vite's build only when
 * dist/ is missing or was built from other inputs than the current ones (src/ but its tests,
 * index.html, vite.config.ts, package.json).
 *
 * dist/.inputs holds a hash of the inputs a build was made from (a hash, not mtimes: a deleted
 * file or a checkout of an older one counts too). One build at a time: a lock file (with the
 * builder's pid) under packages/web/.build/; a process that finds it waits, then looks again. Vite
 * writes into a folder beside it, which then replaces dist/ (two renames), so dist/ is never half
 * written. The build runs in a child process: Vite sets NODE_ENV when it is unset and stays loaded
 * otherwise, and under NODE_ENV=test it would make a development build.
 */
import { execFile } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { mkdir, open, readdir, readFile, rename, rm, stat, unlink, writeFile } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";

/** packages/web/ */
export const WEB_ROOT = fileURLToPath(new URL("../", import.meta.url));
/** The hash of the inputs, written into dist/ after each build. Never served (only / and assets/ are). */
export const INPUTS_FILE = ".inputs";
/** A lock older than this is a leftover (a build takes seconds). */
const STALE_LOCK_MS = 10 * 60_000;

export interface EnsureWebBuiltOptions {
  /** The package (default: packages/web); tests build a copy. */
  root?: string;
  /** One line when a build ran (default: none). */
  log?: (line: string) => void;
  /** Writes the page into `outDir` (default: Vite's build in a child process). */
  build?: (root: string, outDir: string) => Promise<void>;
  /** Pause between looks at another process's lock. */
  lockPollMs?: number;
  /** Called when another process holds the lock and this one starts waiting (tests). */
  onLockWait?: () => void;
  /**
   * When the build fails and an earlier one is in dist/: "throw" (the default: a deploy must ship
   * the current page), or "keep" it and say so in one line (`npm start`, the tests: someone's
   * half-written view should not stop everything else).
   */
  onFailure?: "throw" | "keep";
}

export interface WebBuild {
  /** dist/ */
  dir: string;
  /** Whether this call built it (false: it was current, or see `failed`). */
  built: boolean;
  /** With `onFailure: "keep"`: why dist/ holds an earlier build. */
  failed?: string;
}

const inFlight = new Map<string, Promise<WebBuild>>();

/** Builds packages/web/dist unless it is current. Concurrent calls in one process share one run. */
export function ensureWebBuilt(opts: EnsureWebBuiltOptions = {}): Promise<WebBuild> {
  const root = opts.root ?? WEB_ROOT;
  let run = inFlight.get(root);
  if (!run) {
    run = ensure(root, opts).finally(() => inFlight.delete(root));
    inFlight.set(root, run);
  }
  return run;
}

async function ensure(root: string, opts: EnsureWebBuiltOptions): Promise<WebBuild> {
  const dist = join(root, "dist");
  if (await isCurrent(root)) return { dir: dist, built: false };
  try {
    return await build(root, opts);
  } catch (e) {
    const hasPage = await stat(join(dist, "index.html")).then(
      () => true,
      () => false,
    );
    if (opts.onFailure !== "keep" || !hasPage) throw e;
    const failed = e instanceof Error ? e.message : String(e);
    opts.log?.(`web: kept the earlier build of the editor's page: ${failed.split("\n")[0]}`);
    return { dir: dist, built: false, failed };
  }
}

async function build(root: string, opts: EnsureWebBuiltOptions): Promise<WebBuild> {
  const dist = join(root, "dist");
  const work = join(root, ".build");
  await mkdir(work, { recursive: true });
  const release = await lock(join(work, "web-build.lock"), opts.lockPollMs ?? 100, opts.onLockWait);
  try {
    // Another process may have built it while this one waited.
    if (await isCurrent(root)) return { dir: dist, built: false };
    const inputs = await inputsHash(root);
    const started = Date.now();
    const tag = `${process.pid}-${randomBytes(4).toString("hex")}`;
    const next = join(work, `web-dist-${tag}`);
    const old = join(work, `web-dist-old-${tag}`);
    try {
      await (opts.build ?? viteBuild)(root, next);
      await stat(join(next, "index.html"));
      await writeFile(join(next, INPUTS_FILE), inputs);
      await rename(dist, old).catch((e: NodeJS.ErrnoException) => {
        if (e.code !== "ENOENT") throw e;
      });
      await rename(next, dist);
    } finally {
      await rm(next, { recursive: true, force: true });
      await rm(old, { recursive: true, force: true });
    }
    const where = relative(process.cwd(), dist) || dist;
    opts.log?.(
      `web: built the editor's page into ${where} (${((Date.now() - started) / 1000).toFixed(1)} s)`,
    );
    return { dir: dist, built: true };
  } finally {
    await release();
  }
}

/** Whether dist/ holds a build of the current inputs. */
export async function isCurrent(root: string = WEB_ROOT): Promise<boolean> {
  const dist = join(root, "dist");
  const [built, inputs] = await Promise.all([readInputs(dist), inputsHash(root)]);
  if (built !== inputs) return false;
  return stat(join(dist, "index.html")).then(
    () => true,
    () => false,
  );
}

async function readInputs(dist: string): Promise<string | null> {
  return readFile(join(dist, INPUTS_FILE), "utf8").catch(() => null);
}

/** The files a build is made from, relative to the package, sorted. */
export async function inputFiles(root: string = WEB_ROOT): Promise<string[]> {
  const files = ["index.html", "vite.config.ts", "package.json"];
  for (const folder of ["src", "public"]) {
    let entries: string[];
    try {
      entries = await readdir(join(root, folder), { recursive: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") continue;
      throw e;
    }
    for (const entry of entries) {
      const rel = join(folder, entry).split(sep).join("/");
      // Tests sit beside the code and never reach the page.
      if (/\.test\.[cm]?[jt]sx?$/.test(rel)) continue;
      if ((await stat(join(root, rel))).isFile()) files.push(rel);
    }
  }
  return files.sort();
}

/** sha256 over every input's path and content. */
export async function inputsHash(root: string = WEB_ROOT): Promise<string> {
  const hash = createHash("sha256");
  for (const rel of await inputFiles(root)) {
    const content = await readFile(join(root, rel)).catch((e: NodeJS.ErrnoException) => {
      if (e.code === "ENOENT") return Buffer.from("\0missing");
      throw e;
    });
    hash.update(`${rel}\0${content.length}\0`).update(content);
  }
  return hash.digest("hex");
}

/** Takes the lock file (holding our pid), waiting while a live process holds it. */
async function lock(path: string, pollMs: number, onWait?: () => void): Promise<() => Promise<void>> {
  let waiting = false;
  for (;;) {
    try {
      const handle = await open(path, "wx");
      await handle.writeFile(String(process.pid));
      await handle.close();
      return () => unlink(path).catch(() => {});
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    }
    if (await isStale(path)) {
      await unlink(path).catch(() => {});
      continue;
    }
    if (!waiting) onWait?.();
    waiting = true;
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

async function isStale(path: string): Promise<boolean> {
  try {
    const [text, info] = await Promise.all([readFile(path, "utf8"), stat(path)]);
    if (Date.now() - info.mtimeMs > STALE_LOCK_MS) return true;
    const pid = Number(text);
    if (!Number.isInteger(pid) || pid <= 0) return text !== ""; // empty: being written
    if (pid === process.pid) return false; // another of our own (ensureWebBuilt shares one run per root)
    process.kill(pid, 0);
    return false;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return false; // released meanwhile: try again
    return code === "ESRCH"; // its process is gone
  }
}

/**
 * What the child runs: Vite's own build, as `npx vite build -c vite.config.ts` would, into outDir.
 * A failure prints `error: ` and one line per error (at most five): the message and where, without
 * colours.
 */
const VITE_BUILD = String.raw`
const [configFile, outDir] = process.argv.slice(1);
const { build } = await import("vite");
try {
  await build({ configFile, mode: "production", logLevel: "warn", build: { outDir, emptyOutDir: true } });
} catch (e) {
  const errors = Array.isArray(e?.errors) && e.errors.length > 0 ? e.errors : [e];
  for (const x of errors.slice(0, 5)) {
    const text = String(x?.message ?? x).replace(/\u001b\[[0-9;]*m/g, "");
    const where = /\[ (\S+:\d+:\d+) \]/.exec(text)?.[1];
    process.stdout.write("error: " + text.split("\n")[0].trim() + (where ? " (" + where + ")" : "") + "\n");
  }
  process.exit(1);
}
`;

/** Vite's build of `root` into `outDir`, in a child process (quiet; its output is in the error). */
export function viteBuild(root: string, outDir: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ["--input-type=module", "-e", VITE_BUILD, join(root, "vite.config.ts"), outDir],
      { cwd: root, env: { ...process.env, NODE_ENV: "production" }, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (!err) return resolve();
        const errors = stdout.split("\n").filter((l) => l.startsWith("error: "));
        const output =
          errors.length > 0 ? errors.map((l) => l.slice(7)) : stderr.trim().split("\n").slice(-5);
        reject(new Error(`the editor's page did not build (vite): ${output.join("; ") || err.message}`));
      },
    );
  });
}

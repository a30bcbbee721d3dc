/**
 * Imports a module in a fresh Node process, as a Lambda cold start does, and reports how long the
 * import took, which AWS SDK client packages it loaded and which connections it tried to open.
 * Node built-ins only: the cold-start benchmark loads this beside its other benchmarks.
 */
import { spawn } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";

/** What one import in a fresh process did. */
export interface ImportProbe {
  /** Milliseconds of the `import()` alone (not Node's own start-up). */
  ms: number;
  /** AWS SDK client packages loaded by then (`@aws-sdk/client-dynamodb`, ...), sorted. */
  clients: string[];
  /** Network connections attempted during the import (refused by the probe: the attempt throws). */
  connections: string[];
  /** What the import threw, if it did. */
  error?: string;
}

/**
 * Imports its argument (a file URL or a package name) and prints what it took. The AWS SDK is
 * CommonJS (Node loads its `main` for an `import` too), so every package it loaded is in the
 * require cache. A connection the import tries to open is named and refused (the attempt throws);
 * an import that throws is reported, not fatal.
 */
const PROBE = String.raw`import { createRequire } from "node:module";
import net from "node:net";
const connections = [];
const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) {
  const o = args[0];
  const to = typeof o === "object" && o ? (o.host ?? o.path) + ":" + (o.port ?? "") : String(o);
  connections.push(to);
  throw new Error("no network during an import probe: " + to);
};
const start = performance.now();
let error;
try {
  await import(process.argv[2]);
} catch (e) {
  error = String(e?.stack ?? e);
}
const ms = performance.now() - start;
net.Socket.prototype.connect = connect;
const clients = new Set();
for (const f of Object.keys(createRequire(import.meta.url).cache)) {
  const m = /\/node_modules\/(@aws-sdk\/client-[^/]+)\//.exec(f);
  if (m) clients.add(m[1]);
}
process.stdout.write("\n" + JSON.stringify({ ms, clients: [...clients].sort(), connections, error }) + "\n");
process.exit(0);
`;

/** Writes the probe into `outdir` (beside the bundles, so a package name resolves from the repository). */
export async function writeProbe(outdir: string): Promise<string> {
  await mkdir(outdir, { recursive: true });
  const file = path.join(outdir, "import-probe.mjs");
  await writeFile(file, PROBE);
  return file;
}

/**
 * Runs the probe in a new Node process with only `env` (and PATH), as Lambda gives a function its
 * environment and the region. `target`: a bundle's path or a package name.
 */
export function probeImport(
  probe: string,
  target: string,
  env: Record<string, string>,
): Promise<ImportProbe> {
  const spec = path.isAbsolute(target) ? pathToFileURL(target).href : target;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--no-warnings", probe, spec], {
      env: { PATH: process.env.PATH ?? "", AWS_REGION: "us-east-1", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => {
      out += d;
    });
    child.stderr.on("data", (d) => {
      err += d;
    });
    child.on("error", reject);
    child.on("close", (code) => {
      const last = out.trimEnd().split("\n").at(-1) ?? "";
      if (code !== 0 || !last.startsWith("{")) {
        reject(
          new Error(
            `importing ${target} failed (exit ${code}): ${err.trim().split("\n").slice(-5).join("\n")}`,
          ),
        );
      } else resolve(JSON.parse(last) as ImportProbe);
    });
  });
}

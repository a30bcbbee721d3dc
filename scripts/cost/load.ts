/**
 * The templates `npm run synth` writes to .build/synth/, synthesized again (by running that script,
 * about 10 s) when one is missing or older than what they are made from: sst.config.ts, stacks/,
 * functions/ and the table's definition. `force` synthesizes anyway.
 */
import { execFile } from "node:child_process";
import { readdir, readFile, stat } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import type { Template } from "./templates.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
export const SYNTH_DIR = path.join(ROOT, ".build", "synth");
const SOURCES = ["sst.config.ts", "stacks", "functions", "packages/core/src/store/table.ts"];

async function newestMtime(p: string): Promise<number> {
  const s = await stat(p).catch(() => null);
  if (!s) return 0;
  if (!s.isDirectory()) return s.mtimeMs;
  let newest = s.mtimeMs;
  for (const e of await readdir(p, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) newest = Math.max(newest, (await stat(path.join(e.parentPath, e.name))).mtimeMs);
  }
  return newest;
}

async function templateFiles(): Promise<string[]> {
  const names = await readdir(SYNTH_DIR).catch(() => [] as string[]);
  return names.filter((n) => n.endsWith(".template.json")).sort();
}

/** Why the templates must be made again, or null when they are current. */
export async function staleReason(): Promise<string | null> {
  const files = await templateFiles();
  if (files.length === 0) return "no templates in .build/synth";
  const oldest = Math.min(
    ...(await Promise.all(files.map(async (f) => (await stat(path.join(SYNTH_DIR, f))).mtimeMs))),
  );
  for (const src of SOURCES) {
    if ((await newestMtime(path.join(ROOT, src))) > oldest) return `${src} changed since the last synth`;
  }
  return null;
}

export async function loadTemplates(
  opts: { force?: boolean; log?: (line: string) => void } = {},
): Promise<{ templates: Record<string, Template>; synthesized: string | null }> {
  const reason = opts.force ? "asked to (--synth)" : await staleReason();
  if (reason) {
    opts.log?.(`synthesizing the templates (${reason}): npm run synth`);
    // The synth script exits 1 when a bundle is over its budget, after writing the templates.
    await promisify(execFile)(process.execPath, ["--import", "tsx", path.join(ROOT, "scripts", "synth.ts")], {
      cwd: ROOT,
      maxBuffer: 16 * 1024 * 1024,
    }).catch((e: { code?: number }) => {
      if (e.code !== 1) throw e;
    });
  }
  const files = await templateFiles();
  if (files.length === 0) throw new Error("npm run synth wrote no templates to .build/synth");
  const templates: Record<string, Template> = {};
  for (const f of files)
    templates[f] = JSON.parse(await readFile(path.join(SYNTH_DIR, f), "utf8")) as Template;
  return { templates, synthesized: reason };
}

/**
 * Default sources seeded on first start: the bundled `packages/core/sources.yaml`, another file
 * (`SOURCES_FILE`), or nothing (`SOURCES_FILE=none`). The whole file is checked before anything is
 * written, so a bad entry seeds nothing and the error names it; sources that already exist (same
 * id or address) are skipped, so seeding twice changes nothing.
 */
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { parse as parseYaml } from "yaml";
import type { Ctx } from "../context.js";
import { ConflictError } from "../errors.js";
import type { SourceRecord } from "../store/sources.js";
import { buildSource, type NewSource } from "./manage.js";

/** The bundled list, `packages/core/sources.yaml` (resolved on use: bundlers may not keep import.meta.url). */
export const defaultSourcesFile = (): string => fileURLToPath(new URL("../../sources.yaml", import.meta.url));

const KAGGLE_COMPETITIONS_API = /CompetitionApiService\/ListCompetitions/;
const OTHER_API = /ApiService\//;

type Raw = Record<string, unknown>;

/** The entries of a sources file with where each is (`group[index]`): a list, `{sources: [...]}` or groups of lists. */
function entriesOf(doc: unknown, file: string): { where: string; entry: unknown }[] {
  if (Array.isArray(doc)) return doc.map((entry, i) => ({ where: `[${i}]`, entry }));
  if (doc && typeof doc === "object") {
    const out: { where: string; entry: unknown }[] = [];
    for (const [group, list] of Object.entries(doc as Raw)) {
      if (list === null) continue;
      if (!Array.isArray(list)) throw new Error(`${file}: "${group}" must be a list of sources`);
      for (const [i, entry] of list.entries()) out.push({ where: `${group}[${i}]`, entry });
    }
    return out;
  }
  if (doc === null || doc === undefined) return [];
  throw new Error(`${file}: expected a list of sources or groups of them`);
}

const optStr = (r: Raw, field: string): string | undefined => {
  const v = r[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "string") throw new Error(`${field}: must be a string`);
  return v;
};

/** One entry as a new source, or the reason it is skipped. */
function toNewSource(raw: unknown): NewSource | { skip: string } {
  if (!raw || typeof raw !== "object" || Array.isArray(raw))
    throw new Error("must be a mapping (id, kind, name, url | repo | search)");
  const r = raw as Raw;
  const url = optStr(r, "url");
  const repo = optStr(r, "repo");
  const declared = optStr(r, "kind");
  const common = {
    ...(optStr(r, "id") !== undefined ? { id: optStr(r, "id") } : {}),
    ...(optStr(r, "name") !== undefined ? { name: optStr(r, "name") } : {}),
    ...(r.intervalMinutes !== undefined ? { intervalMinutes: r.intervalMinutes as number } : {}),
    ...(r.enabled !== undefined ? { enabled: r.enabled === true } : {}),
  };
  if (r.enabled !== undefined && typeof r.enabled !== "boolean")
    throw new Error("enabled: must be true or false");
  if (r.intervalMinutes !== undefined && typeof r.intervalMinutes !== "number")
    throw new Error("intervalMinutes: must be a number");

  if (declared === "competitions") {
    // One platform's listing (sources/adapters/competitions/); its url only when not the platform's own.
    return { kind: declared, platform: optStr(r, "platform") ?? "", url, ...common };
  }
  let kind: "feed" | "github" | "kaggle";
  if (declared === "feed" || declared === "github" || declared === "kaggle") kind = declared;
  else if (declared === "none") return { skip: "no feed" };
  else if (repo) kind = "github";
  else if (url && KAGGLE_COMPETITIONS_API.test(url)) kind = "kaggle";
  else if (url && OTHER_API.test(url)) return { skip: "an API this pipeline does not read" };
  else if (url) kind = "feed";
  else return { skip: "no URL" };

  switch (kind) {
    case "feed":
      if (!url) return { skip: "no URL" };
      if (/[{}]/.test(url)) return { skip: "a URL pattern, not a feed" };
      return { kind, url, ...common };
    case "github":
      if (!repo) throw new Error('repo: required for a github source ("owner/name")');
      return { kind, repo, ...common };
    case "kaggle":
      return { kind, search: optStr(r, "search"), category: optStr(r, "category"), ...common };
  }
}

function label(file: string, where: string, entry: unknown): string {
  const r = entry && typeof entry === "object" ? (entry as Raw) : {};
  const name = typeof r.id === "string" ? r.id : typeof r.name === "string" ? r.name : undefined;
  return `${file}: entry ${name ? `"${name}" ` : ""}(${where})`;
}

/** Reads and checks a sources file: the records to create and the entries skipped (with why). */
export async function loadSourcesFile(
  file: string,
  now: Date,
): Promise<{ records: SourceRecord[]; skipped: { entry: string; reason: string }[] }> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    throw new Error(`sources file ${file} cannot be read: ${(e as Error).message}`);
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    throw new Error(`sources file ${file} is not valid YAML: ${(e as Error).message}`);
  }
  const records: SourceRecord[] = [];
  const skipped: { entry: string; reason: string }[] = [];
  const ids = new Map<string, string>();
  const addresses = new Map<string, string>();
  for (const { where, entry } of entriesOf(doc, file)) {
    const at = label(file, where, entry);
    let rec: SourceRecord;
    try {
      const input = toNewSource(entry);
      if ("skip" in input) {
        skipped.push({ entry: at, reason: input.skip });
        continue;
      }
      rec = buildSource(input, now);
    } catch (e) {
      throw new Error(`${at}: ${(e as Error).message}`);
    }
    const sameId = ids.get(rec.id);
    if (sameId) throw new Error(`${at}: id "${rec.id}" is already used by ${sameId}`);
    const sameAddress = addresses.get(rec.naturalKey);
    if (sameAddress) throw new Error(`${at}: the same source as ${sameAddress}`);
    ids.set(rec.id, at);
    addresses.set(rec.naturalKey, at);
    records.push(rec);
  }
  return { records, skipped };
}

/** Seeds the sources of `file` (the bundled list when undefined, nothing for "none"); existing ones are skipped. */
export async function seedSources(
  ctx: Ctx,
  file: string | undefined,
): Promise<{ seeded: number; existing: number }> {
  if (file?.trim().toLowerCase() === "none") return { seeded: 0, existing: 0 };
  const path = file ?? defaultSourcesFile();
  const { records, skipped } = await loadSourcesFile(path, ctx.now());
  for (const s of skipped) ctx.log.info("sources file entry skipped", s);
  let seeded = 0;
  let existing = 0;
  for (const rec of records) {
    try {
      await ctx.store.sources.create(rec);
      seeded++;
    } catch (e) {
      if (!(e instanceof ConflictError)) throw e;
      existing++;
    }
  }
  return { seeded, existing };
}

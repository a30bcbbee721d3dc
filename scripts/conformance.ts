/**
 * `npm run conformance -- [dir] [--verbose]`: parse + normalise every document of a
 * feedparser-style corpus (no network) and score our output against its core expectations.
 *
 * The corpus (default: ../shared/conformance/feedparser beside the repository, found by looking
 * up from the repository's folder; FEED_CONFORMANCE_DIR overrides; see its README) lists documents and
 * expectations as feedparser paths. Core ones map onto ParsedFeed like this:
 *   feed.title → title, feed.link → link, entries[N].title → entries[N].title,
 *   entries[N].link → .url, entries[N].id → .id, entries[N].published_parsed → .publishedAt,
 *   entries[N].updated_parsed → .updatedAt.
 * How values compare:
 * - dates: the same instant;
 * - links: the same URL after WHATWG parsing (host case, an empty path's "/");
 * - titles: equal, or equal to the plain text of the expectation. feedparser keeps sanitised
 *   HTML in titles ("Example <b>Atom</b>"); our contract is plain text ("Example Atom"), so an
 *   HTML expectation is met by its text. The report counts these separately ("asText").
 * Documents are served as if from http://127.0.0.1:8097/<file> (feedparser's test server), with
 * the corpus's HTTP headers: Content-Type goes to the decoder, Content-Location (http(s) only)
 * becomes the fetch URL.
 *
 * The last line printed is one JSON object:
 *   {"core":{"met":N,"total":M},"fields":{...},"unhandled":K,"rejected":R,"documents":D}
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { FeedError, type FeedInput, type ParsedFeed, parseFeed } from "@wkn/core/feed";
import { htmlToText } from "@wkn/core/feed/html";

/** The repository's folder (this file is in scripts/). */
const REPO = fileURLToPath(new URL("../", import.meta.url));
const CORPUS_IN_SHARED = join("shared", "conformance", "feedparser");

/**
 * Where the corpus is: FEED_CONFORMANCE_DIR, else `shared/conformance/feedparser` in the
 * repository's parent folder (the team's layout: ../shared) or the nearest folder above it that has
 * one (a clone nested deeper). Undefined when there is none.
 */
export function findCorpus(env: NodeJS.ProcessEnv = process.env, from: string = REPO): string | undefined {
  if (env.FEED_CONFORMANCE_DIR) return resolve(env.FEED_CONFORMANCE_DIR);
  for (let dir = resolve(from, ".."); ; dir = dirname(dir)) {
    const candidate = join(dir, CORPUS_IN_SHARED);
    if (existsSync(join(candidate, "cases.json"))) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

export const DEFAULT_CORPUS = findCorpus() ?? resolve(REPO, "..", CORPUS_IN_SHARED);
const SERVER = "http://127.0.0.1:8097/";

interface CorpusDocument {
  file: string;
  httpHeaders: Record<string, string> | null;
}
/** A corpus document read into memory, as `parseFeed` is given it. */
export interface LoadedDocument {
  file: string;
  input: FeedInput & { body: Buffer };
}
interface CorpusCase {
  file: string;
  field: string;
  fieldKey: string;
  core: boolean;
  entryIndex: number | null;
  expected: unknown;
  expectedType: string;
}

export interface FieldScore {
  met: number;
  total: number;
  /** Titles met only through the plain text of an HTML expectation. */
  asText?: number;
}

export interface ConformanceReport {
  core: { met: number; total: number };
  fields: Record<string, FieldScore>;
  unhandled: number;
  rejected: number;
  documents: number;
  /** Not part of the printed summary line: details for --verbose and tests. */
  failures: { file: string; field: string; expected: unknown; actual: unknown }[];
  errors: { file: string; kind: "unhandled" | "rejected"; message: string }[];
}

function readCorpus(dir: string): { documents: CorpusDocument[]; cases: CorpusCase[] } {
  return JSON.parse(readFileSync(join(dir, "cases.json"), "utf8"));
}

/**
 * Every document of the corpus at `dir` read into memory, each with the input `parseFeed` gets
 * for it (the bytes, the corpus's Content-Type, the URL it is served from), in the corpus's order.
 */
export function loadDocuments(dir: string, corpus = readCorpus(dir)): LoadedDocument[] {
  return corpus.documents.map((doc) => {
    const headers = lowerKeys(doc.httpHeaders ?? {});
    return {
      file: doc.file,
      input: {
        body: readFileSync(join(dir, doc.file)),
        contentType: headers["content-type"],
        url: fetchUrl(doc.file, headers["content-location"]),
      },
    };
  });
}

export function runConformance(dir: string): ConformanceReport {
  const corpus = readCorpus(dir);
  const casesByFile = new Map<string, CorpusCase[]>();
  for (const c of corpus.cases) {
    if (!c.core) continue;
    const list = casesByFile.get(c.file) ?? [];
    list.push(c);
    casesByFile.set(c.file, list);
  }

  const report: ConformanceReport = {
    core: { met: 0, total: 0 },
    fields: {},
    unhandled: 0,
    rejected: 0,
    documents: corpus.documents.length,
    failures: [],
    errors: [],
  };

  for (const doc of loadDocuments(dir, corpus)) {
    let feed: ParsedFeed | null = null;
    try {
      feed = parseFeed(doc.input);
    } catch (e) {
      const kind = e instanceof FeedError ? "rejected" : "unhandled";
      report[kind]++;
      report.errors.push({ file: doc.file, kind, message: e instanceof Error ? e.message : String(e) });
    }
    for (const c of casesByFile.get(doc.file) ?? []) {
      const score = report.fields[c.fieldKey] ?? { met: 0, total: 0 };
      report.fields[c.fieldKey] = score;
      score.total++;
      report.core.total++;
      const actual = feed ? ourValue(feed, c) : undefined;
      const verdict = feed ? compare(c, actual) : "unmet";
      if (verdict === "unmet") {
        report.failures.push({ file: c.file, field: c.field, expected: c.expected, actual });
        continue;
      }
      score.met++;
      report.core.met++;
      if (verdict === "asText") score.asText = (score.asText ?? 0) + 1;
    }
  }
  return report;
}

function fetchUrl(file: string, contentLocation: string | undefined): string {
  const docUrl = SERVER + file;
  if (!contentLocation) return docUrl;
  try {
    const u = new URL(contentLocation, docUrl);
    return u.protocol === "http:" || u.protocol === "https:" ? u.href : docUrl;
  } catch {
    return docUrl;
  }
}

function ourValue(feed: ParsedFeed, c: CorpusCase): unknown {
  const entry = c.entryIndex === null ? undefined : feed.entries[c.entryIndex];
  switch (c.fieldKey) {
    case "feed.title":
      return feed.title;
    case "feed.link":
      return feed.link;
    case "entry.title":
      return entry?.title;
    case "entry.link":
      return entry?.url;
    case "entry.id":
      return entry?.id;
    case "entry.published_parsed":
      return entry?.publishedAt;
    case "entry.updated_parsed":
      return entry?.updatedAt;
    default:
      throw new Error(`no mapping for core field ${c.fieldKey}`);
  }
}

function compare(c: CorpusCase, actual: unknown): "met" | "asText" | "unmet" {
  const expected = c.expected;
  if (c.expectedType === "datetime") {
    return typeof actual === "string" &&
      typeof expected === "string" &&
      Date.parse(actual) === Date.parse(expected)
      ? "met"
      : "unmet";
  }
  if (c.fieldKey.endsWith(".link")) return sameUrl(actual, expected) ? "met" : "unmet";
  if (actual === expected) return "met";
  if (c.fieldKey.endsWith(".title") && typeof expected === "string") {
    const text = htmlToText(expected);
    if ((actual ?? "") === text) return "asText";
  }
  return "unmet";
}

function sameUrl(a: unknown, b: unknown): boolean {
  if (typeof a !== "string" || typeof b !== "string") return false;
  try {
    return new URL(a).href === new URL(b).href;
  } catch {
    return a === b;
  }
}

const lowerKeys = (h: Record<string, string>): Record<string, string> =>
  Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]));

/** The printed summary: per-field lines, then the JSON line. */
export function summaryLine(r: ConformanceReport): string {
  const { core, fields, unhandled, rejected, documents } = r;
  return JSON.stringify({ core, fields, unhandled, rejected, documents });
}

function main(argv: string[]): void {
  const verbose = argv.includes("--verbose");
  const dir = resolve(argv.find((a) => !a.startsWith("--")) ?? DEFAULT_CORPUS);
  const started = performance.now();
  const r = runConformance(dir);
  const ms = Math.round(performance.now() - started);
  if (verbose) {
    for (const f of r.failures)
      console.log(`unmet ${f.file} ${f.field}: expected ${j(f.expected)}, got ${j(f.actual)}`);
    for (const e of r.errors.filter((x) => x.kind === "unhandled"))
      console.log(`UNHANDLED ${e.file}: ${e.message}`);
  }
  const pct = (m: number, t: number) => (t ? ((100 * m) / t).toFixed(1) : "-");
  console.log(`corpus ${dir}: ${r.documents} documents in ${ms} ms`);
  for (const [k, s] of Object.entries(r.fields).sort()) {
    const asText = s.asText ? ` (${s.asText} as plain text of an HTML expectation)` : "";
    console.log(
      `  ${k.padEnd(24)} ${String(s.met).padStart(4)} / ${String(s.total).padEnd(4)} ${pct(s.met, s.total)}%${asText}`,
    );
  }
  console.log(
    `  ${"core".padEnd(24)} ${String(r.core.met).padStart(4)} / ${String(r.core.total).padEnd(4)} ${pct(r.core.met, r.core.total)}%`,
  );
  console.log(`  rejected with FeedError: ${r.rejected}; unhandled exceptions: ${r.unhandled}`);
  console.log(summaryLine(r));
}

const j = (v: unknown) => JSON.stringify(v);

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) main(process.argv.slice(2));

/**
 * Creating, editing and removing sources: validation of their form (no fetch, DESIGN.md
 * "Contract details"), default names, natural keys for duplicate detection.
 */
import { randomBytes } from "node:crypto";
import type { Ctx } from "../context.js";
import { singleLineProblem } from "../control-chars.js";
import { ValidationError } from "../errors.js";
import { rescoreSource } from "../items/rank.js";
import { EDITOR_WEIGHT_MAX } from "../items/score.js";
import {
  COMPETITION_PLATFORMS,
  type CompetitionPlatform,
  type Source,
  type SourceKind,
} from "../model/index.js";
import { type SourceRecord, toSource } from "../store/sources.js";
import { canonicalUrl, shortHash } from "../url/canonical.js";
import { checkHttpUrl } from "../url/check.js";
import { platformName } from "./adapters/competitions/names.js";

export const DEFAULT_INTERVAL_MINUTES = 60;
export const MIN_INTERVAL_MINUTES = 5;
export const MAX_INTERVAL_MINUTES = 7 * 24 * 60;
/** Longest name a source may have, in characters. */
export const SOURCE_NAME_MAX = 200;
/** Longest name a feed's title gives a source, in characters (a name, not a description; within SOURCE_NAME_MAX). */
export const FEED_NAME_MAX = 100;

export type NewSource =
  | { kind: "feed"; url: string; name?: string; intervalMinutes?: number; enabled?: boolean; id?: string }
  | { kind: "github"; repo: string; name?: string; intervalMinutes?: number; enabled?: boolean; id?: string }
  | {
      kind: "kaggle";
      search?: string;
      category?: string;
      name?: string;
      intervalMinutes?: number;
      enabled?: boolean;
      id?: string;
    }
  | {
      kind: "competitions";
      platform: string;
      /** The platform's listing by default (sources/adapters/competitions/). */
      url?: string;
      name?: string;
      intervalMinutes?: number;
      enabled?: boolean;
      id?: string;
    };

export interface SourcePatch {
  /** The ranking weight of its items (items/score.ts), -3 to 3. */
  rankWeight?: number;
  name?: string;
  enabled?: boolean;
  intervalMinutes?: number;
  url?: string;
}

const REPO = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/[A-Za-z0-9._-]{1,100}$/;

export function checkRepo(repo: string): string {
  const r = repo
    .trim()
    .replace(/^https?:\/\/github\.com\//i, "")
    .replace(/\.git$/, "")
    .replace(/\/+$/, "");
  if (!REPO.test(r)) throw new ValidationError("repo", 'must be "owner/name"');
  return r;
}

/** A name or Kaggle query: one line without control characters (it reaches logs and the UI). */
function checkLine(value: string | undefined, field: string): string | undefined {
  const problem = value === undefined ? undefined : singleLineProblem(value);
  if (problem) throw new ValidationError(field, problem);
  return value;
}

function checkInterval(v: number | undefined): number {
  if (v === undefined) return DEFAULT_INTERVAL_MINUTES;
  if (!Number.isInteger(v) || v < MIN_INTERVAL_MINUTES || v > MAX_INTERVAL_MINUTES) {
    throw new ValidationError(
      "intervalMinutes",
      `must be an integer from ${MIN_INTERVAL_MINUTES} to ${MAX_INTERVAL_MINUTES}`,
    );
  }
  return v;
}

/** What makes two sources the same: the canonical feed URL, the repository, the Kaggle query. */
export function naturalKey(
  kind: SourceKind,
  s: { url?: string; repo?: string; search?: string; category?: string; platform?: string },
): string {
  switch (kind) {
    case "feed":
      return shortHash(`feed:${canonicalUrl(s.url ?? "")}`);
    case "github":
      return shortHash(`github:${(s.repo ?? "").toLowerCase()}`);
    case "kaggle":
      return shortHash(
        `kaggle:${(s.search ?? "").trim().toLowerCase()}|${(s.category ?? "").trim().toLowerCase()}`,
      );
    case "competitions":
      return shortHash(`competitions:${s.platform ?? ""}|${s.url ? canonicalUrl(s.url) : ""}`);
  }
}

/**
 * Who named a source. Sources stored before `nameSource` existed: a name equal to the default
 * (the host, "owner/name releases", …) was not chosen by anyone; any other name was.
 */
export function nameSourceOf(rec: SourceRecord): NonNullable<SourceRecord["nameSource"]> {
  if (rec.nameSource) return rec.nameSource;
  const input = {
    kind: rec.kind,
    url: rec.url ?? "",
    repo: rec.repo ?? "",
    search: rec.search,
    category: rec.category,
    platform: rec.platform,
  };
  try {
    return rec.name === defaultName(input as NewSource) ? "default" : "editor";
  } catch {
    return "editor"; // an address that no longer parses: keep whatever name it has
  }
}

function defaultName(input: NewSource): string {
  switch (input.kind) {
    case "feed":
      return new URL(input.url).hostname.replace(/^www\./, "");
    case "github":
      return `${input.repo} releases`;
    case "kaggle":
      return ["Kaggle competitions", input.category, input.search].filter(Boolean).join(" · ");
    case "competitions":
      return `${platformName(input.platform) ?? input.platform} competitions`;
  }
}

/** A competition platform's id, checked. */
function checkPlatform(platform: unknown): CompetitionPlatform {
  if (typeof platform !== "string" || !(COMPETITION_PLATFORMS as readonly string[]).includes(platform))
    throw new ValidationError("platform", `must be one of ${COMPETITION_PLATFORMS.join(", ")}`);
  return platform as CompetitionPlatform;
}

const ID = /^[a-z0-9][a-z0-9._-]{0,63}$/;

/** Validates a new source and builds its record; due at once (DESIGN.md: a new source is due). */
export function buildSource(input: NewSource, now: Date): SourceRecord {
  let form: NewSource;
  switch (input.kind) {
    case "feed":
      form = { ...input, url: checkHttpUrl(input.url, "url") };
      break;
    case "github":
      form = { ...input, repo: checkRepo(input.repo) };
      break;
    case "kaggle":
      form = {
        ...input,
        search: checkLine(input.search, "search")?.trim() || undefined,
        category: checkLine(input.category, "category")?.trim() || undefined,
      };
      break;
    case "competitions":
      form = {
        ...input,
        platform: checkPlatform(input.platform),
        url: input.url === undefined ? undefined : checkHttpUrl(input.url, "url"),
      };
      break;
    default:
      throw new ValidationError("kind", 'must be "feed", "github", "kaggle" or "competitions"');
  }
  const nk = naturalKey(form.kind, form);
  if (input.id !== undefined && !ID.test(input.id))
    throw new ValidationError("id", "must be lower-case letters, digits, '.', '_' or '-'");
  const given = checkLine(input.name, "name")?.trim();
  const name = given || defaultName(form);
  if (name.length > SOURCE_NAME_MAX)
    throw new ValidationError("name", `must be at most ${SOURCE_NAME_MAX} characters`);
  const prefix = (
    form.kind === "github"
      ? (form.repo.split("/")[1] ?? "")
      : form.kind === "feed"
        ? new URL(form.url).hostname
        : form.kind === "competitions"
          ? form.platform
          : "kaggle"
  )
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40);
  const nowIso = now.toISOString();
  return {
    id: input.id ?? `${prefix || form.kind}-${randomBytes(4).toString("hex")}`,
    kind: form.kind,
    name,
    // A feed's own title replaces a default name after its first successful poll (sources/poll.ts).
    nameSource: given ? "editor" : "default",
    ...(form.kind === "feed" ? { url: form.url } : {}),
    ...(form.kind === "github" ? { repo: form.repo } : {}),
    ...(form.kind === "kaggle" ? { search: form.search, category: form.category } : {}),
    ...(form.kind === "competitions"
      ? { platform: form.platform as CompetitionPlatform, ...(form.url ? { url: form.url } : {}) }
      : {}),
    enabled: input.enabled ?? true,
    intervalMinutes: checkInterval(input.intervalMinutes),
    createdAt: nowIso,
    lastPolledAt: null,
    lastSuccessAt: null,
    nextPollAt: nowIso,
    consecutiveFailures: 0,
    lastError: null,
    naturalKey: nk,
  };
}

export async function createSource(ctx: Ctx, input: NewSource): Promise<Source> {
  const rec = buildSource(input, ctx.now());
  return toSource(await ctx.store.sources.create(rec));
}

export async function listSources(ctx: Ctx): Promise<Source[]> {
  const all = await ctx.store.sources.list();
  return all.map(toSource).sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
}

export async function getSource(ctx: Ctx, id: string): Promise<Source> {
  return toSource(await ctx.store.sources.mustGet(id));
}

export async function updateSource(ctx: Ctx, id: string, patch: SourcePatch): Promise<Source> {
  const current = await ctx.store.sources.mustGet(id);
  const changes: Partial<SourceRecord> = {};
  if (patch.name !== undefined) {
    const name = (checkLine(patch.name, "name") ?? "").trim();
    if (!name || name.length > SOURCE_NAME_MAX)
      throw new ValidationError("name", `must be 1 to ${SOURCE_NAME_MAX} characters`);
    changes.name = name;
    changes.nameSource = "editor"; // a poll never renames it again
  }
  if (patch.enabled !== undefined) changes.enabled = patch.enabled;
  if (patch.intervalMinutes !== undefined) changes.intervalMinutes = checkInterval(patch.intervalMinutes);
  if (patch.rankWeight !== undefined) {
    const w = patch.rankWeight;
    if (!Number.isFinite(w) || w < -EDITOR_WEIGHT_MAX || w > EDITOR_WEIGHT_MAX)
      throw new ValidationError(
        "rankWeight",
        `must be a number from -${EDITOR_WEIGHT_MAX} to ${EDITOR_WEIGHT_MAX}`,
      );
    changes.rankWeight = w;
  }
  if (patch.url !== undefined) {
    if (current.kind !== "feed")
      throw new ValidationError("url", `cannot be set on a ${current.kind} source`);
    const url = checkHttpUrl(patch.url, "url");
    const nk = naturalKey("feed", { url });
    await ctx.store.sources.rekey(id, current.naturalKey, nk);
    // A new address starts fresh: no validators, redirect memory or warning from the old one, due now.
    Object.assign(changes, {
      url,
      naturalKey: nk,
      etag: null,
      lastModified: null,
      seen: null,
      pendingMove: null,
      movedFrom: null,
      movedAt: null,
      lastWarning: null,
      nextPollAt: ctx.now().toISOString(),
    });
  }
  if (patch.enabled === true && !current.enabled) changes.nextPollAt = ctx.now().toISOString();
  if (Object.keys(changes).length === 0) return toSource(current);
  const updated = await ctx.store.sources.update(id, changes as Partial<SourceRecord>);
  if (changes.rankWeight !== undefined && changes.rankWeight !== (current.rankWeight ?? 0))
    await rescoreSource(ctx, updated);
  return toSource(updated);
}

export async function deleteSource(ctx: Ctx, id: string): Promise<void> {
  await ctx.store.sources.remove(id);
}

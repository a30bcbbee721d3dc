/**
 * Kaggle competitions through Kaggle's API (Kaggle has no competitions feed): `ListCompetitions`,
 * newest first, a few pages at most, stopping at the first page that holds nothing new. Every
 * field of the answer is optional (DESIGN.md "Tooling facts").
 */
import type { Ctx } from "../../context.js";
// From errors.js, not the fetch/index.js barrel: in a bundle split into chunks the barrel would
// bring the fetcher (and ipaddr.js), which loads on the first fetch, into the import (runtime.ts).
import { isFetchError } from "../../fetch/errors.js";
import { seenKey } from "../../items/candidates.js";
import type { SourceRecord } from "../../store/sources.js";
import { urlHash } from "../../url/canonical.js";
import { competitionCandidate, isoOrNull, openByDates, str } from "./competition.js";
import { type AdapterResult, type Candidate, type SourceAdapter, SourceError } from "./types.js";

export const KAGGLE_LIST_PATH = "/competitions.CompetitionApiService/ListCompetitions";
export const MAX_PAGES = 3;
export const PAGE_SIZE = 50;
export const MISSING_CREDENTIALS = "Kaggle needs KAGGLE_API_TOKEN or KAGGLE_USERNAME+KAGGLE_KEY";

/** The API's category enum (HostSegment) by the names people use (`featured`, `Getting Started`, …). */
const CATEGORIES: Record<string, string> = {
  featured: "HOST_SEGMENT_FEATURED",
  research: "HOST_SEGMENT_RESEARCH",
  recruitment: "HOST_SEGMENT_RECRUITMENT",
  gettingstarted: "HOST_SEGMENT_GETTING_STARTED",
  masters: "HOST_SEGMENT_MASTERS",
  playground: "HOST_SEGMENT_PLAYGROUND",
  community: "HOST_SEGMENT_COMMUNITY",
  analytics: "HOST_SEGMENT_ANALYTICS",
};

/** A source's category as the API's enum name; undefined for none/"all". */
export function kaggleCategory(category: string | undefined): string | undefined {
  if (!category) return undefined;
  const c = category.trim();
  if (/^HOST_SEGMENT_[A-Z_]+$/.test(c)) return c;
  const k = c.toLowerCase().replace(/[\s_-]+/g, "");
  if (k === "" || k === "all") return undefined;
  const v = CATEGORIES[k];
  if (!v)
    throw new SourceError(
      `unknown Kaggle category "${c}" (one of: all, ${Object.keys(CATEGORIES).join(", ")})`,
    );
  return v;
}

/** The Authorization header from configuration: a Bearer API token, else Basic username:key (legacy keys). */
export function kaggleAuthorization(config: Ctx["config"]): string {
  if (config.kaggleApiToken) return `Bearer ${config.kaggleApiToken}`;
  if (config.kaggleUsername && config.kaggleKey) {
    return `Basic ${Buffer.from(`${config.kaggleUsername}:${config.kaggleKey}`).toString("base64")}`;
  }
  throw new SourceError(MISSING_CREDENTIALS);
}

const isHttpUrl = (v: string) => /^https?:\/\//i.test(v);

/** Tag names of a competition (the API gives `{ref, name, …}` objects). */
const tagNames = (v: unknown): string[] =>
  Array.isArray(v)
    ? v
        .map((t) => (t && typeof t === "object" ? str((t as Record<string, unknown>).name) : str(t)))
        .filter((t): t is string => t !== undefined)
    : [];

/** One competition of the answer as a candidate (the shared shape, open by its dates at `now`); undefined when it names no page. */
export function competitionToCandidate(raw: unknown, now: Date): Candidate | undefined {
  if (!raw || typeof raw !== "object") return undefined;
  const c = raw as Record<string, unknown>;
  const ref = str(c.ref);
  const url =
    [str(c.url), ref].find((v): v is string => v !== undefined && isHttpUrl(v)) ??
    (ref && /^[\w.-]+$/.test(ref) ? `https://www.kaggle.com/competitions/${ref}` : undefined);
  if (!url) return undefined;
  const title = str(c.title) ?? ref?.replace(/^.*\//, "") ?? url;
  const reward = str(c.reward) ?? (typeof c.reward === "number" ? String(c.reward) : undefined);
  const startsAt = str(c.enabledDate) ?? str(c.dateCreated) ?? null;
  const deadline = str(c.deadline) ?? null;
  const candidate = competitionCandidate({
    title,
    url,
    platform: "Kaggle",
    organiser: str(c.organizationName) ?? null,
    startsAt,
    deadline,
    reward: reward ?? null,
    tags: tagNames(c.tags),
    open: openByDates(isoOrNull(startsAt), isoOrNull(deadline), now),
    category: str(c.category) ?? null,
    description: str(c.description) ?? null,
    imageUrl: str(c.thumbnailImageUrl) ?? null,
  });
  return candidate;
}

async function listPage(
  ctx: Ctx,
  auth: string,
  body: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const url = `${ctx.config.kaggleApiUrl}${KAGGLE_LIST_PATH}`;
  let res: Awaited<ReturnType<Ctx["fetch"]>>;
  try {
    res = await ctx.fetch(url, {
      method: "POST",
      accept: "application/json",
      headers: { Authorization: auth, "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
  } catch (e) {
    if (isFetchError(e, "http_status") && (e.status === 401 || e.status === 403)) {
      throw new SourceError(
        `Kaggle refused the credentials (HTTP ${e.status} from ${url}): check KAGGLE_API_TOKEN or KAGGLE_USERNAME+KAGGLE_KEY`,
      );
    }
    throw e;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(res.body.toString("utf8"));
  } catch {
    throw new SourceError(`Kaggle answered ${url} with something that is not JSON`);
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new SourceError(`Kaggle answered ${url} with something that is not a competition list`);
  }
  return parsed as Record<string, unknown>;
}

export const kaggleAdapter: SourceAdapter = {
  async poll(ctx: Ctx, source: SourceRecord): Promise<AdapterResult> {
    const auth = kaggleAuthorization(ctx.config);
    const category = kaggleCategory(source.category);
    const seen = new Set(source.seen ?? []);
    const entries: Candidate[] = [];
    let skipped = 0;
    let pageToken: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const answer = await listPage(ctx, auth, {
        sortBy: "COMPETITION_SORT_BY_RECENTLY_CREATED",
        pageSize: PAGE_SIZE,
        ...(category ? { category } : {}),
        ...(source.search ? { search: source.search } : {}),
        ...(pageToken ? { pageToken } : {}),
      });
      const list = Array.isArray(answer.competitions) ? answer.competitions : [];
      let fresh = 0;
      for (const raw of list) {
        const c = competitionToCandidate(raw, ctx.now());
        if (!c) {
          skipped++;
          continue;
        }
        entries.push(c);
        let key: string | undefined;
        try {
          key = seenKey(urlHash(c.url));
        } catch {}
        if (!key || !seen.has(key)) fresh++;
      }
      const next = str(answer.nextPageToken);
      // Newest first: a page with nothing new means the older pages hold nothing new either.
      if (!next || next === pageToken || list.length === 0 || fresh === 0) break;
      pageToken = next;
    }
    return { notModified: false, entries, validators: {}, skipped };
  },
};

/**
 * mlcontests.com's curated list, a JSON file in its GitHub repository (no API key, one request):
 * the platforms with no feed or API of their own (DrivenData, conference competitions of
 * NeurIPS/KDD/CVPR workshops, independent sites) come through it. `{"data": [{name, url, tags,
 * launched, deadline ("D MMM YYYY"), prize ("$50,000", USD, or null), platform, sponsor,
 * conference, conference_year | conference-year, additional_prizes}]}` (older entries: `type`
 * instead of `tags`); past competitions stay in the file, so only those whose deadline has not
 * passed are read. Evidence: mlcontests/mlcontests.github.io schema.json and competitions.json
 * (2026-06).
 */
import type { Ctx } from "../../../context.js";
import { competitionCandidate, str } from "../competition.js";
import type { Candidate } from "../types.js";
import { getJson, obj, shapeChanged } from "./http.js";
import { MLCONTESTS } from "./names.js";
import type { Platform, PlatformRead } from "./platform.js";

const DAY = /(\d{1,2}) ([A-Z][a-z]{2})[a-z]* (\d{4})/;

/** "19 Sep 2026" (lenient: the first such date in the text) at `time` UTC, or null. */
export function dayOf(v: unknown, time: string): string | null {
  const m = typeof v === "string" ? DAY.exec(v) : null;
  if (!m) return null;
  const t = Date.parse(`${m[1]} ${m[2]} ${m[3]} ${time} UTC`);
  return Number.isNaN(t) ? null : new Date(t).toISOString();
}

/** The link without the list's referral tags, so it is the same item as the platform's own. */
export function cleanLink(url: string): string | undefined {
  try {
    const u = new URL(url);
    if (u.protocol !== "https:" && u.protocol !== "http:") return undefined;
    if (u.searchParams.get("ref")?.toLowerCase() === "mlcontests") u.searchParams.delete("ref");
    for (const k of [...u.searchParams.keys()]) if (k.startsWith("utm_")) u.searchParams.delete(k);
    return u.toString();
  } catch {
    return undefined;
  }
}

/** One entry; undefined without a usable link, null when its deadline has passed (or it has none). */
export function mlcontestsEntry(raw: unknown, now: Date): Candidate | undefined | null {
  const c = obj(raw);
  const url = c && str(c.url) && cleanLink(str(c.url)!);
  if (!c || !url) return undefined;
  // The day of the deadline counts: the list gives no time or zone.
  const deadline = dayOf(c.deadline, "23:59:59");
  if (!deadline || deadline <= now.toISOString()) return null;
  const startsAt = dayOf(c.launched, "00:00:00");
  const conference = str(c.conference);
  const year = c.conference_year ?? c["conference-year"];
  // Its shape is not in the schema: text, or a list of texts or {prize} objects.
  const extra = (Array.isArray(c.additional_prizes) ? c.additional_prizes : [c.additional_prizes])
    .map((p) => str(obj(p)?.prize) ?? str(p))
    .filter(Boolean);
  // `tags` (a list) replaced the older single `type`.
  const tags = Array.isArray(c.tags)
    ? c.tags.filter((t): t is string => typeof t === "string")
    : [str(c.type)];
  return competitionCandidate({
    title: str(c.name) ?? url,
    url,
    platform: str(c.platform) ?? "Independent",
    organiser: str(c.sponsor) ?? null,
    startsAt,
    deadline,
    reward: [str(c.prize), ...extra].filter(Boolean).join("; ") || null,
    tags: [
      ...tags.filter((t): t is string => t !== undefined),
      ...(conference ? [year ? `${conference} ${year}` : conference] : []),
    ],
    open: !startsAt || startsAt <= now.toISOString(),
    description: str(c.note) ?? null,
  });
}

export const mlcontests: Platform = {
  name: MLCONTESTS,
  defaultUrl: "https://raw.githubusercontent.com/mlcontests/mlcontests.github.io/master/competitions.json",
  async read(ctx: Ctx, url: string): Promise<PlatformRead> {
    const answer = obj(await getJson(ctx, MLCONTESTS, url));
    if (!answer || !Array.isArray(answer.data)) throw shapeChanged(MLCONTESTS, url, 'no "data" list');
    const now = ctx.now();
    const entries: Candidate[] = [];
    let skipped = 0;
    for (const raw of answer.data) {
      const c = mlcontestsEntry(raw, now);
      if (c === undefined) skipped++;
      else if (c) entries.push(c);
    }
    return { entries, skipped };
  },
};

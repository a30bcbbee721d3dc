/**
 * CodaLab Competitions: no public listing API (its `/api/competition/` lists unpublished ones
 * too), so the server-rendered page of active competitions, `GET /competitions/?is_active=1`, one
 * page. Each tile (`div.competition-list > a > div.competition-tile`): `h3` title,
 * `p.organizer` "Organized by <user>", a description, and `div.right-panel` "Mon DD, YYYY-Mon
 * DD, YYYY" (or "No end date"), participants, optional "USD $N reward". Evidence:
 * codalab/codalab-competitions codalab/apps/web/templates/web/my/_competition_tile.html and
 * web/competitions/index.html; a captured page, jtabsbm/lead-recovery-agent
 * fetches_raw/codalab_competitions_direct.html (2026-08).
 */
import type { Ctx } from "../../../context.js";
import { competitionCandidate, str } from "../competition.js";
import type { Candidate } from "../types.js";
import { type El, find, findAll, hasClass, textOf } from "./html.js";
import { getHtml, shapeChanged } from "./http.js";
import { CODALAB } from "./names.js";
import type { Platform, PlatformRead } from "./platform.js";

/** End dates this far ahead are placeholders (`Dec 31, 9999` is common), not deadlines. */
const PLACEHOLDER_YEARS = 5;
const DATE = "([A-Z][a-z]{2} \\d{1,2}, \\d{4})";
const RANGE = new RegExp(`${DATE}\\s*-\\s*(?:${DATE}|No end date)`);

/** "Jan 19, 2026" as midnight UTC (the page shows UTC dates without times). */
function utcDate(text: string | undefined): string | null {
  if (!text) return null;
  const t = Date.parse(`${text} 00:00:00 UTC`);
  return Number.isNaN(t) ? null : new Date(t).toISOString();
}

/** One tile as a candidate; undefined when it has no link or title; null when it is no open competition. */
export function codalabTile(link: El, pageUrl: string, now: Date): Candidate | undefined | null {
  const tile = find(link, (e) => hasClass(e, "competition-tile"))!;
  const title = textOf(find(tile, (e) => e.name === "h3"));
  const href = str(link.attribs.href);
  if (!title || !href) return undefined;
  const organizer = find(tile, (e) => e.name === "p" && hasClass(e, "organizer"));
  const description = findAll(tile, (e) => e.name === "p" && !hasClass(e, "organizer"))[0];
  const panel = textOf(find(tile, (e) => hasClass(e, "right-panel")));
  const range = RANGE.exec(panel);
  const startsAt = utcDate(range?.[1]);
  const end = utcDate(range?.[2]);
  const horizon = new Date(now);
  horizon.setUTCFullYear(horizon.getUTCFullYear() + PLACEHOLDER_YEARS);
  // Perpetual tracks and course homeworks have no real end: nothing to announce a deadline for.
  if (!end || end > horizon.toISOString() || end <= now.toISOString()) return null;
  const reward = /USD\s*\$\s*([\d,]+)\s*reward/i.exec(panel);
  const img = find(tile, (e) => e.name === "img");
  return competitionCandidate({
    title,
    url: new URL(href, pageUrl).toString(),
    platform: CODALAB,
    organiser: textOf(organizer).replace(/^Organized by\s*/i, "") || null,
    startsAt,
    deadline: end,
    reward: reward ? `USD $${reward[1]}` : null,
    rewardAmount: reward ? Number(reward[1]!.replace(/,/g, "")) : null,
    rewardCurrency: reward ? "USD" : null,
    tags: [],
    open: !startsAt || startsAt <= now.toISOString(),
    description: textOf(description) || null,
    imageUrl: str(img?.attribs.src) ? new URL(img!.attribs.src!, pageUrl).toString() : null,
  });
}

export const codalab: Platform = {
  name: CODALAB,
  defaultUrl: "https://codalab.lisn.upsaclay.fr/competitions/?is_active=1",
  async read(ctx: Ctx, url: string): Promise<PlatformRead> {
    const doc = await getHtml(ctx, url);
    const list = find(doc, (e) => e.name === "div" && hasClass(e, "competition-list"));
    if (!list) throw shapeChanged(CODALAB, url, "no div.competition-list");
    const links = findAll(list, (e) => e.name === "a" && !!find(e, (d) => hasClass(d, "competition-tile")));
    // The active list is never empty in practice: no tile means the tiles changed.
    if (links.length === 0) throw shapeChanged(CODALAB, url, "no div.competition-tile in the list");
    const now = ctx.now();
    const entries: Candidate[] = [];
    let skipped = 0;
    for (const link of links) {
      const c = codalabTile(link, url, now);
      if (c === undefined) skipped++;
      else if (c) entries.push(c);
    }
    if (skipped === links.length) throw shapeChanged(CODALAB, url, "no tile has a link and an h3 title");
    return { entries, skipped };
  },
};

/**
 * AIcrowd: its API needs a key, so the server-rendered listing of running and starting-soon
 * challenges, `GET /challenges?challenge_filter=active&page=N` (18 cards a page, kaminari).
 * Inside `#challenges-div`, each `div.card.card-challenge`: `h5.card-title a` (title, link), a
 * status badge whose `title` is the end time ("YYYY-MM-DD HH:MM:SS UTC"; empty when completed or
 * starting soon), `p.card-text` (tagline), `.prize-item` (prizes), `.category-group
 * .badge-outline` ("#tag"), `.card-footer span[title]` (organisers). Evidence: AICrowd/aicrowd
 * app/views/challenges/index.html.erb, app/views/shared/challenges/_listing.html.erb,
 * _prizes_breakdown.html.erb, app/controllers/challenges_controller.rb (snapshot 4c8276aa, 2021);
 * 2026 scrapers in the code index read the same selectors.
 */
import type { Ctx } from "../../../context.js";
import { competitionCandidate, str } from "../competition.js";
import type { Candidate } from "../types.js";
import { type El, find, findAll, hasClass, textOf } from "./html.js";
import { getHtml, shapeChanged, withParam } from "./http.js";
import { AICROWD } from "./names.js";
import type { Platform, PlatformRead } from "./platform.js";

export const PAGE_SIZE = 18;
export const MAX_PAGES = 3;
/** End times this far ahead are placeholders (2030–2100 seen), not deadlines. */
const PLACEHOLDER_YEARS = 3;

/** "2026-09-01 12:00:00 UTC" (Ruby's Time#to_s) as ISO; null for anything else. */
function endTime(text: string | undefined, now: Date): string | null {
  const m = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}) UTC$/.exec(text?.trim() ?? "");
  if (!m) return null;
  const iso = new Date(`${m[1]}T${m[2]}Z`).toISOString();
  return Date.parse(iso) - now.getTime() > PLACEHOLDER_YEARS * 365 * 86_400_000 ? null : iso;
}

/** One card as a candidate; undefined when it has no titled link. */
export function aicrowdCard(card: El, pageUrl: string, now: Date): Candidate | undefined {
  const titleEl = find(card, (e) => e.name === "h5" && hasClass(e, "card-title"));
  const link = titleEl && find(titleEl, (e) => e.name === "a" && !!str(e.attribs.href));
  const title = link && textOf(link);
  if (!link || !title) return undefined;
  const badge = find(card, (e) => e.name === "span" && hasClass(e, "badge-primary") && "title" in e.attribs);
  const status = textOf(badge);
  const deadline = endTime(badge?.attribs.title, now);
  const prizes = findAll(card, (e) => hasClass(e, "prize-item"))
    .map(textOf)
    .filter(Boolean);
  const tags = findAll(card, (e) => hasClass(e, "badge-outline")).map(textOf);
  const footer = find(card, (e) => hasClass(e, "card-footer"));
  const organisers = footer ? findAll(footer, (e) => e.name === "span" && !!str(e.attribs.title)) : [];
  const img = find(card, (e) => e.name === "img" && hasClass(e, "card-img"));
  return competitionCandidate({
    title,
    url: new URL(link.attribs.href!, pageUrl).toString(),
    platform: AICROWD,
    organiser: organisers.map((o) => o.attribs.title!.trim()).join(", ") || null,
    startsAt: null,
    deadline,
    // Cash first: its amount is the one parsed ("$20,000 Prize Money").
    reward: prizes.join("; ") || null,
    tags,
    open: /starting soon|completed/i.test(status) ? false : deadline ? deadline > now.toISOString() : null,
    description: textOf(find(card, (e) => e.name === "p" && hasClass(e, "card-text"))) || null,
    imageUrl: str(img?.attribs.src) ? new URL(img!.attribs.src!, pageUrl).toString() : null,
  });
}

export const aicrowd: Platform = {
  name: AICROWD,
  defaultUrl: "https://www.aicrowd.com/challenges?challenge_filter=active",
  async read(ctx: Ctx, url: string, known): Promise<PlatformRead> {
    const now = ctx.now();
    const entries: Candidate[] = [];
    let skipped = 0;
    for (let page = 1; page <= MAX_PAGES; page++) {
      const pageUrl = page === 1 ? url : withParam(url, "page", String(page));
      const doc = await getHtml(ctx, pageUrl);
      const list = find(doc, (e) => e.attribs.id === "challenges-div");
      if (!list) throw shapeChanged(AICROWD, pageUrl, "no #challenges-div");
      const cards = findAll(list, (e) => e.name === "div" && hasClass(e, "card-challenge"));
      // Page 1 of the active challenges is never empty in practice: no card means the cards changed.
      if (cards.length === 0 && page === 1) throw shapeChanged(AICROWD, pageUrl, "no div.card-challenge");
      let fresh = 0;
      let read = 0;
      for (const card of cards) {
        const c = aicrowdCard(card, pageUrl, now);
        if (!c) {
          skipped++;
          continue;
        }
        read++;
        entries.push(c);
        if (!known(c.url)) fresh++;
      }
      if (cards.length > 0 && read === 0)
        throw shapeChanged(AICROWD, pageUrl, "no card has an h5.card-title link");
      if (cards.length < PAGE_SIZE || fresh === 0) break;
    }
    return { entries, skipped };
  },
};

/**
 * Zindi through its public JSON API (the one its own site calls): `GET /v1/competitions?page=N
 * &per_page=20&active=1`, pages 0-based, open competitions first. Evidence: the captured answer
 * and front-end bundle in jtabsbm/lead-recovery-agent fetches_raw/zindi_api_comps2.json and
 * zindi_bundle.js (2026-08; the site moved from zindi.africa to zindi.world, API at
 * api.zindi.world/v1), LogicJake/MLCompetitionHub source/zindi.py. Zindi's terms allow linking,
 * not republishing: items carry the title, dates and prize, and link to the page.
 */
import type { Ctx } from "../../../context.js";
import { competitionCandidate, isoOrNull, str } from "../competition.js";
import type { Candidate } from "../types.js";
import { getJson, obj, shapeChanged, withParam } from "./http.js";
import { ZINDI } from "./names.js";
import type { Platform, PlatformRead } from "./platform.js";

export const PER_PAGE = 20;
export const MAX_PAGES = 5;

/** One competition of the answer; undefined when it names no page, null when it is not for our readers. */
export function zindiCompetition(raw: unknown): Candidate | undefined | null {
  const c = obj(raw);
  const id = str(c?.id);
  if (!c || !id || !/^[\w.-]+$/.test(id)) return undefined;
  // Invitation-only challenges cannot be entered by readers.
  if (c.secret_code_required === true || c.is_access_restricted === true) return null;
  const kind = str(c.kind);
  return competitionCandidate({
    title: str(c.title) ?? id,
    url: `https://zindi.world/competitions/${id}`,
    platform: ZINDI,
    organiser: str(c.organization) ?? str(obj(c.organization)?.name) ?? null,
    startsAt: isoOrNull(c.start_time),
    deadline: isoOrNull(c.end_time),
    reward: str(c.reward) ?? null,
    tags: [kind, str(c.reward_type)].filter((t): t is string => t !== undefined),
    open: typeof c.open === "boolean" ? c.open : null,
    imageUrl: str(c.image) ?? null,
    description: str(c.subtitle) ?? null,
  });
}

export const zindi: Platform = {
  name: ZINDI,
  defaultUrl: "https://api.zindi.world/v1/competitions",
  async read(ctx: Ctx, url: string, known): Promise<PlatformRead> {
    const entries: Candidate[] = [];
    let skipped = 0;
    for (let page = 0; page < MAX_PAGES; page++) {
      let pageUrl = withParam(url, "page", String(page));
      pageUrl = withParam(withParam(pageUrl, "per_page", String(PER_PAGE)), "active", "1");
      const answer = obj(await getJson(ctx, ZINDI, pageUrl));
      if (!answer || !Array.isArray(answer.data)) throw shapeChanged(ZINDI, pageUrl, 'no "data" list');
      let fresh = 0;
      let closed = false;
      for (const raw of answer.data) {
        const c = zindiCompetition(raw);
        if (c === undefined) skipped++;
        if (obj(raw)?.open === false) closed = true;
        if (c?.facts?.open !== true) continue;
        entries.push(c);
        if (!known(c.url)) fresh++;
      }
      // Open ones come first: a closed one means the rest of the list is history.
      const perPage = Number(obj(answer.meta)?.per_page) || PER_PAGE;
      if (closed || answer.data.length < perPage || fresh === 0) break;
    }
    return { entries, skipped };
  },
};

/**
 * Codabench through its public REST API (the list behind its public competitions page):
 * `GET /api/competitions/public/?ordering=recent&page_size=50`, Django REST pages with `next`,
 * newest first; the list has no dates, so each competition not stored yet is read once at
 * `GET /api/competitions/<id>/` for its phases (start, end, status). Evidence: codalab/codabench
 * src/apps/api/views/competitions.py (`public`), src/apps/api/pagination.py,
 * src/apps/api/serializers/competitions.py (CompetitionSerializerSimple, PhaseDetailSerializer).
 */
import type { Ctx } from "../../../context.js";
import { competitionCandidate, isoOrNull, str } from "../competition.js";
import type { Candidate } from "../types.js";
import { getJson, obj, shapeChanged, withParam } from "./http.js";
import { CODABENCH } from "./names.js";
import type { Platform, PlatformRead } from "./platform.js";

export const PAGE_SIZE = 50;
export const MAX_PAGES = 3;
/** Detail reads per poll: the rest wait for the next poll (they are not stored, so not "seen"). */
export const MAX_DETAILS = 20;

interface Phases {
  startsAt: string | null;
  deadline: string | null;
  open: boolean;
}

/** Start of the first phase, end of the last (none: no end), open while a phase is current. */
export function phaseDates(detail: Record<string, unknown>, now: Date): Phases | undefined {
  if (!Array.isArray(detail.phases)) return undefined;
  const phases = detail.phases.map((p) => obj(p) ?? {});
  const starts = phases.map((p) => isoOrNull(p.start)).filter((d): d is string => d !== null);
  const ends = phases.map((p) => isoOrNull(p.end));
  const deadline =
    ends.length > 0 && ends.every((e) => e !== null) ? (ends as string[]).sort().at(-1)! : null;
  const t = now.toISOString();
  const open = phases.some((p, i) => {
    if (p.status === "Current") return true;
    const s = isoOrNull(p.start);
    const e = ends[i];
    return s !== null && s <= t && (e === null || e === undefined || e > t);
  });
  return { startsAt: starts.sort()[0] ?? null, deadline, open };
}

function candidate(c: Record<string, unknown>, origin: string, phases: Phases | undefined): Candidate {
  return competitionCandidate({
    title: str(c.title) ?? `Codabench competition ${c.id}`,
    url: `${origin}/competitions/${c.id}/`,
    platform: CODABENCH,
    organiser: str(c.owner_display_name) ?? str(c.created_by) ?? null,
    startsAt: phases?.startsAt ?? null,
    deadline: phases?.deadline ?? null,
    reward: str(c.reward) ?? null,
    tags: [],
    open: phases ? phases.open : null,
    description: str(c.description) ?? null,
    imageUrl: str(c.logo) ?? null,
  });
}

/** The site a listing URL belongs to: what comes before `/api/` (the origin, on codabench.org). */
const siteOf = (url: string): string => {
  const u = new URL(url);
  const at = u.pathname.indexOf("/api/");
  return `${u.origin}${at > 0 ? u.pathname.slice(0, at) : ""}`;
};

export const codabench: Platform = {
  name: CODABENCH,
  defaultUrl: "https://www.codabench.org/api/competitions/public/",
  async read(ctx: Ctx, url: string, known): Promise<PlatformRead> {
    const origin = siteOf(url);
    const now = ctx.now();
    const entries: Candidate[] = [];
    let skipped = 0;
    let details = 0;
    let pageUrl: string | undefined = withParam(
      withParam(url, "ordering", "recent"),
      "page_size",
      String(PAGE_SIZE),
    );
    for (let page = 0; page < MAX_PAGES && pageUrl; page++) {
      const answer = obj(await getJson(ctx, CODABENCH, pageUrl));
      if (!answer || !Array.isArray(answer.results))
        throw shapeChanged(CODABENCH, pageUrl, 'no "results" list');
      let fresh = 0;
      for (const raw of answer.results) {
        const c = obj(raw);
        if (!c || (typeof c.id !== "number" && typeof c.id !== "string") || !/^\d+$/.test(String(c.id))) {
          skipped++;
          continue;
        }
        // Benchmarks and unpublished pages are not competitions readers can enter.
        if (c.competition_type !== undefined && c.competition_type !== "competition") continue;
        if (c.published === false) continue;
        const pageOf = `${origin}/competitions/${c.id}/`;
        if (known(pageOf)) {
          entries.push(candidate(c, origin, undefined)); // stored already: keeps its place in the seen memory
          continue;
        }
        fresh++;
        if (details >= MAX_DETAILS) continue;
        details++;
        const detailUrl = `${origin}/api/competitions/${c.id}/`;
        const detail = obj(await getJson(ctx, CODABENCH, detailUrl));
        const phases = detail && phaseDates(detail, now);
        if (!phases) throw shapeChanged(CODABENCH, detailUrl, 'no "phases" list');
        // Over: not a candidate any more.
        if (!phases.open && phases.deadline !== null && phases.deadline <= now.toISOString()) continue;
        entries.push(candidate({ ...c, reward: detail.reward ?? c.reward }, origin, phases));
      }
      // Newest first: a page with nothing new means the older pages hold nothing new either.
      const next = str(answer.next);
      const nextUrl: URL | undefined = next ? new URL(next, pageUrl) : undefined;
      pageUrl = fresh > 0 && nextUrl?.toString().startsWith(origin) ? nextUrl.toString() : undefined;
    }
    return { entries, skipped };
  },
};

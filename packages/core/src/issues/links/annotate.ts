/**
 * The link report shown in a draft's preview (the editor's page frames it; readers never get it):
 * a note inside each card whose links are dead, moved off-site or could not be checked, and a
 * banner at the top with the counts and the links of the intro and section text.
 */
import type { LinkReportEntry, LinkStatus } from "../../model/index.js";
import { escapeHtml as e } from "../render/escape.js";

const LABEL: Record<Exclude<LinkStatus, "ok" | "unchecked">, string> = {
  dead: "Dead link",
  offsite: "Moved off-site",
  error: "Could not check (not counted as dead)",
};

const STYLE = {
  dead: "background:#fdecea;border:1px solid #d93025;color:#a50e0e",
  offsite: "background:#fdecea;border:1px solid #d93025;color:#a50e0e",
  error: "background:#fef7e0;border:1px solid #f9ab00;color:#7a4f01",
  box: "margin:0 0 8px;padding:6px 8px;border-radius:4px;font:13px/1.4 sans-serif;word-break:break-all",
} as const;

type Problem = LinkReportEntry & { status: "dead" | "offsite" | "error" };
const isProblem = (x: LinkReportEntry): x is Problem =>
  x.status === "dead" || x.status === "offsite" || x.status === "error";

function note(p: Problem): string {
  return (
    `<div class="link-check link-${p.status}" style="${STYLE[p.status]};${STYLE.box}">` +
    `<strong>${e(LABEL[p.status])}</strong>: ${e(p.url)} &mdash; ${e(p.reason)}</div>`
  );
}

function banner(report: LinkReportEntry[], loose: Problem[]): string {
  const count = (s: LinkStatus) => report.filter((x) => x.status === s).length;
  const blocking = count("dead") + count("offsite");
  const summary =
    `Link check: ${report.length} link${report.length === 1 ? "" : "s"}, ${count("dead")} dead, ` +
    `${count("offsite")} moved off-site, ${count("error")} not checkable` +
    (blocking ? ". Sending is refused until they are fixed, unless ignoreDeadLinks is set." : ".");
  const tone = blocking ? "dead" : "error";
  return (
    `<div class="link-report" style="${STYLE[tone]};${STYLE.box};margin:8px">${e(summary)}</div>` +
    loose.map(note).join("")
  );
}

/** The preview HTML with the report's problems shown; unchanged when every link is fine. */
export function annotatePreview(html: string, report: LinkReportEntry[]): string {
  const problems = report.filter(isProblem);
  if (problems.length === 0) return html;
  let out = html;
  const byItem = new Map<string, Problem[]>();
  for (const p of problems) if (p.itemId) byItem.set(p.itemId, [...(byItem.get(p.itemId) ?? []), p]);
  for (const [itemId, list] of byItem) {
    // The card's opening tag (layout.ts): its attribute values are escaped, so the first ">" ends it.
    const at = out.indexOf(`data-item="${e(itemId)}"`);
    if (at < 0) continue;
    const end = out.indexOf(">", at) + 1;
    out = out.slice(0, end) + list.map(note).join("") + out.slice(end);
  }
  const bodyTag = /<body[^>]*>/.exec(out);
  const top = banner(
    report,
    problems.filter((p) => !p.itemId),
  );
  if (!bodyTag) return top + out;
  const end = bodyTag.index + bodyTag[0].length;
  return out.slice(0, end) + top + out.slice(end);
}

/**
 * Links of a rendered issue: only http(s) ever leaves this module, and every link to an item is
 * tagged with UTM parameters (DESIGN.md "Mail links").
 */
import { TRACKING_PARAM } from "../../url/canonical.js";

export interface Utm {
  source: string;
  /** "email" in mail (HTML and text), "web" on the web version, "rss" in the feed. */
  medium: string;
  campaign: string;
}

/** The URL if it is an absolute http(s) URL (credentials dropped), else null. */
export function httpUrl(raw: string | null | undefined): URL | null {
  if (typeof raw !== "string" || raw.trim() === "") return null;
  let u: URL;
  try {
    u = new URL(raw.trim());
  } catch {
    return null;
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") return null;
  u.username = "";
  u.password = "";
  return u;
}

function paramName(pair: string): string {
  const name = pair.split("=", 1)[0] ?? "";
  try {
    return decodeURIComponent(name.replace(/\+/g, " "));
  } catch {
    return name;
  }
}

/**
 * The link to an item: tracking parameters (`utm_*`, `fbclid`, …) removed, then `utm_source`,
 * `utm_medium`, `utm_campaign` appended. Other parameters keep their order and their exact
 * encoding, the fragment stays. Tagging a tagged link gives the same link (never twice).
 * Null for anything that is not http(s). `utm` null: cleaned, not tagged.
 */
export function tagUrl(raw: string | null | undefined, utm: Utm | null): string | null {
  const u = httpUrl(raw);
  if (!u) return null;
  const kept = u.search
    .slice(1)
    .split("&")
    .filter((pair) => pair !== "" && !TRACKING_PARAM.test(paramName(pair)));
  if (utm) {
    kept.push(
      `utm_source=${encodeURIComponent(utm.source)}`,
      `utm_medium=${encodeURIComponent(utm.medium)}`,
      `utm_campaign=${encodeURIComponent(utm.campaign)}`,
    );
  }
  u.search = kept.length ? `?${kept.join("&")}` : "";
  return u.toString();
}

/** `utm_campaign` from its template: `{number}` becomes the issue number. */
export const campaignOf = (template: string, issueNumber: number): string =>
  template.replaceAll("{number}", String(issueNumber));

/**
 * Canonical URLs and their hashes (DESIGN.md step 4): the same article reached through two
 * feeds, with tracking parameters or a fragment, is one item.
 */
import { createHash } from "node:crypto";

/** Query parameters that only track the reader: dropped from canonical URLs and mail links. */
export const TRACKING_PARAM =
  /^(utm_[a-z0-9_]*|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|_hsenc|_hsmi|igshid)$/i;

/**
 * Lower-case scheme and host, no default port, no fragment, no tracking parameters, sorted
 * query, empty path as "/". Throws on a URL that does not parse or is not http(s).
 */
export function canonicalUrl(input: string): string {
  const u = new URL(input.trim());
  if (u.protocol !== "http:" && u.protocol !== "https:") throw new Error(`not an http(s) URL: ${input}`);
  u.hash = "";
  u.username = "";
  u.password = "";
  // URL already lower-cases scheme and host and drops default ports.
  const params = [...u.searchParams.entries()].filter(([k]) => !TRACKING_PARAM.test(k));
  params.sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  u.search = "";
  for (const [k, v] of params) u.searchParams.append(k, v);
  if (u.pathname === "") u.pathname = "/";
  return u.toString();
}

/** Hex SHA-256 prefix; 32 hex chars (128 bits) is plenty for ids and keeps keys short. */
export function shortHash(value: string, length = 32): string {
  return createHash("sha256").update(value).digest("hex").slice(0, length);
}

/** The item id of a URL: the hash of its canonical form. */
export const urlHash = (url: string): string => shortHash(canonicalUrl(url));

/** Host without a leading "www.", for the "— domain" of a card. */
export function domainOf(url: string): string {
  try {
    return new URL(url).hostname.replace(/^www\./, "");
  } catch {
    return "";
  }
}

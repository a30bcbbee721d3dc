/**
 * "The same site" for link checks: the registrable domain (the part a publisher registers, such as
 * `example.com` or `example.co.jp`). An approximation of the Public Suffix List, which the project
 * does not carry: two-letter country domains with a generic second level (`co.uk`, `ac.jp`, …) and
 * a few hosting domains whose subdomains belong to different people (`github.io`, …) count as
 * suffixes. So `www.example.com` and `blog.example.com` are one site; `a.github.io` and
 * `b.github.io` are two.
 */

/** Second-level labels under two-letter country domains that people register below. */
const COUNTRY_SECOND_LEVEL = new Set([
  "ac",
  "co",
  "com",
  "ed",
  "edu",
  "go",
  "gov",
  "gr",
  "lg",
  "ltd",
  "ne",
  "net",
  "or",
  "org",
  "plc",
  "sch",
]);

/** Hosting domains where each subdomain is someone else's site. */
const SHARED_HOSTS = new Set([
  "github.io",
  "gitlab.io",
  "blogspot.com",
  "substack.com",
  "wordpress.com",
  "medium.com",
  "hatenablog.com",
  "hatenablog.jp",
  "hateblo.jp",
  "netlify.app",
  "vercel.app",
  "pages.dev",
  "herokuapp.com",
  "notion.site",
]);

const isIpLiteral = (host: string) => host.includes(":") || /^\d{1,3}(\.\d{1,3}){3}$/.test(host);

/** The site of a host name (lower case, no trailing dot); an IP address is its own site. */
export function siteOf(hostname: string): string {
  const host = hostname
    .toLowerCase()
    .replace(/\.$/, "")
    .replace(/^\[|\]$/g, "");
  if (isIpLiteral(host)) return host;
  const labels = host.split(".");
  const lastTwo = labels.slice(-2).join(".");
  const tld = labels.at(-1) ?? "";
  const suffixLabels =
    SHARED_HOSTS.has(lastTwo) || (tld.length === 2 && COUNTRY_SECOND_LEVEL.has(labels.at(-2) ?? "")) ? 2 : 1;
  return labels.slice(-(suffixLabels + 1)).join(".");
}

/** Whether two http(s) URLs are on the same site (a `www.` prefix or a scheme change never matters). */
export function sameSite(a: string, b: string): boolean {
  return siteOf(new URL(a).hostname) === siteOf(new URL(b).hostname);
}

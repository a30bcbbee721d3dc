/**
 * Shared settings and inputs of the property tests (fast-check). Runs are bounded so `npm test`
 * stays fast; a failure prints its seed and path: `FC_SEED=<seed> FC_PATH=<path>` replays it,
 * `FC_RUNS=<n>` widens a run.
 */
import fc from "fast-check";
import { DomUtils, parseDocument } from "htmlparser2";

export const RUNS: fc.Parameters<unknown> = {
  numRuns: Number(process.env.FC_RUNS ?? 200),
  ...(process.env.FC_SEED ? { seed: Number(process.env.FC_SEED) } : {}),
  ...(process.env.FC_PATH ? { path: process.env.FC_PATH } : {}),
};

/** Pieces that break URL handling: schemes, hosts, encodings, tracking parameters. */
const URL_PIECES = [
  "http://",
  "https://",
  "HTTP://",
  "javascript:",
  "JavaScript:alert(1)",
  "data:text/html,<b>",
  "vbscript:",
  "mailto:a@b.c",
  "ftp://",
  "//",
  "example.com",
  "EXAMPLE.org:443",
  "[::1]",
  "xn--bcher-kva.example",
  "bücher.example",
  "user:pw@",
  ":80",
  ":8080",
  "/",
  "/a/../b",
  "/./c",
  "%2F",
  "%zz",
  "%E0%A4%A",
  "?",
  "&",
  "=",
  "#",
  "#frag",
  "utm_source=x",
  "UTM_Medium=y",
  "%75tm_campaign=z",
  "fbclid=1",
  "gclid",
  "a=1",
  "b=2&a=0",
  "a+b=c+d",
  "q=%20",
  "q= ",
  " ",
  "\t",
  "\n",
  "'",
  '"',
  "<",
  ">",
  "`",
  "{}",
  "|",
  "\\",
  "é",
  "日本",
  "\u0000",
  "\ud800",
];

/** URL-like strings: pieces and short arbitrary strings glued together. */
export const urlish = fc
  .array(fc.oneof(fc.constantFrom(...URL_PIECES), fc.string({ maxLength: 4, unit: "binary" })), {
    maxLength: 12,
  })
  .map((parts) => parts.join(""));

/** Mostly well-formed http(s) URLs with queries and fragments, plus URL-like junk. */
export const anyUrl = fc.oneof(
  fc.webUrl({ withQueryParameters: true, withFragments: true }),
  fc
    .tuple(
      fc.constantFrom("http://", "https://", "HTTPS://"),
      fc.constantFrom("example.com", "Example.ORG:8080", "127.0.0.1", "[::1]", "bücher.example"),
      fc.constantFrom("", "/", "/a/b", "/a b", "/%7Euser/", "/日本"),
      fc.array(fc.tuple(urlish, urlish), { maxLength: 4 }),
      fc.option(urlish, { nil: undefined }),
    )
    .map(
      ([s, h, p, q, f]) =>
        `${s}${h}${p}${q.length ? `?${q.map(([k, v]) => `${k}=${v}`).join("&")}` : ""}${f === undefined ? "" : `#${f}`}`,
    ),
  urlish,
);

export const isHttp = (s: string): boolean => {
  try {
    const u = new URL(s);
    return (u.protocol === "http:" || u.protocol === "https:") && /^https?:\/\//i.test(s);
  } catch {
    return false;
  }
};

const SCHEME = /^[\s\u0000-\u001f]*([a-z][a-z0-9+.-]*):/i;

/**
 * What makes an HTML fragment unsafe to show: a tag outside `tags`, an event handler, a URL
 * attribute (href, src, action, …) whose scheme is not in `schemes`. Returns the problems found.
 */
export function htmlProblems(
  html: string,
  opts: { tags: ReadonlySet<string>; schemes: readonly string[] },
): string[] {
  const problems: string[] = [];
  // Every "<" must open or close one of the allowed tags (or be the doctype, or the mail's own
  // Outlook conditional comment markers `<!--[if mso]>` / `<![endif]-->`): text is escaped.
  for (const m of html.matchAll(/</g)) {
    const rest = html.slice(m.index, m.index + 40);
    if (/^(<!--\[if mso\]>|<!\[endif\]-->)/.test(rest)) continue;
    const tag = /^<\/?([a-zA-Z][a-zA-Z0-9]*)[\s/>]/.exec(rest)?.[1]?.toLowerCase();
    if (!/^<!DOCTYPE html>/i.test(rest) && !(tag && opts.tags.has(tag))) problems.push(`raw "<": ${rest}`);
  }
  const doc = parseDocument(html);
  for (const el of DomUtils.findAll(() => true, doc.children)) {
    if (!opts.tags.has(el.name)) problems.push(`tag <${el.name}>`);
    for (const [name, value] of Object.entries(el.attribs)) {
      if (/^on/i.test(name)) problems.push(`handler ${name} on <${el.name}>`);
      if (!/^(href|src|action|formaction|xlink:href|background|poster|srcset|cite|data)$/i.test(name))
        continue;
      const scheme = SCHEME.exec(value)?.[1]?.toLowerCase();
      if (scheme && !opts.schemes.includes(scheme)) problems.push(`${name}="${value}" on <${el.name}>`);
      if (!scheme && /^\s*\/\//.test(value)) problems.push(`protocol-relative ${name}="${value}"`);
    }
  }
  return problems;
}

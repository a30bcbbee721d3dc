/**
 * The comment preview's markdown: the small subset the mail renders for comments (paragraphs,
 * line breaks, **bold**, *em*, `code`, [text](http(s) URL) links and bare http(s) URLs). It parses
 * into a tree of plain strings that components/markdown.tsx turns into elements, so nothing the
 * editor types ever becomes HTML: `<script>` stays the text `<script>`, and a link whose address is
 * not http(s) stays its text. Core's markdown-it is not bundled into the page; the mail is the
 * authority, this is a close preview.
 */

export type Inline =
  | { type: "text"; text: string }
  | { type: "code"; text: string }
  | { type: "strong"; children: Inline[] }
  | { type: "em"; children: Inline[] }
  | { type: "link"; href: string; children: Inline[] };

/** A paragraph: its lines (a single line break inside a paragraph is kept, as the mail does). */
export interface Paragraph {
  lines: Inline[][];
}

const PUNCTUATION = /[!-/:-@[-`{-~]/;
const LINK = /^\[((?:[^[\]\\]|\\.)*)\]\((https?:\/\/[^\s()<>]+)\)/i;
const BARE_URL = /^https?:\/\/[^\s<>"]+/i;

/** Only http(s) addresses become links. */
export function safeHref(href: string): string | null {
  const h = href.trim();
  if (!/^https?:\/\//i.test(h)) return null;
  try {
    const u = new URL(h);
    return u.protocol === "http:" || u.protocol === "https:" ? u.href : null;
  } catch {
    return null;
  }
}

function pushText(out: Inline[], text: string) {
  if (!text) return;
  const last = out[out.length - 1];
  if (last?.type === "text") last.text += text;
  else out.push({ type: "text", text });
}

/** Where the closing delimiter of an emphasis run is, or -1 (not across a space right inside). */
function closing(src: string, from: number, delim: string): number {
  if (/\s/.test(src[from] ?? " ")) return -1;
  let i = from;
  while (i < src.length) {
    const at = src.indexOf(delim, i);
    if (at < 0) return -1;
    if (src[at - 1] === "\\") {
      i = at + 1;
      continue;
    }
    if (at > from && !/\s/.test(src[at - 1] ?? "")) {
      // `**` inside `*…*` is not a closer for `*`
      if (delim === "*" && src[at + 1] === "*") {
        i = at + 2;
        continue;
      }
      return at;
    }
    i = at + delim.length;
  }
  return -1;
}

const wordChar = (c: string | undefined) => !!c && /[\p{L}\p{N}]/u.test(c);

/** One line (no line breaks) → inline nodes. `links`: false inside a link's text. */
export function parseInline(src: string, links = true): Inline[] {
  const out: Inline[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    const rest = src.slice(i);
    if (c === "\\" && PUNCTUATION.test(src[i + 1] ?? "")) {
      pushText(out, src[i + 1]!);
      i += 2;
      continue;
    }
    if (c === "`") {
      const run = /^`+/.exec(rest)![0];
      const end = src.indexOf(run, i + run.length);
      if (end > i + run.length) {
        const code = src.slice(i + run.length, end);
        out.push({ type: "code", text: code.length > 2 && /^ .* $/.test(code) ? code.slice(1, -1) : code });
        i = end + run.length;
        continue;
      }
      pushText(out, run);
      i += run.length;
      continue;
    }
    if (c === "[" && links) {
      const m = LINK.exec(rest);
      const href = m ? safeHref(m[2]!) : null;
      if (m && href) {
        const children = parseInline(m[1]!, false);
        out.push({
          type: "link",
          href,
          children: children.length ? children : [{ type: "text", text: href }],
        });
        i += m[0].length;
        continue;
      }
    }
    if (c === "*" && src[i + 1] === "*") {
      const end = closing(src, i + 2, "**");
      if (end > i + 2) {
        out.push({ type: "strong", children: parseInline(src.slice(i + 2, end), links) });
        i = end + 2;
        continue;
      }
      pushText(out, "**");
      i += 2;
      continue;
    }
    if ((c === "*" || c === "_") && !(c === "_" && wordChar(src[i - 1]))) {
      const end = closing(src, i + 1, c);
      if (end > i + 1 && !(c === "_" && wordChar(src[end + 1]))) {
        out.push({ type: "em", children: parseInline(src.slice(i + 1, end), links) });
        i = end + 1;
        continue;
      }
    }
    if (links && (c === "h" || c === "H") && !wordChar(src[i - 1])) {
      const m = BARE_URL.exec(rest);
      if (m) {
        // Trailing punctuation ends the sentence, not the address.
        const url = m[0].replace(/[.,;:!?'")\]]+$/, "");
        const href = safeHref(url);
        if (href) {
          out.push({ type: "link", href, children: [{ type: "text", text: url }] });
          i += url.length;
          continue;
        }
      }
    }
    pushText(out, c);
    i += 1;
  }
  return out;
}

/** Text → paragraphs (split on blank lines) of lines of inline nodes. */
export function parseMarkdown(src: string | null | undefined): Paragraph[] {
  if (!src) return [];
  const text = src.replace(/\r\n?|[\u2028\u2029]/g, "\n");
  return text
    .split(/\n[ \t]*\n/)
    .map((block) =>
      block
        .split("\n")
        .map((l) => l.trim())
        .filter((l) => l.length > 0),
    )
    .filter((lines) => lines.length > 0)
    .map((lines) => ({ lines: lines.map((l) => parseInline(l)) }));
}

/** The plain text of inline nodes (what a screen reader or a title attribute would get). */
export function plainText(nodes: Inline[]): string {
  return nodes.map((n) => ("text" in n ? n.text : plainText(n.children))).join("");
}

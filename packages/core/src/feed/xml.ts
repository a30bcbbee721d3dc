/**
 * A lenient, namespace-aware XML tree for feeds. htmlparser2 in xmlMode tokenises (it survives
 * unclosed tags, truncated documents and stray `&`); on top of it this module:
 *
 * - decodes character references itself, so HTML named entities that XML does not define
 *   (`&nbsp;`, `&eacute;`) work and unknown ones stay literal, while CDATA stays untouched;
 * - resolves namespace prefixes and maps well-known namespaces to short keys (`dc`, `media`, …;
 *   the feed's own vocabulary, RSS 0.90/1.0/"userland" and unqualified names, to ""), with
 *   common prefixes understood even when a feed forgets to declare them;
 * - lower-cases local names (feeds write `pubdate`, `TiTlE`, CDF's `ITEM`);
 * - records the `xml:base` values in scope of every element, outermost first.
 *
 * Parsing is bounded (parse/limits.ts: depth, element count, time) and the walks over the tree
 * below use explicit stacks, so no document can exhaust the call stack.
 */
import { DecodingMode, decodeHTML } from "entities";
import { ParseBudget, ParseLimitError } from "../parse/limits.js";
import { Guarded, parseMarkup } from "../parse/markup.js";

export interface XElement {
  /** Namespace key: "" for the feed vocabulary, "atom", "dc", "media", … or "{uri}". */
  ns: string;
  /** Local name, lower-cased. */
  name: string;
  /** The name as written (for re-serialising inline XHTML). */
  rawName: string;
  /** Attributes by lower-cased local name; namespaced ones as "xml:base", "rdf:about". */
  attrs: Record<string, string>;
  /** Attributes as written, for re-serialising. */
  rawAttrs: [string, string][];
  children: XNode[];
  /** `xml:base` values in scope here, outermost first. */
  bases: string[];
}
export type XNode = XElement | string;

export const NS = {
  atom10: "http://www.w3.org/2005/Atom",
  atom03: "http://purl.org/atom/ns#",
  rdf: "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
  rss10: "http://purl.org/rss/1.0/",
  rss090: "http://my.netscape.com/rdf/simple/0.9/",
  xml: "http://www.w3.org/XML/1998/namespace",
} as const;

/** Lookup tables and scopes without a prototype: names in documents must not hit Object.prototype. */
function dict<T>(entries: Record<string, T> = {}): Record<string, T> {
  return Object.assign(Object.create(null), entries);
}

/** Namespace URI (lower-case, no trailing slash or #) → key. */
const KNOWN: Record<string, string> = Object.create(null);
const known = (key: string, uris: string[]) => {
  for (const u of uris) KNOWN[nsId(u)] = key;
};
known("", [
  NS.rss10,
  NS.rss090,
  "http://backend.userland.com/rss2",
  "http://backend.userland.com/rss",
  "http://blogs.law.harvard.edu/tech/rss",
  "http://purl.org/net/rss1.1#",
]);
known("atom", [NS.atom10, NS.atom03, "http://purl.org/atom/ns#draft-ietf-atompub-format-08"]);
known("rdf", [NS.rdf]);
known("dc", ["http://purl.org/dc/elements/1.1/", "http://purl.org/dc/elements/1.0/"]);
known("dcterms", ["http://purl.org/dc/terms/"]);
known("content", ["http://purl.org/rss/1.0/modules/content/"]);
known("media", [
  "http://search.yahoo.com/mrss/",
  "http://search.yahoo.com/rss/",
  "http://tools.search.yahoo.com/mrss/",
]);
known("itunes", ["http://www.itunes.com/dtds/podcast-1.0.dtd", "http://example.com/dtds/podcast-1.0.dtd"]);
known("xhtml", ["http://www.w3.org/1999/xhtml"]);
known("xml", [NS.xml]);

/** Prefixes feeds use without declaring them. */
const UNDECLARED: Record<string, string> = dict({
  dc: "dc",
  dcterms: "dcterms",
  content: "content",
  media: "media",
  itunes: "itunes",
  atom: "atom",
  rdf: "rdf",
  xhtml: "xhtml",
  xml: "xml",
});

function nsId(uri: string): string {
  return uri
    .trim()
    .toLowerCase()
    .replace(/[/#]+$/, "");
}

/** The key of a namespace URI; the root element's own unknown namespace counts as "". */
function keyOf(uri: string | undefined, rootUri: string | undefined, cache: Map<string, string>): string {
  if (!uri) return "";
  let key = cache.get(uri);
  if (key === undefined) {
    const id = nsId(uri);
    key = KNOWN[id] ?? (rootUri !== undefined && id === nsId(rootUri) ? "" : `{${uri}}`);
    cache.set(uri, key);
  }
  return key;
}

/** Text with XML and HTML character references decoded; unknown references stay as written. */
export const decodeRefs = (s: string): string => (s.includes("&") ? decodeHTML(s, DecodingMode.Strict) : s);

/**
 * Parses a document into its root element, or null when there is no element at all.
 * Throws ParseLimitError past the budget's bounds.
 */
export function parseXml(text: string, budget = new ParseBudget()): XElement | null {
  const builder = new TreeBuilder(budget);
  parseMarkup(stripDoctype(text), builder, { parser: { xmlMode: true, decodeEntities: false } });
  builder.flush();
  return (builder.doc.children.find((c) => typeof c !== "string") as XElement | undefined) ?? null;
}

interface Open {
  el: XElement;
  /** Namespace prefixes in scope ("" for the default namespace) → URI. */
  scope: Record<string, string>;
}

/** Attributes of an element without any: one shared, frozen, empty record. */
const NO_ATTRS: Record<string, string> = Object.freeze(dict<string>());
const NO_RAW_ATTRS: [string, string][] = Object.freeze([]) as unknown as [string, string][];

/**
 * htmlparser2's events → the XElement tree. A class with its state in fields (not closures made
 * per parse): one of these is made per document, and its methods stay the same functions.
 */
class TreeBuilder extends Guarded {
  readonly doc: XElement = {
    ns: "",
    name: "#document",
    rawName: "",
    attrs: NO_ATTRS,
    rawAttrs: NO_RAW_ATTRS,
    children: [],
    bases: [],
  };
  private readonly stack: Open[] = [{ el: this.doc, scope: dict() }];
  private rootUri: string | undefined;
  private cdata = false;
  private readonly keys = new Map<string, string>();
  // Text arrives in pieces (the document is written in chunks): references are decoded once a
  // run of text is whole, so one cut in two still decodes.
  private raw = "";

  onopentag(rawName: string, rawAttribs: Record<string, string>): void {
    this.flush();
    const parent = this.stack[this.stack.length - 1]!;
    let scope = parent.scope;
    const names = Object.keys(rawAttribs);
    let rawAttrs = NO_RAW_ATTRS;
    if (names.length > 0) {
      rawAttrs = [];
      for (const k of names) {
        const v = decodeRefs(rawAttribs[k]!);
        rawAttrs.push([k, v]);
        if (k === "xmlns" || k.startsWith("xmlns:")) {
          if (scope === parent.scope) scope = dict(scope);
          scope[k === "xmlns" ? "" : k.slice(6)] = v;
        }
      }
    }
    const colon = rawName.indexOf(":");
    const prefix = colon < 0 ? "" : rawName.slice(0, colon);
    const local = colon < 0 ? rawName : rawName.slice(colon + 1);
    const uri = scope[prefix];
    if (this.stack.length === 1) this.rootUri = uri ?? "";
    const ns =
      prefix !== "" && uri === undefined
        ? (UNDECLARED[prefix.toLowerCase()] ?? prefix)
        : keyOf(uri, this.rootUri, this.keys);

    let attrs = NO_ATTRS;
    if (rawAttrs.length > 0) {
      attrs = dict();
      for (const [k, v] of rawAttrs) {
        if (k === "xmlns" || k.startsWith("xmlns:")) continue;
        const [p, l] = splitName(k);
        const key = p === "" ? l.toLowerCase() : `${attrPrefix(p, scope)}:${l.toLowerCase()}`;
        if (!(key in attrs)) attrs[key] = v;
      }
    }
    const base = attrs["xml:base"];
    const el: XElement = {
      ns,
      name: local.toLowerCase(),
      rawName,
      attrs,
      rawAttrs,
      children: [],
      bases: base ? withBase(parent.el.bases, base) : parent.el.bases,
    };
    parent.el.children.push(el);
    this.stack.push({ el, scope });
  }

  override onclosetag(name: string, isImplied: boolean): void {
    super.onclosetag(name, isImplied);
    this.flush();
    if (this.stack.length > 1) this.stack.pop();
  }

  ontext(data: string): void {
    if (this.cdata) {
      this.flush();
      this.append(data);
    } else this.raw += data;
  }

  oncdatastart(): void {
    this.flush();
    this.cdata = true;
  }

  oncdataend(): void {
    this.cdata = false;
  }

  // Text on either side of a comment or instruction is decoded apart, as it always was.
  oncomment(): void {
    this.flush();
  }

  onprocessinginstruction(): void {
    this.flush();
  }

  flush(): void {
    if (this.raw === "") return;
    this.append(decodeRefs(this.raw));
    this.raw = "";
  }

  private append(text: string): void {
    const parent = this.stack[this.stack.length - 1]!.el;
    const last = parent.children[parent.children.length - 1];
    if (typeof last === "string") parent.children[parent.children.length - 1] = last + text;
    else parent.children.push(text);
  }
}

/** Relative `xml:base` values in a row; real feeds nest two or three. */
export const MAX_BASES = 16;
const ABSOLUTE = /^\s*[a-z][a-z0-9+.-]*:\/\//i;

/**
 * The bases in scope below an element with `xml:base`. An absolute base that parses makes the
 * outer ones irrelevant (resolving against anything gives itself), so the list starts over;
 * a long run of relative ones is refused, as each list is a copy (memory and resolving time
 * would grow with depth × elements).
 */
function withBase(outer: string[], base: string): string[] {
  if (ABSOLUTE.test(base) && URL.canParse(base.trim())) return [base];
  if (outer.length >= MAX_BASES)
    throw new ParseLimitError(`the document nests xml:base deeper than ${MAX_BASES} levels`);
  return [...outer, base];
}

function splitName(name: string): [string, string] {
  const i = name.indexOf(":");
  return i < 0 ? ["", name] : [name.slice(0, i), name.slice(i + 1)];
}

function attrPrefix(prefix: string, scope: Record<string, string>): string {
  if (prefix === "xml") return "xml";
  const uri = scope[prefix];
  if (uri === undefined) return UNDECLARED[prefix.toLowerCase()] ?? prefix.toLowerCase();
  const k = KNOWN[nsId(uri)];
  return k === undefined || k === "" ? prefix.toLowerCase() : k;
}

/**
 * Drops a DOCTYPE (with any internal subset): the tokenizer would otherwise read the subset's
 * `<!ENTITY … ">" >` declarations as markup. Entities declared there are not expanded.
 */
function stripDoctype(text: string): string {
  // Skip the prolog's declaration, comments, processing instructions and whitespace.
  const prolog = /^(?:\s+|<\?[\s\S]*?\?>|<!--[\s\S]*?-->)*/.exec(text)?.[0].length ?? 0;
  if (!/^<!DOCTYPE/i.test(text.slice(prolog, prolog + 9))) return text;
  let i = prolog + 9;
  let depth = 0;
  let quote = "";
  for (; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === quote) quote = "";
    } else if (c === '"' || c === "'") quote = c;
    else if (c === "[") depth++;
    else if (c === "]") depth--;
    else if (c === ">" && depth <= 0) break;
  }
  return text.slice(0, prolog) + text.slice(i + 1);
}

// ---- reading helpers ----

export const isElement = (n: XNode): n is XElement => typeof n !== "string";

/** Child elements, optionally filtered by namespace key(s) and local name. */
export function children(el: XElement, name?: string, ns: string | string[] = ""): XElement[] {
  // A loop rather than filter(): called a few dozen times per entry (measured on the corpus).
  const out: XElement[] = [];
  for (const c of el.children) {
    if (typeof c === "string") continue;
    if (name === undefined || (c.name === name && inNs(c.ns, ns))) out.push(c);
  }
  return out;
}

/** Whether namespace key `key` is `ns`, or one of them. */
export const inNs = (key: string, ns: string | string[]): boolean =>
  typeof ns === "string" ? key === ns : ns.includes(key);

export function child(el: XElement, name: string, ns: string | string[] = ""): XElement | undefined {
  for (const c of el.children) if (typeof c !== "string" && c.name === name && inNs(c.ns, ns)) return c;
  return undefined;
}

/** Pushes an element's children so that they pop in document order. */
function pushChildren<T>(stack: (XNode | T)[], el: XElement): void {
  for (let i = el.children.length - 1; i >= 0; i--) stack.push(el.children[i]!);
}

/** All text inside an element, markup dropped. */
export function textContent(el: XElement): string {
  let out = "";
  const stack: XNode[] = [];
  pushChildren(stack, el);
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (typeof n === "string") out += n;
    else pushChildren(stack, n);
  }
  return out;
}

/** True when the element has element children (inline markup). */
export const hasElementChildren = (el: XElement): boolean => el.children.some(isElement);

const escapeText = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const escapeAttr = (s: string) => escapeText(s).replace(/"/g, "&quot;");

const VOID = new Set([
  "br",
  "hr",
  "img",
  "input",
  "meta",
  "link",
  "area",
  "base",
  "col",
  "embed",
  "param",
  "source",
  "track",
  "wbr",
]);

/** The element's content re-serialised as (X)HTML markup, prefixes dropped. */
export function innerXml(el: XElement): string {
  let out = "";
  // An element is visited twice: its start tag and content, then (as { end }) its end tag.
  const stack: (XNode | { end: string })[] = [];
  pushChildren(stack, el);
  while (stack.length > 0) {
    const c = stack.pop()!;
    if (typeof c === "string") {
      out += escapeText(c);
      continue;
    }
    if ("end" in c) {
      out += `</${c.end}>`;
      continue;
    }
    const name = splitName(c.rawName)[1];
    const attrs = c.rawAttrs
      .filter(([k]) => k !== "xmlns" && !k.startsWith("xmlns:"))
      .map(([k, v]) => ` ${k}="${escapeAttr(v)}"`)
      .join("");
    // An empty CDATA section leaves "" as a child: still empty content.
    if (VOID.has(name.toLowerCase()) && c.children.every((x) => x === "")) out += `<${name}${attrs} />`;
    else {
      out += `<${name}${attrs}>`;
      stack.push({ end: name });
      pushChildren(stack, c);
    }
  }
  return out;
}

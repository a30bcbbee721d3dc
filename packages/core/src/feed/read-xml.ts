/**
 * XML feeds (RSS 0.9x/2.0, RSS 1.0/RDF, RSS 0.90, Atom 0.3/1.0, and CDF's CHANNEL/ITEM) → RawFeed.
 * Extraction only: which element carries what, values as written. Cleaning, URL resolution
 * and date parsing happen in adapter.ts.
 */
import { FeedError } from "./errors.js";
import type { FeedFormat, RawEntry, RawFeed, RawLink, RawText, RawUrl } from "./types.js";
import { child, children, hasElementChildren, inNs, innerXml, textContent, type XElement } from "./xml.js";

/** The feed vocabulary: unqualified names (RSS, or Atom in its own namespace) and Atom-in-RSS. */
const OWN = "";
const ATOM = ["atom", ""];

export function readXmlFeed(root: XElement): RawFeed {
  switch (root.name) {
    case "rss":
    case "rdf":
      return readRss(root, root.name === "rdf" ? "rdf" : "rss");
    case "feed":
      return readAtom(root);
    case "channel":
      // CDF (and RSS documents that lost their <rss> wrapper).
      return readRss(root, "rss");
    case "html":
    case "head":
    case "body":
      throw new FeedError("not a feed: got an HTML page");
    default:
      throw new FeedError(`not a feed: unknown root element <${root.rawName}>`);
  }
}

// ---- RSS / RDF / CDF ----

function readRss(root: XElement, format: FeedFormat): RawFeed {
  const channel = root.name === "channel" ? root : (child(root, "channel", [OWN, "rdf"]) ?? null);
  const scope = channel ?? root;
  const items = [
    ...children(root, "item", [OWN, "rdf"]),
    ...(channel && channel !== root ? children(channel, "item", [OWN, "rdf"]) : []),
  ];
  return {
    format,
    title: firstText(scope, [
      ["title", OWN],
      ["title", "dc"],
    ]),
    links: [...rssLinks(scope), ...alternates(atomLinks(scope, "atom"))],
    entries: items.map(readRssItem),
  };
}

function readRssItem(item: XElement): RawEntry {
  const guid = child(item, "guid");
  const guidText = guid ? textContent(guid).trim() : "";
  const guidIsLink = guid !== undefined && guid.attrs.ispermalink?.trim().toLowerCase() !== "false";
  const about = item.attrs["rdf:about"]?.trim();
  const encoded = child(item, "encoded", "content") ?? child(item, "body", "xhtml");
  return {
    id: guidText || about || textOf(child(item, "id", "atom")) || null,
    title: firstText(item, [
      ["title", OWN],
      ["title", "dc"],
      ["title", "media"],
    ]),
    links: [
      ...rssLinks(item),
      ...alternates(atomLinks(item, "atom")),
      ...(guidIsLink && guidText ? [{ href: guidText, bases: guid.bases }] : []),
    ],
    summary:
      firstText(
        item,
        [
          ["description", OWN],
          ["description", "dc"],
        ],
        "html",
      ) ?? mediaDescription(item),
    content: encoded ? rawText(encoded, "html") : null,
    bases: item.bases,
    authors: texts(item, [
      ["author", OWN],
      ["creator", "dc"],
      ["author", "itunes"],
    ]),
    published: latestFirst(item, [
      ["pubdate", OWN],
      ["issued", "dcterms"],
      ["published", "atom"],
      ["date", "dc"],
      ["created", "dcterms"],
    ]),
    updated: [
      ...latestFirst(item, [
        ["modified", "dcterms"],
        ["updated", "atom"],
        ["date", "dc"],
      ]),
      ...(item.attrs.lastmod ? [item.attrs.lastmod] : []),
    ],
    images: mediaImages(item),
  };
}

/** `<link>` text (or an Atom-style `href` on an unqualified link), or CDF's `HREF` attribute. */
function rssLinks(el: XElement): RawUrl[] {
  const out: RawUrl[] = children(el, "link")
    .filter((l) => !l.attrs.rel || l.attrs.rel === "alternate")
    .map((l) => ({ href: textContent(l).trim() || (l.attrs.href ?? "").trim(), bases: l.bases }))
    .filter((l) => l.href);
  if (el.attrs.href) out.push({ href: el.attrs.href, bases: el.bases });
  return out;
}

// ---- Atom ----

function readAtom(root: XElement): RawFeed {
  return {
    format: "atom",
    title: atomText(child(root, "title", ATOM)),
    links: alternates(atomLinks(root, ATOM)),
    entries: children(root, "entry", ATOM).map(readAtomEntry),
  };
}

function readAtomEntry(entry: XElement): RawEntry {
  const links = atomLinks(entry, ATOM);
  return {
    id: textOf(child(entry, "id", ATOM)) || null,
    title: atomText(child(entry, "title", ATOM)) ?? firstText(entry, [["title", "media"]]),
    links: alternates(links),
    summary: atomText(child(entry, "summary", ATOM)) ?? mediaDescription(entry),
    content: atomText(child(entry, "content", ATOM)),
    bases: entry.bases,
    authors: [
      ...children(entry, "author", ATOM).map((a) => textOf(child(a, "name", ATOM)) || textOf(a)),
      ...texts(entry, [["creator", "dc"]]),
    ],
    published: latestFirst(entry, [
      ["published", ATOM],
      ["issued", ATOM],
      ["created", ATOM],
      ["issued", "dcterms"],
    ]),
    updated: latestFirst(entry, [
      ["updated", ATOM],
      ["modified", ATOM],
      ["modified", "dcterms"],
      ["date", "dc"],
    ]),
    images: [
      ...mediaImages(entry),
      ...links
        .filter((l) => l.rel === "enclosure" && isImageType(l.type))
        .map(({ href, bases }) => ({ href, bases })),
    ],
  };
}

function atomLinks(el: XElement, ns: string | string[]): RawLink[] {
  return children(el, "link", ns)
    .filter((l) => l.attrs.href)
    .map((l) => ({
      href: l.attrs.href ?? "",
      bases: l.bases,
      rel: l.attrs.rel?.trim().toLowerCase() || null,
      type: l.attrs.type?.trim().toLowerCase() || null,
    }));
}

/** rel="alternate" links (or without rel), HTML pages before other types. */
function alternates(links: RawLink[]): RawLink[] {
  if (links.length === 0) return links;
  const pages: RawLink[] = [];
  const others: RawLink[] = [];
  for (const l of links) {
    if (
      l.rel !== null &&
      l.rel !== "alternate" &&
      l.rel !== "http://www.iana.org/assignments/relation/alternate"
    )
      continue;
    if (l.type === null || l.type === "text/html" || l.type === "application/xhtml+xml") pages.push(l);
    else others.push(l);
  }
  return others.length === 0 ? pages : [...pages, ...others];
}

/**
 * An Atom text construct. Atom 1.0: type text | html | xhtml | a MIME type; Atom 0.3: a MIME
 * type plus mode xml | escaped | base64.
 */
function atomText(el: XElement | undefined): RawText | null {
  if (!el) return null;
  const type = (el.attrs.type ?? "").trim().toLowerCase();
  const mode = (el.attrs.mode ?? "").trim().toLowerCase();
  const html = type === "html" || type === "text/html";
  const xhtml = type === "xhtml" || /[/+]xml$/.test(type);
  const text = type === "" || type === "text" || type.startsWith("text/");
  // Atom 0.3 mode="base64", or Atom 1.0 content of a non-text, non-XML media type.
  if (mode === "base64" || (!html && !xhtml && !text)) {
    const decoded = Buffer.from(textContent(el).replace(/\s+/g, ""), "base64").toString("utf8");
    return { value: decoded, type: html || xhtml ? "html" : "text" };
  }
  if (hasElementChildren(el)) return { value: innerXml(el), type: "html" };
  return { value: textContent(el), type: html || xhtml ? "html" : "text" };
}

// ---- shared ----

/** media:thumbnail, media:content pictures (also inside media:group), enclosures, itunes:image. */
function mediaImages(el: XElement): RawUrl[] {
  const out: RawUrl[] = [];
  const groups = [el, ...children(el, "group", "media")];
  for (const g of groups) {
    for (const t of children(g, "thumbnail", "media"))
      if (t.attrs.url) out.push({ href: t.attrs.url, bases: t.bases });
  }
  for (const g of groups) {
    for (const c of children(g, "content", "media")) {
      if (c.attrs.url && (c.attrs.medium === "image" || isImageType(c.attrs.type))) {
        out.push({ href: c.attrs.url, bases: c.bases });
      }
      for (const t of children(c, "thumbnail", "media"))
        if (t.attrs.url) out.push({ href: t.attrs.url, bases: t.bases });
    }
  }
  for (const e of children(el, "enclosure")) {
    if (e.attrs.url && isImageType(e.attrs.type)) out.push({ href: e.attrs.url, bases: e.bases });
  }
  for (const i of children(el, "image", "itunes")) {
    const href = i.attrs.href ?? textContent(i).trim();
    if (href) out.push({ href, bases: i.bases });
  }
  return out;
}

/** media:description (YouTube and podcast feeds), directly or in media:group; plain unless type="html". */
function mediaDescription(el: XElement): RawText | null {
  for (const g of [el, ...children(el, "group", "media")]) {
    for (const d of children(g, "description", "media")) {
      const value = textContent(d);
      if (value.trim())
        return { value, type: d.attrs.type?.trim().toLowerCase() === "html" ? "html" : "text" };
    }
  }
  return null;
}

const isImageType = (type: string | null | undefined): boolean => !!type && /^image\//i.test(type.trim());

const textOf = (el: XElement | undefined): string => (el ? textContent(el).trim() : "");

/** An untyped text field: plain unless it looks like HTML; inline elements make it HTML. */
function rawText(el: XElement, type: RawText["type"]): RawText {
  return hasElementChildren(el) ? { value: innerXml(el), type: "html" } : { value: textContent(el), type };
}

/** The first non-empty of several (name, ns) fields (untyped: a guess). */
function firstText(
  el: XElement,
  fields: [string, string | string[]][],
  type: RawText["type"] = "guess",
): RawText | null {
  for (const [name, ns] of fields) {
    for (const c of children(el, name, ns)) {
      const t = rawText(c, type);
      if (t.value.trim()) return t;
    }
  }
  return null;
}

function texts(el: XElement, fields: [string, string | string[]][]): string[] {
  return fields
    .flatMap(([name, ns]) => children(el, name, ns).map((c) => textContent(c).trim()))
    .filter(Boolean);
}

/**
 * Date strings for one meaning, best first: a later element of the same field wins over an
 * earlier one (feeds that repeat a date correct themselves), earlier fields over later ones.
 */
function latestFirst(el: XElement, fields: [string, string | string[]][]): string[] {
  let tiers: string[][] | null = null;
  for (const c of el.children) {
    if (typeof c === "string") continue;
    for (let i = 0; i < fields.length; i++) {
      const [name, ns] = fields[i]!;
      if (c.name !== name || !inNs(c.ns, ns)) continue;
      tiers ??= fields.map(() => []);
      tiers[i]!.push(textContent(c).trim());
      break;
    }
  }
  if (tiers === null) return [];
  // Pushed then reversed: unshift would cost O(n) per date, quadratic in a hostile feed.
  return tiers.flatMap((t) => t.reverse()).filter(Boolean);
}

/**
 * Feed documents → ParsedFeed (DESIGN.md data flow 3). `parseFeed` decodes the bytes
 * (encoding/), sniffs the format, reads it (read-xml.ts, read-json.ts) and normalises it
 * (adapter.ts). Nothing downstream sees format details.
 */
import { decodeBody } from "../encoding/index.js";
import { parseJson } from "../parse/json.js";
import { isParseLimitError, ParseBudget } from "../parse/limits.js";
import { normalizeFeed } from "./adapter.js";
import { FeedError } from "./errors.js";
import { readJsonFeed } from "./read-json.js";
import { readXmlFeed } from "./read-xml.js";
import type { ParsedFeed, RawFeed } from "./types.js";
import { parseXml } from "./xml.js";

export { parseDate } from "./date.js";
export { FeedError } from "./errors.js";
export type { FeedFormat, NormalizedEntry, ParsedFeed } from "./types.js";

export interface FeedInput {
  /** The response body: bytes as fetched (decoded here), or text already decoded. */
  body: Buffer | Uint8Array | string;
  /** The response's Content-Type (its charset decides the decoding of bytes). */
  contentType?: string;
  /** The URL the document was fetched from: the last resort for relative links. */
  url: string;
}

/**
 * Parses and normalises one feed document. Throws FeedError (with a message such as
 * "not a feed: got an HTML page") when the document is not a feed; a feed with bad parts
 * (a broken date, an entry without a link, stray entities) still parses. A document past the
 * parse bounds (parse/limits.ts: nesting, size, time) is a FeedError too, such as "the
 * document nests deeper than 512 elements".
 */
export function parseFeed(input: FeedInput, budget = new ParseBudget()): ParsedFeed {
  try {
    return normalizeFeed(readFeed(input, budget), input.url, budget);
  } catch (e) {
    if (isParseLimitError(e)) throw new FeedError(e.message, { cause: e });
    throw e;
  }
}

/** Decodes and reads a document into the raw, format-specific shape. */
export function readFeed(input: FeedInput, budget = new ParseBudget()): RawFeed {
  const decoded =
    typeof input.body === "string"
      ? input.body
      : decodeBody(input.body, { contentType: input.contentType, kind: sniffKind(input.body) }).text;
  const text = decoded.charCodeAt(0) === 0xfeff ? decoded.slice(1) : decoded;
  const start = text.search(/\S/);
  if (start < 0) throw new FeedError("not a feed: the document is empty");
  const first = text[start];

  if (first === "{" || first === "[") {
    let doc: unknown;
    try {
      doc = parseJson(text, budget);
    } catch (e) {
      if (isParseLimitError(e)) throw e;
      throw new FeedError("not a feed: invalid JSON", { cause: e });
    }
    return readJsonFeed(doc);
  }

  const markup = first === "<" ? text : leadingGarbageSkipped(text);
  const root = parseXml(markup, budget);
  if (!root) throw new FeedError("not a feed: no XML element found");
  return readXmlFeed(root);
}

/** JSON documents start with `{`; everything else is read as markup. */
function sniffKind(bytes: Uint8Array): "json" | "xml" {
  for (let i = 0; i < bytes.length && i < 64; i++) {
    const b = bytes[i];
    if (b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d || b === 0xef || b === 0xbb || b === 0xbf)
      continue;
    return b === 0x7b ? "json" : "xml";
  }
  return "xml";
}

/** Some servers prepend a few bytes (a stray newline, PHP notices) before the XML. */
function leadingGarbageSkipped(text: string): string {
  const i = text.search(/<(?:\?xml|rss|feed|rdf:RDF|channel)\b/i);
  if (i < 0 || i > 2048) throw new FeedError("not a feed: neither XML nor JSON");
  return text.slice(i);
}

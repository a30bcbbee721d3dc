/**
 * Bytes → text for fetched documents (DESIGN.md data flow 2). Order:
 *
 * 1. a byte order mark;
 * 2. the HTTP `charset` (ignored when it contradicts the bytes: an ASCII-compatible label on
 *    UTF-16/32 text, a UTF-16/32 label on ASCII-compatible text);
 * 3. UTF-16/32 recognised by its NUL pattern (XML declarations in BOM-less UTF-16, JSON);
 * 4. the XML declaration's `encoding` or an HTML `<meta charset>`;
 * 5. detection (chardet) when the bytes are not UTF-8;
 * 6. UTF-8.
 *
 * One guard overrides 2 and 4: bytes that are valid UTF-8 and contain non-ASCII text stay UTF-8
 * even when a legacy charset is declared. Legacy-encoded text is practically never valid UTF-8,
 * while "charset=ISO-8859-1" on UTF-8 bodies (a server default, a stale template) is common, and
 * decoding those by the label turns every accented or Japanese character into mojibake
 * (miniflux's rule, internal/reader/encoding). Undeclared Shift_JIS/EUC-JP is not valid UTF-8,
 * so it reaches detection instead of being read as UTF-8.
 */
import { isAscii, isUtf8 } from "node:buffer";
import chardet from "chardet";
import { decodeWith, isWideCharset, normaliseCharset } from "./labels.js";
import {
  charsetFromContentType,
  htmlMetaCharset,
  looksLikeXml,
  sniffBom,
  sniffNulPattern,
  xmlDeclaredCharset,
} from "./sniff.js";

export { decodeWith, normaliseCharset } from "./labels.js";
export { charsetFromContentType } from "./sniff.js";

export type CharsetSource = "http" | "bom" | "declaration" | "meta" | "detected" | "default";

export interface DecodedBody {
  text: string;
  /** The decoder used, canonical lower-case name (`utf-8`, `shift_jis`, `windows-1252`, …). */
  charset: string;
  source: CharsetSource;
}

export interface DecodeOptions {
  /** The response's Content-Type header, if any. */
  contentType?: string;
  /** What the document is expected to be; decides which in-document declaration counts. */
  kind?: "xml" | "html" | "json";
}

/** Detection looks at this much of a document: enough for chardet, cheap on large feeds. */
const DETECT_SAMPLE = 64 * 1024;
const ISO_2022_JP_ESCAPE = /\x1b\$[@B]/;

export function decodeBody(bytes: Buffer | Uint8Array, opts: DecodeOptions = {}): DecodedBody {
  // Plain functions below, no closures: this runs once per fetched document, and the corpus's
  // 2,106 small documents made per-call closures a measurable share of a parse.
  const bom = sniffBom(bytes);
  if (bom) return decoded(bytes, bom.charset, "bom");

  const wide = sniffNulPattern(bytes);
  const utf8 = isUtf8(bytes);
  const nonAscii = utf8 && !isAscii(bytes);

  const fromHttp = usable(charsetFromContentType(opts.contentType), wide, nonAscii);
  if (fromHttp) return decoded(bytes, fromHttp, "http");

  if (wide) {
    const declared = opts.kind === "json" ? null : xmlDeclaredCharset(bytes, wide);
    return decoded(bytes, wide, declared ? "declaration" : "detected");
  }

  if (opts.kind !== "json") {
    const asXml = opts.kind === "xml" || (opts.kind === undefined && looksLikeXml(bytes));
    const declared = asXml ? usable(xmlDeclaredCharset(bytes), wide, nonAscii) : null;
    if (declared) return decoded(bytes, declared, "declaration");
    if (opts.kind !== "xml") {
      const meta = usable(htmlMetaCharset(bytes), wide, nonAscii);
      if (meta) return decoded(bytes, meta, "meta");
    }
  }

  if (nonAscii) return decoded(bytes, "utf-8", "detected");
  // 7-bit ISO-2022-JP passes as ASCII; its escape sequences give it away (no ESC byte, no escape).
  if (utf8 && hasIso2022JpEscape(bytes)) return decoded(bytes, "iso-2022-jp", "detected");
  if (!utf8) {
    const detected = detect(bytes);
    if (detected) return decoded(bytes, detected, "detected");
  }
  return decoded(bytes, "utf-8", "default");
}

const decoded = (bytes: Uint8Array, charset: string, source: CharsetSource): DecodedBody => ({
  text: decodeWith(bytes, charset),
  charset,
  source,
});

/**
 * A declared label we can decode and that fits the bytes (`wide`: their UTF-16/32 NUL pattern;
 * `nonAscii`: valid UTF-8 with non-ASCII text); null means "look further".
 */
function usable(label: string | null, wide: string | null, nonAscii: boolean): string | null {
  const charset = normaliseCharset(label);
  if (!charset) return null;
  if (wide) return isWideCharset(charset) ? wide : null;
  if (isWideCharset(charset)) return null;
  if (nonAscii && charset !== "utf-8") return null; // the valid-UTF-8 guard
  return charset;
}

function hasIso2022JpEscape(bytes: Uint8Array): boolean {
  // Reading the sample as text costs a copy of up to 64 KiB; without an ESC byte in it there is
  // no escape sequence to find (the common case: one indexOf, no subarray).
  const esc = bytes.indexOf(0x1b);
  if (esc < 0 || esc >= DETECT_SAMPLE) return false;
  const n = Math.min(bytes.length, DETECT_SAMPLE);
  return ISO_2022_JP_ESCAPE.test(Buffer.from(bytes.buffer, bytes.byteOffset, n).toString("latin1"));
}

/** chardet's best guess among the charsets we can decode, or null. */
function detect(bytes: Uint8Array): string | null {
  const sample = bytes.subarray(0, DETECT_SAMPLE);
  for (const match of chardet.analyse(sample)) {
    const charset = normaliseCharset(match.name);
    if (charset && !isWideCharset(charset) && charset !== "utf-8") return charset;
  }
  return null;
}

/**
 * Charset labels → the decoder we use. WHATWG-ish: the aliases browsers agree on map to the
 * superset browsers decode with (ISO-8859-1/US-ASCII → windows-1252, Shift_JIS → windows-31j,
 * GB2312 → GBK, EUC-KR → windows-949), because that is what mislabelled real feeds need.
 * Anything else is tried as a label of the runtime's TextDecoder (ICU, the WHATWG Encoding
 * Standard's full set), plus UTF-32, which that standard leaves out.
 *
 * Why TextDecoder rather than iconv-lite: the same decoders browsers use, and no code tables in
 * our Lambda bundles (iconv-lite's tables were ~490 KB of each 1 MiB bundle budget). The cost is
 * the DOS code pages (cp437, cp861, …), which no feed here has been seen to use.
 */

import { isAscii } from "node:buffer";

/** Canonical names, as reported in `DecodedBody.charset`. */
// Null-prototype: a label such as "constructor" or "__proto__" must not find Object.prototype.
const ALIASES: Record<string, string> = Object.create(null);
const group = (canonical: string, labels: string[]) => {
  for (const l of [canonical, ...labels]) ALIASES[l] = canonical;
};

group("utf-8", ["utf8", "unicode-1-1-utf-8", "unicode11utf8", "unicode20utf8", "x-unicode20utf8"]);
group("windows-1252", [
  "us-ascii",
  "ascii",
  "ansi_x3.4-1968",
  "iso-8859-1",
  "iso8859-1",
  "iso88591",
  "iso_8859-1",
  "iso_8859-1:1987",
  "iso-ir-100",
  "latin1",
  "l1",
  "cp819",
  "ibm819",
  "csisolatin1",
  "cp1252",
  "x-cp1252",
]);
group("windows-1254", [
  "iso-8859-9",
  "iso8859-9",
  "iso88599",
  "iso_8859-9",
  "latin5",
  "l5",
  "cp1254",
  "x-cp1254",
]);
group("windows-874", ["iso-8859-11", "iso8859-11", "iso885911", "tis-620", "dos-874", "cp874"]);
group("shift_jis", [
  "sjis",
  "x-sjis",
  "shift-jis",
  "windows-31j",
  "ms932",
  "cp932",
  "ms_kanji",
  "csshiftjis",
]);
group("euc-jp", ["x-euc-jp", "eucjp", "cseucpkdfmtjapanese"]);
group("iso-2022-jp", ["csiso2022jp"]);
group("gbk", [
  "gb2312",
  "gb_2312",
  "gb_2312-80",
  "chinese",
  "csgb2312",
  "csiso58gb231280",
  "iso-ir-58",
  "x-gbk",
  "cp936",
  "ms936",
  "windows-936",
]);
group("gb18030", []);
group("big5", ["big5-hkscs", "cn-big5", "csbig5", "x-x-big5", "cp950"]);
group("euc-kr", [
  "ks_c_5601-1987",
  "ks_c_5601-1989",
  "ksc5601",
  "ksc_5601",
  "korean",
  "csksc56011987",
  "iso-ir-149",
  "windows-949",
  "cp949",
]);
group("utf-16le", ["utf-16", "utf16", "utf16le", "ucs-2", "ucs2", "unicode", "csunicode", "iso-10646-ucs-2"]);
group("utf-16be", ["utf16be", "unicodefffe"]);
group("utf-32le", ["utf-32", "utf32", "utf32le", "ucs-4", "ucs4"]);
group("utf-32be", ["utf32be"]);
group("koi8-r", ["koi8", "koi", "cskoi8r", "koi8_r"]);
group("koi8-u", ["koi8-ru"]);
group("macintosh", ["macroman", "mac", "x-mac-roman", "csmacintosh"]);
group("x-mac-cyrillic", ["maccyrillic", "mac-cyrillic", "x-mac-ukrainian"]);

function textDecoderKnows(label: string): boolean {
  try {
    new TextDecoder(label);
    return true;
  } catch {
    return false;
  }
}

/**
 * The canonical decoder name for a charset label, or null when we cannot decode it
 * (a bogus label, EBCDIC, …). Labels are case-insensitive; quotes and spaces are ignored.
 */
export function normaliseCharset(label: string | null | undefined): string | null {
  if (!label) return null;
  const l = label
    .trim()
    .replace(/^["']|["']$/g, "")
    .trim()
    .toLowerCase();
  if (!l) return null;
  const known = ALIASES[l] ?? ALIASES[l.replace(/_/g, "-")];
  if (known) return known;
  for (const candidate of [l.replace(/_/g, "-"), l, l.replace(/[-_]/g, "")]) {
    if (textDecoderKnows(candidate)) return new TextDecoder(candidate).encoding;
  }
  return null;
}

/** True for the charsets whose bytes are not ASCII-compatible. */
export const isWideCharset = (charset: string): boolean => /^utf-(16|32)/.test(charset);

/** Decodes with a canonical name from `normaliseCharset`, dropping a leading BOM. */
export function decodeWith(bytes: Uint8Array, charset: string): string {
  const text = charset.startsWith("utf-32")
    ? decodeUtf32(bytes, charset === "utf-32be")
    : (charset === "utf-8" || charset === "windows-1252") && isAscii(bytes)
      ? // Pure ASCII reads the same in both (TextDecoder would drop no BOM: there is none).
        // Most documents are ASCII; this skips a decoder and, for windows-1252, a table lookup a byte.
        Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString("latin1")
      : charset === "windows-1252"
        ? decodeWindows1252(bytes)
        : decoder(charset).decode(bytes);
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** One decoder per charset: `decode()` without `stream` keeps no state between calls. */
const DECODERS = new Map<string, TextDecoder>();
function decoder(charset: string): TextDecoder {
  let d = DECODERS.get(charset);
  if (!d) {
    d = new TextDecoder(charset);
    DECODERS.set(charset, d);
  }
  return d;
}

// Node 20's TextDecoder takes a Latin-1 fast path for windows-1252 and turns 0x80–0x9F into C1
// controls instead of €, smart quotes and dashes; the commonest legacy charset gets its table here.
const CP1252_HIGH =
  "\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f" +
  "\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178";

function decodeWindows1252(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i += 8192) {
    const chunk = bytes.subarray(i, i + 8192);
    out += String.fromCharCode(
      ...Array.from(chunk, (b) => (b >= 0x80 && b < 0xa0 ? CP1252_HIGH.charCodeAt(b - 0x80) : b)),
    );
  }
  return out;
}

/** UTF-32 by hand: four bytes a code point; invalid ones become U+FFFD, a trailing fragment is dropped. */
function decodeUtf32(bytes: Uint8Array, bigEndian: boolean): string {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const parts: string[] = [];
  let chunk: number[] = [];
  for (let i = 0; i + 4 <= bytes.length; i += 4) {
    const cp = view.getUint32(i, !bigEndian);
    chunk.push(cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) ? 0xfffd : cp);
    if (chunk.length === 8192) {
      parts.push(String.fromCodePoint(...chunk));
      chunk = [];
    }
  }
  parts.push(String.fromCodePoint(...chunk));
  return parts.join("");
}

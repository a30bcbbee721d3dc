/**
 * Charset labels → the decoder we use. WHATWG-ish: the aliases browsers agree on map to the
 * superset browsers decode with (ISO-8859-1/US-ASCII → windows-1252, Shift_JIS → windows-31j,
 * GB2312 → GBK, EUC-KR → windows-949), because that is what mislabelled real feeds need.
 * Anything else is tried as an iconv-lite codec name (it knows the DOS and Mac code pages).
 */
import iconv from "iconv-lite";

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
group("windows-874", ["iso-8859-11", "iso8859-11", "iso885911", "tis-620", "dos-874"]);
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
group("cp861", ["cp_is"]);
group("maccenteuro", ["maccentraleurope", "maclatin2", "x-mac-ce", "x-mac-centraleurroman"]);
group("macintosh", ["macroman", "mac", "x-mac-roman", "csmacintosh"]);
group("maccyrillic", ["x-mac-cyrillic", "mac-cyrillic", "x-mac-ukrainian"]);

/** Decoders iconv-lite lacks but the runtime's TextDecoder (ICU) has. */
const TEXT_DECODER_ONLY = new Set(["iso-2022-jp"]);

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
    if (iconv.encodingExists(candidate)) return candidate;
  }
  return null;
}

/** True for the charsets whose bytes are not ASCII-compatible. */
export const isWideCharset = (charset: string): boolean => /^utf-(16|32)/.test(charset);

/** Decodes with a canonical name from `normaliseCharset`, dropping a leading BOM. */
export function decodeWith(bytes: Uint8Array, charset: string): string {
  const text = TEXT_DECODER_ONLY.has(charset)
    ? new TextDecoder(charset).decode(bytes)
    : iconv.decode(bytes, charset, { stripBOM: true });
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

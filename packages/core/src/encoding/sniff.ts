/**
 * Where a document says (or shows) its charset: byte order marks, the NUL pattern of
 * UTF-16/32 text, the HTTP Content-Type parameter, the XML declaration, HTML <meta>.
 * Each returns a raw label (or a canonical name for BOM/NUL patterns); `labels.ts` normalises.
 */
import { decodeWith } from "./labels.js";

/** The charset a byte order mark announces, with the mark's length. */
export function sniffBom(bytes: Uint8Array): { charset: string; length: number } | null {
  const [a, b, c, d] = bytes;
  if (a === 0xef && b === 0xbb && c === 0xbf) return { charset: "utf-8", length: 3 };
  // UTF-32LE's mark starts like UTF-16LE's: check it first.
  if (a === 0xff && b === 0xfe && c === 0 && d === 0) return { charset: "utf-32le", length: 4 };
  if (a === 0 && b === 0 && c === 0xfe && d === 0xff) return { charset: "utf-32be", length: 4 };
  if (a === 0xff && b === 0xfe) return { charset: "utf-16le", length: 2 };
  if (a === 0xfe && b === 0xff) return { charset: "utf-16be", length: 2 };
  return null;
}

/**
 * UTF-16/32 without a BOM, recognised by where the NULs sit around the first ASCII
 * characters (`<\0?\0` for an XML declaration, `{\0` for JSON): XML 1.0 Appendix F.
 */
export function sniffNulPattern(bytes: Uint8Array): string | null {
  if (bytes.length < 4) return null;
  const [a, b, c, d] = bytes as unknown as [number, number, number, number];
  if (a !== 0 && b === 0 && c === 0 && d === 0) return "utf-32le";
  if (a === 0 && b === 0 && c === 0 && d !== 0) return "utf-32be";
  if (a !== 0 && b === 0 && c !== 0 && d === 0) return "utf-16le";
  if (a === 0 && b !== 0 && c === 0 && d !== 0) return "utf-16be";
  return null;
}

/** The `charset` parameter of a Content-Type value (quoted or not), or null. */
export function charsetFromContentType(contentType: string | undefined): string | null {
  if (!contentType) return null;
  const m = /;\s*charset\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s;"']+))/i.exec(contentType);
  const label = m?.[1] ?? m?.[2] ?? m?.[3];
  return label?.trim() || null;
}

/** Latin-1 view of the first bytes: enough to read an ASCII-compatible declaration (read in place, not copied). */
const head = (bytes: Uint8Array, n: number): string =>
  Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(n, bytes.length)).toString("latin1");

/**
 * Whether the first bytes, after what `\s` matches in their Latin-1 reading (tab to CR, space,
 * NBSP), are `<?`: the only way the declarations read below can start.
 */
function startsWithInstruction(bytes: Uint8Array): boolean {
  let i = 0;
  for (; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (!((b >= 0x09 && b <= 0x0d) || b === 0x20 || b === 0xa0)) break;
  }
  return bytes[i] === 0x3c && bytes[i + 1] === 0x3f;
}

const XML_DECL = /^\s*<\?xml\s[^>]*?\bencoding\s*=\s*["']\s*([^"'\s]+)\s*["']/i;

/** The `encoding` of an XML declaration; `wide` decodes the head as UTF-16/32 first. */
export function xmlDeclaredCharset(bytes: Uint8Array, wide?: string): string | null {
  // Most feeds have no declaration or start with a comment: no need to read the head as text.
  if (!wide && !startsWithInstruction(bytes)) return null;
  const text = wide ? decodeWith(bytes.subarray(0, 1024), wide) : head(bytes, 1024);
  return XML_DECL.exec(text)?.[1] ?? null;
}

/**
 * `<meta charset>` or `<meta http-equiv="Content-Type" content="…; charset=…">` near the top of
 * an HTML page (browsers scan the first 1024 bytes; pages with long heads get 4 KiB here).
 */
export function htmlMetaCharset(bytes: Uint8Array): string | null {
  const text = head(bytes, 4096).replace(/<!--[\s\S]*?-->/g, "");
  for (const tag of text.match(/<meta\b[^>]*>/gi) ?? []) {
    const direct = /\bcharset\s*=\s*["']?\s*([^"'\s;/>]+)/i.exec(tag);
    if (direct?.[1]) return direct[1];
  }
  return null;
}

/** True when the head of the document is an XML declaration or a tag (not JSON, not text). */
export const looksLikeXml = (bytes: Uint8Array): boolean =>
  startsWithInstruction(bytes) && /^\s*<\?xml/i.test(head(bytes, 64));

/**
 * Control characters in text the editor types. Single-line fields (titles, subjects, headings,
 * names) end up in mail headers, `<title>` and one-line UI, so they refuse them; multi-line text
 * (intro, section bodies, comments, descriptions) has them stripped, since a stray one pasted
 * into a paragraph is noise, not intent.
 *
 * Refused / stripped: C0 controls (U+0000–U+001F) except tab and line feed, DEL, and the C1
 * controls (U+0080–U+009F). Line breaks (CR, LF, U+2028, U+2029) are refused on a single line;
 * multi-line text keeps them as LF.
 */

const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;
const CONTROLS = new RegExp(CONTROL.source, "g");
const LINE_BREAK = /[\n\r\u2028\u2029]/;
const LINE_BREAKS = /\r\n?|[\u2028\u2029]/g;

const codePoint = (ch: string) => `U+${ch.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}`;

/** Why `text` is not an acceptable single line (for a 400 naming the field), or undefined. */
export function singleLineProblem(text: string): string | undefined {
  if (LINE_BREAK.test(text)) return "must be a single line";
  const found = CONTROL.exec(text);
  if (found) return `must not contain control characters (${codePoint(found[0])} at ${found.index})`;
  return undefined;
}

/** Multi-line text with line breaks as LF and every other control character but tab removed. */
export function stripControls(text: string): string {
  return text.replace(LINE_BREAKS, "\n").replace(CONTROLS, "");
}

/**
 * Characters XML 1.0 forbids: C0 controls but tab, LF and CR; U+FFFE/U+FFFF; lone surrogates.
 * Text read from feeds, APIs and pages loses them before it is stored, because an item's text
 * ends up in `/feed.xml` and in mail, where one of them makes the whole document unreadable.
 */
const XML_FORBIDDEN =
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** `text` without the characters XML forbids (everything else, line breaks included, kept). */
export function stripXmlForbidden(text: string): string {
  return text.replace(XML_FORBIDDEN, "");
}

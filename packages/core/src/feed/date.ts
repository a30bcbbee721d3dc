/**
 * Feed dates, parsed strictly: each parser accepts one family of formats completely or returns
 * null, so a malformed date is dropped instead of being guessed (DESIGN.md data flow 3). The
 * families and their edge cases follow feedparser's date parsers (see date-cases.json in the
 * conformance corpus): W3C-DTF/RFC 3339, RFC 822/2822 with the obsolete zone names, asctime,
 * ISO 8601's compact and ordinal forms, and a few localised forms seen in real feeds.
 * Results are ISO-8601 UTC strings (`Date.prototype.toISOString`).
 */

/** Lookup tables without a prototype: "constructor" in a date is not a month or a zone. */
function dict<T>(entries: Record<string, T>): Record<string, T> {
  return Object.assign(Object.create(null), entries);
}

const MONTHS: Record<string, number> = dict({
  jan: 1,
  feb: 2,
  mar: 3,
  apr: 4,
  may: 5,
  jun: 6,
  jul: 7,
  aug: 8,
  sep: 9,
  oct: 10,
  nov: 11,
  dec: 12,
});

/** RFC 822 zones, the US ones without daylight suffix, and common abbreviations (minutes east). */
const ZONES: Record<string, number> = dict({
  ut: 0,
  utc: 0,
  gmt: 0,
  z: 0,
  "etc/gmt": 0,
  "etc/utc": 0,
  est: -300,
  edt: -240,
  cst: -360,
  cdt: -300,
  mst: -420,
  mdt: -360,
  pst: -480,
  pdt: -420,
  at: -240,
  ast: -240,
  adt: -180,
  et: -300,
  ct: -360,
  mt: -420,
  pt: -480,
  akst: -540,
  akdt: -480,
  hst: -600,
  nst: -210,
  ndt: -150,
  wet: 0,
  west: 60,
  bst: 60,
  cet: 60,
  cest: 120,
  met: 60,
  mest: 120,
  mez: 60,
  mesz: 120,
  eet: 120,
  eest: 180,
  msk: 180,
  ist: 330,
  sgt: 480,
  hkt: 480,
  awst: 480,
  jst: 540,
  kst: 540,
  acst: 570,
  acdt: 630,
  aest: 600,
  aedt: 660,
  nzst: 720,
  nzdt: 780,
});

/** Builds the instant, checking every field's range; offset in minutes east of UTC. */
function instant(
  year: number,
  month: number,
  day: number,
  hour = 0,
  minute = 0,
  second = 0,
  offsetMinutes = 0,
): string | null {
  if (!(month >= 1 && month <= 12)) return null;
  if (!(day >= 1 && day <= daysIn(year, month))) return null;
  if (!(hour >= 0 && hour <= 24 && minute >= 0 && minute <= 59 && second >= 0 && second <= 60)) return null;
  if (hour === 24 && (minute !== 0 || second !== 0)) return null;
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(hour, minute - offsetMinutes, Math.min(second, 59), 0);
  const t = d.getTime();
  return Number.isNaN(t) ? null : d.toISOString();
}

function daysIn(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** "+05:30", "-0800", "+05", "GMT-01:01", "EST", "Z" → minutes east; undefined if malformed. */
function parseZone(zone: string | undefined): number | undefined {
  if (zone === undefined || zone === "") return 0;
  const z = zone.trim().toLowerCase();
  const numeric = /^(?:gmt|utc|ut)?([+-])(\d{1,2})(?::?(\d{2}))?$/.exec(z);
  if (numeric) {
    const h = Number(numeric[2]);
    const m = Number(numeric[3] ?? 0);
    if (h > 23 || m > 59) return undefined;
    return (numeric[1] === "-" ? -1 : 1) * (h * 60 + m);
  }
  if (z in ZONES) return ZONES[z];
  // A military letter or an abbreviation we do not know: RFC 2822 says treat as UTC.
  if (/^[a-z]{1,5}$/.test(z)) return 0;
  return undefined;
}

/** Two-digit years: 00–49 → 20xx, 50–99 → 19xx (RFC 2822 §4.3). */
const fullYear = (y: string): number =>
  y.length <= 2 ? (Number(y) < 50 ? 2000 : 1900) + Number(y) : Number(y);

const TIME = "(\\d{1,2}):(\\d{2})(?::(\\d{2})(?:[.,]\\d+)?)?";

// ---- W3C-DTF / RFC 3339 ----

const W3CDTF =
  /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:[Tt ]\s*(\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?\s*(Z|z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?)?)?)?$/;

/** `2003-12-31T10:14:55Z`, `2003-12-31 10:14:55 -08:00`, `2003-12`, `2003`. No zone: UTC. */
export function parseW3cDtf(s: string): string | null {
  const m = W3CDTF.exec(s.trim());
  if (!m) return null;
  const offset = parseZone(m[8]);
  if (offset === undefined) return null;
  return instant(Number(m[1]), Number(m[2] ?? 1), Number(m[3] ?? 1), num(m[4]), num(m[5]), num(m[6]), offset);
}

const num = (s: string | undefined): number => (s === undefined ? 0 : Number(s));

// ---- RFC 822 / 2822 ----

const RFC822 = new RegExp(
  `^(?:[a-z]{2,9}\\.?,?\\s*)?(\\d{1,2})\\s+([a-z]{3,9})\\.?,?\\s+(\\d{2,4})(?:\\s+${TIME})?(?:\\s*(\\S+))?$`,
  "i",
);
/** JavaScript's Date#toString shape: `Thu Aug 30 2012 17:26:16 +0200`. */
const RFC822_MONTH_FIRST = new RegExp(
  `^[a-z]{2,9},?\\s+([a-z]{3,9})\\s+(\\d{1,2}),?\\s+(\\d{4})(?:\\s+${TIME})?(?:\\s*(\\S+?))?(?:\\s+\\([^)]*\\))?$`,
  "i",
);

/** `Thu, 01 Jan 2004 19:48:21 GMT`, with two-digit years, obsolete zones, no seconds or no time. */
export function parseRfc822(s: string): string | null {
  const t = s.trim();
  let m = RFC822.exec(t);
  let day: string;
  let mon: string;
  let rest: (string | undefined)[];
  if (m) {
    [, day = "", mon = "", ...rest] = m;
  } else {
    m = RFC822_MONTH_FIRST.exec(t);
    if (!m) return null;
    [, mon = "", day = "", ...rest] = m;
  }
  const [year = "", hh, mm, ss, zone] = rest;
  const month = MONTHS[mon.slice(0, 3).toLowerCase()];
  if (!month || (mon.length > 3 && !fullMonthName(mon))) return null;
  if (year.length === 3) return null;
  const offset = parseZone(zone);
  if (offset === undefined) return null;
  return instant(fullYear(year), month, Number(day), num(hh), num(mm), num(ss), offset);
}

const FULL_MONTHS = [
  "january",
  "february",
  "march",
  "april",
  "may",
  "june",
  "july",
  "august",
  "september",
  "october",
  "november",
  "december",
];
const fullMonthName = (s: string): boolean =>
  FULL_MONTHS.includes(s.toLowerCase()) || s.toLowerCase() === "sept";

// ---- asctime ----

const ASCTIME = new RegExp(
  `^[a-z]{3}\\s+([a-z]{3})\\s+(\\d{1,2})\\s+${TIME}(?:\\s+([+-]\\d{4}|[a-z]{1,5}))?\\s+(\\d{4})$`,
  "i",
);

/** `Sun Jan  4 16:29:06 2004`, `Sun Jul 15 01:16:00 +0000 2012`. */
export function parseAsctime(s: string): string | null {
  const m = ASCTIME.exec(s.trim());
  if (!m) return null;
  const month = MONTHS[(m[1] ?? "").toLowerCase()];
  const offset = parseZone(m[6]);
  if (!month || offset === undefined) return null;
  return instant(Number(m[7]), month, Number(m[2]), num(m[3]), num(m[4]), num(m[5]), offset);
}

// ---- Perforce ----

const PERFORCE = /^[a-z]{3},\s+(\d{4})\/(\d{1,2})\/(\d{1,2})\s+(\d{1,2}):(\d{2}):(\d{2})\s+([a-z]{1,5})$/i;

/** `Fri, 2006/09/15 08:19:53 EDT`. */
export function parsePerforce(s: string): string | null {
  const m = PERFORCE.exec(s.trim());
  if (!m) return null;
  const offset = parseZone(m[7]);
  if (offset === undefined) return null;
  return instant(Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]), offset);
}

// ---- ISO 8601 (compact, ordinal and two-digit-year forms) ----

const ISO_DATE_FORMS: { re: RegExp; parts: (m: RegExpExecArray) => [number, number, number] | null }[] = [
  // YYYY-MM-DD, YYYYMMDD, YYYY-0MM-DD
  { re: /^(\d{4})-?0?(\d{2})-?(\d{2})/, parts: (m) => [Number(m[1]), Number(m[2]), Number(m[3])] },
  // YYYY-DDD (ordinal)
  { re: /^(\d{4})-?(\d{3})/, parts: (m) => ordinal(Number(m[1]), Number(m[2])) },
  // YYYY-MM
  { re: /^(\d{4})-(\d{2})/, parts: (m) => [Number(m[1]), Number(m[2]), 1] },
  // YY-MM-DD, YYMMDD
  { re: /^(\d{2})-?(\d{2})-?(\d{2})/, parts: (m) => [century(m[1]), Number(m[2]), Number(m[3])] },
  // YY-DDD, YYDDD
  { re: /^(\d{2})-?(\d{3})/, parts: (m) => ordinal(century(m[1]), Number(m[2])) },
  // -YY-MM, -YYMM
  { re: /^-(\d{2})-?(\d{2})/, parts: (m) => [century(m[1]), Number(m[2]), 1] },
  // YYYY
  { re: /^(\d{4})/, parts: (m) => [Number(m[1]), 1, 1] },
];
const ISO_TIME = /^(?:T?(\d{2}):?(\d{2})(?::?(\d{2})(?:[.,]\d+)?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/;

/** Two-digit ISO years belong to the current century (feedparser's reading). */
const century = (yy: string | undefined): number =>
  Math.floor(new Date().getUTCFullYear() / 100) * 100 + Number(yy);

function ordinal(year: number, dayOfYear: number): [number, number, number] | null {
  if (dayOfYear < 1 || dayOfYear > (daysIn(year, 2) === 29 ? 366 : 365)) return null;
  const d = new Date(Date.UTC(2000, 0, 1));
  d.setUTCFullYear(year, 0, dayOfYear);
  return [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate()];
}

/** ISO 8601 beyond W3C-DTF: `031231`, `03-12-31`, `-0312`, `03335`, `2003-012-31T10:14:55+00:00`. */
export function parseIso8601(s: string): string | null {
  const t = s.trim();
  for (const form of ISO_DATE_FORMS) {
    const m = form.re.exec(t);
    if (!m) continue;
    const time = ISO_TIME.exec(t.slice(m[0].length));
    if (!time) continue;
    const ymd = form.parts(m);
    if (!ymd) return null;
    const offset = parseZone(time[4]);
    if (offset === undefined) return null;
    return instant(ymd[0], ymd[1], ymd[2], num(time[1]), num(time[2]), num(time[3]), offset);
  }
  return null;
}

// ---- localised forms ----

const GREEK_MONTHS: Record<string, string> = dict({
  Ιαν: "Jan",
  Φεβ: "Feb",
  Μάώ: "Mar",
  Μαώ: "Mar",
  Απρ: "Apr",
  Μάι: "May",
  Μαϊ: "May",
  Μαι: "May",
  Ιούν: "Jun",
  Ιον: "Jun",
  Ιούλ: "Jul",
  Ιολ: "Jul",
  Αύγ: "Aug",
  Αυγ: "Aug",
  Σεπ: "Sep",
  Οκτ: "Oct",
  Νοέ: "Nov",
  Νοε: "Nov",
  Δεκ: "Dec",
});
const GREEK_DAYS = new Set(["Κυρ", "Δευ", "Τρι", "Τετ", "Πεμ", "Παρ", "Σαβ"]);

/** `Κυρ, 11 Ιούλ 2004 12:00:00 EST`. */
export function parseGreek(s: string): string | null {
  const m = /^(\S+),\s+(\d{1,2})\s+(\S+)\s+(\d{2,4})\s+(\d{1,2}:\d{2}:\d{2})\s+(\S+)$/.exec(s.trim());
  if (!m || !GREEK_DAYS.has(m[1] ?? "")) return null;
  const month = GREEK_MONTHS[m[3] ?? ""];
  return month ? parseRfc822(`${m[2]} ${month} ${m[4]} ${m[5]} ${m[6]}`) : null;
}

const HUNGARIAN_MONTHS: Record<string, number> = dict({
  január: 1,
  február: 2,
  március: 3,
  április: 4,
  máujus: 5,
  május: 5,
  június: 6,
  július: 7,
  augusztus: 8,
  szeptember: 9,
  október: 10,
  november: 11,
  december: 12,
});

/** `2004-július-13T9:15-05:00`. */
export function parseHungarian(s: string): string | null {
  const m = /^(\d{4})-(\S+?)-(\d{1,2})T(\d{1,2}):(\d{2})((?:[+-])\d{1,2}:\d{2})$/.exec(s.trim());
  if (!m) return null;
  const month = HUNGARIAN_MONTHS[m[2] ?? ""];
  const offset = parseZone(m[6]);
  if (!month || offset === undefined) return null;
  return instant(Number(m[1]), month, Number(m[3]), Number(m[4]), Number(m[5]), 0, offset);
}

const KST = 9 * 60;

/** Nate (Korean): `2004-05-25 오후 11:23:17` (오전 a.m., 오후 p.m.), Korea time. */
export function parseNate(s: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})\s+(오전|오후)\s+(\d{1,2}):(\d{2}):(\d{2})$/.exec(s.trim());
  if (!m) return null;
  let hour = Number(m[5]);
  if (hour > 12) return null;
  if (m[4] === "오후" && hour < 12) hour += 12;
  if (m[4] === "오전" && hour === 12) hour = 0;
  return instant(Number(m[1]), Number(m[2]), Number(m[3]), hour, Number(m[6]), Number(m[7]), KST);
}

/** OnBlog (Korean): `2004년 05월 28일  01:31:15`, Korea time. */
export function parseOnBlog(s: string): string | null {
  const m = /^(\d{4})년\s*(\d{1,2})월\s*(\d{1,2})일\s+(\d{1,2}):(\d{2}):(\d{2})$/.exec(s.trim());
  if (!m) return null;
  return instant(Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]), KST);
}

const PARSERS = [
  parseW3cDtf,
  parseRfc822,
  parseAsctime,
  parsePerforce,
  parseIso8601,
  parseGreek,
  parseHungarian,
  parseNate,
  parseOnBlog,
];

/** The instant a feed date string means, as ISO-8601 UTC, or null when no format fits. */
export function parseDate(value: string | null | undefined): string | null {
  if (typeof value !== "string") return null;
  const s = value.replace(/\s+/g, " ").trim();
  if (!s || s.length > 64) return null;
  for (const parse of PARSERS) {
    const iso = parse(s);
    if (iso) return iso;
  }
  return null;
}

/**
 * An issue's date as readers see it: the day in the newsletter's time zone (`NEWSLETTER_TZ`), so a
 * Japanese issue sent on Monday 08:00 JST is dated Monday, not Sunday (UTC), written the way the
 * language writes dates ("2026年12月2日", "2 December 2026").
 */
import type { NewsletterLang } from "../../config.js";

export interface IssueDate {
  /** `YYYY-MM-DD` in the time zone: the `datetime` of `<time>`. */
  day: string;
  text: string;
}

const LOCALES: Record<NewsletterLang, string> = { en: "en-GB", ja: "ja-JP" };

export function issueDate(
  iso: string | null | undefined,
  lang: NewsletterLang = "en",
  timeZone = "UTC",
): IssueDate | null {
  if (!iso) return null;
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return null;
  const at = new Date(t);
  // en-CA writes ISO dates (YYYY-MM-DD) in any time zone.
  const day = new Intl.DateTimeFormat("en-CA", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).format(at);
  const text = new Intl.DateTimeFormat(LOCALES[lang], {
    timeZone,
    year: "numeric",
    month: "long",
    day: "numeric",
  }).format(at);
  return { day, text };
}

/** The day only (`YYYY-MM-DD`) in the time zone: the archive's list. */
export const dayIn = (iso: string, timeZone = "UTC"): string =>
  issueDate(iso, "en", timeZone)?.day ?? iso.slice(0, 10);

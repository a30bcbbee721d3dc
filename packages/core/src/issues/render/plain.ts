/** The mail's text part: the same content as the HTML, links as bare (tagged) URLs. */
import type { NewsletterLang } from "../../config.js";
import { readerText } from "../../i18n/readers.js";
import type { PreparedIssue } from "./prepare.js";

export interface PlainOptions {
  newsletterName: string;
  webUrl: string;
  unsubscribePlaceholder: string;
  archiveUrl?: string;
  subscribeUrl?: string;
  /** The footer's language (`NEWSLETTER_LANG`); English when unset. */
  lang?: NewsletterLang;
}

const underline = (s: string, ch: string) => `${s}\n${ch.repeat(Math.min(Math.max([...s].length, 3), 72))}`;

export function plainText(p: PreparedIssue, o: PlainOptions): string {
  const out: string[] = [p.date ? `${underline(p.title, "=")}\n${p.date.text}` : underline(p.title, "=")];
  if (p.introText) out.push(p.introText);
  for (const s of p.sections) {
    out.push(underline(s.heading.toUpperCase(), "-"));
    if (s.bodyText) out.push(s.bodyText);
    for (const c of s.cards) {
      const lines = [`* ${c.title} — ${c.domain}`, `  ${c.href}`];
      if (c.facts.length) lines.push(`  ${c.facts.join(" · ")}`);
      if (c.description) lines.push(`  ${c.description}`);
      const card = lines.join("\n");
      out.push(c.commentText ? `${card}\n\n${c.commentText.replace(/^(?=.)/gm, "  ")}` : card);
    }
  }
  const t = readerText(o.lang);
  out.push(
    [
      "--",
      t("footerReason", { name: o.newsletterName }),
      t("footerWebVersionLine", { url: o.webUrl }),
      t("footerUnsubscribeLine", { url: o.unsubscribePlaceholder }),
      ...(o.archiveUrl ? [t("footerArchiveLine", { url: o.archiveUrl })] : []),
      ...(o.subscribeUrl ? [t("footerSubscribeLine", { url: o.subscribeUrl })] : []),
    ].join("\n"),
  );
  return `${out.join("\n\n")}\n`;
}

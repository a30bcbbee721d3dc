/**
 * The double opt-in mail: short, both parts, one link, in the newsletter's language
 * (`NEWSLETTER_LANG`). Everything put into the HTML is escaped (the newsletter name comes from
 * configuration, the link carries a token).
 */
import { escapeUTF8 } from "entities/escape";
import type { Config } from "../config.js";
import { readerText } from "../i18n/readers.js";
import { FONT } from "../issues/render/style.js";
import { TOKEN_TTL_SECONDS } from "../subscribers/tokens.js";

export interface MailContent {
  subject: string;
  html: string;
  text: string;
}

/** The mail for `link`, a confirm link from `confirmLink`; English unless `newsletterLang` says otherwise. */
export function confirmationMail(
  config: Pick<Config, "newsletterName"> & Partial<Pick<Config, "newsletterLang">>,
  link: string,
): MailContent {
  const lang = config.newsletterLang ?? "en";
  const t = readerText(lang);
  const name = config.newsletterName;
  const days = Math.round(TOKEN_TTL_SECONDS.confirm / 86_400);
  const subject = t("confirmSubject", { name });
  const ask = t("confirmAsk", { name });
  const validity = t("confirmValidity", { days });
  const text = [ask, "", link, "", validity, ""].join("\r\n");
  const href = escapeUTF8(link);
  const html = `<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><title>${escapeUTF8(subject)}</title></head>
<body style="margin:0;padding:24px;font-family:${FONT};color:#222;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="max-width:600px;margin:0 auto;">
<tr><td>
<p style="font-size:16px;line-height:1.6;">${escapeUTF8(ask)}</p>
<p style="margin:24px 0;"><a href="${href}" style="background:#0369a1;color:#fff;padding:12px 20px;border-radius:4px;text-decoration:none;font-weight:bold;">${escapeUTF8(t("confirmButton"))}</a></p>
<p style="font-size:13px;line-height:1.6;color:#666;">${escapeUTF8(t("confirmOrOpen"))} <a href="${href}" style="color:#666;">${href}</a><br>
${escapeUTF8(validity)}</p>
</td></tr>
</table>
</body></html>
`;
  return { subject, html, text };
}

/**
 * The double opt-in mail: short, both parts, one link. Everything put into the HTML is escaped
 * (the newsletter name comes from configuration, the link carries a token).
 */
import { escapeUTF8 } from "entities/escape";
import type { Config } from "../config.js";
import { TOKEN_TTL_SECONDS } from "./tokens.js";

export interface MailContent {
  subject: string;
  html: string;
  text: string;
}

/** The mail for `link`, a confirm link from `confirmLink`. */
export function confirmationMail(config: Pick<Config, "newsletterName">, link: string): MailContent {
  const name = config.newsletterName;
  const days = Math.round(TOKEN_TTL_SECONDS.confirm / 86_400);
  const subject = `Confirm your subscription to ${name}`;
  const text = [
    `Please confirm that you want to receive ${name}:`,
    "",
    link,
    "",
    `The link works for ${days} days. If you did not ask for this, ignore this mail: nothing will be sent to you.`,
    "",
  ].join("\r\n");
  const n = escapeUTF8(name);
  const href = escapeUTF8(link);
  const html = `<!doctype html>
<html><head><meta charset="utf-8"><title>${escapeUTF8(subject)}</title></head>
<body style="margin:0;padding:24px;font-family:Arial,Helvetica,sans-serif;color:#222;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="max-width:600px;margin:0 auto;">
<tr><td>
<p style="font-size:16px;line-height:1.5;">Please confirm that you want to receive <strong>${n}</strong>.</p>
<p style="margin:24px 0;"><a href="${href}" style="background:#20beff;color:#fff;padding:12px 20px;border-radius:4px;text-decoration:none;font-weight:bold;">Confirm my subscription</a></p>
<p style="font-size:13px;line-height:1.5;color:#666;">Or open this link: <a href="${href}" style="color:#666;">${href}</a><br>
It works for ${days} days. If you did not ask for this, ignore this mail: nothing will be sent to you.</p>
</td></tr>
</table>
</body></html>
`;
  return { subject, html, text };
}

/**
 * Inline styles of the rendered issue. Mail clients ignore or strip `<style>` (Gmail keeps only
 * some of it, Outlook renders with Word), so every element carries its own.
 */
export const FONT =
  "-apple-system,BlinkMacSystemFont,'Segoe UI','Hiragino Sans','Hiragino Kaku Gothic ProN','Yu Gothic',Meiryo,'Noto Sans CJK JP',Helvetica,Arial,sans-serif";

/**
 * Long words and URLs wrap instead of widening the mail: `overflow-wrap:anywhere` where
 * supported (Apple Mail, iOS, Gmail; caniemail `css-overflow-wrap`), `word-break:break-word`
 * for the WebKit/Blink clients that predate it (caniemail `css-word-break`).
 */
export const BREAK = "word-break:break-word;overflow-wrap:anywhere;";

const text = `font-size:15px;line-height:24px;color:#1f2937;${BREAK}`;

export const STYLE = {
  link: "color:#1d4ed8;text-decoration:underline;",
  /** The tags markdown may produce (markdown.ts). */
  prose: {
    p: `margin:0 0 12px 0;${text}`,
    ul: `margin:0 0 12px 0;padding:0 0 0 22px;${text}`,
    ol: `margin:0 0 12px 0;padding:0 0 0 22px;${text}`,
    li: `margin:0 0 4px 0;${text}`,
    blockquote: `margin:0 0 12px 0;padding:0 0 0 12px;border-left:3px solid #d1d5db;color:#4b5563;`,
    code: "font-family:Menlo,Consolas,monospace;font-size:13px;background-color:#f3f4f6;",
    pre: "margin:0 0 12px 0;padding:8px;background-color:#f3f4f6;white-space:pre-wrap;font-family:Menlo,Consolas,monospace;font-size:13px;line-height:19px;",
    hr: "border:0;border-top:1px solid #e5e7eb;margin:16px 0;",
  },
  page: "margin:0;padding:0;background-color:#f3f4f6;",
  outer: "background-color:#f3f4f6;",
  outerCell: "padding:24px 12px;",
  container: "width:100%;max-width:600px;background-color:#ffffff;border-collapse:collapse;",
  cell: `padding:0 32px;font-family:${FONT};`,
  title: `margin:0;padding:28px 0 12px 0;font-family:${FONT};font-size:26px;line-height:34px;font-weight:bold;color:#111827;`,
  underTitle: `padding:0 32px 8px 32px;font-family:${FONT};font-size:13px;line-height:20px;color:#6b7280;`,
  intro: `padding:8px 32px 4px 32px;font-family:${FONT};`,
  heading: `margin:0;padding:24px 0 10px 0;font-family:${FONT};font-size:20px;line-height:28px;font-weight:bold;color:#111827;border-bottom:2px solid #111827;`,
  body: `padding:12px 32px 0 32px;font-family:${FONT};`,
  card: `padding:16px 32px;font-family:${FONT};border-bottom:1px solid #e5e7eb;font-size:0;${BREAK}`,
  cardTitle: `${BREAK}font-size:17px;line-height:24px;font-weight:bold;color:#1d4ed8;text-decoration:none;`,
  cardDomain: "font-size:13px;line-height:20px;color:#6b7280;",
  cardDomainLink: "color:#6b7280;text-decoration:none;",
  cardFacts: "margin:4px 0 0 0;font-size:13px;line-height:20px;color:#92400e;",
  cardDescription: `margin:8px 0 0 0;font-size:14px;line-height:21px;color:#4b5563;${BREAK}`,
  cardComment: "padding:10px 0 0 0;font-size:15px;",
  /**
   * Beside the thumbnail: at most 512 - 156 px (a 600 px window leaves 512 inside the outer and
   * card padding), so the two sit side by side from 600 px up; the whole width once it wraps below.
   */
  cardText: `display:inline-block;vertical-align:top;width:100%;max-width:356px;font-size:15px;${BREAK}`,
  cardTextFull: `display:block;font-size:15px;${BREAK}`,
  thumbCell: "display:inline-block;vertical-align:top;width:140px;padding:0 16px 8px 0;",
  thumb: "display:block;width:140px;height:140px;object-fit:cover;border:0;border-radius:4px;",
  footer: `padding:24px 32px 32px 32px;font-family:${FONT};font-size:12px;line-height:18px;color:#6b7280;`,
  footerLink: "color:#6b7280;text-decoration:underline;",
  preheader:
    "display:none;font-size:1px;line-height:1px;max-height:0;max-width:0;opacity:0;overflow:hidden;mso-hide:all;",
} as const;

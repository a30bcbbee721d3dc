/**
 * The small public HTML pages (subscribe, confirm, unsubscribe): one layout, every value
 * escaped by hono/html's `html` template (the only raw HTML is the layout itself).
 */
import { html } from "hono/html";

export interface PageOptions {
  /** The newsletter's name, shown above the heading and in the title. */
  site: string;
  heading: string;
  paragraphs?: string[];
  /** A form posting to `action` with one button (and hidden fields). */
  form?: { action: string; button: string; fields?: Record<string, string> };
}

export function renderPage(p: PageOptions): string {
  const fields = Object.entries(p.form?.fields ?? {});
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${p.heading} · ${p.site}</title>
<style>
body{margin:0;padding:48px 16px;font-family:system-ui,-apple-system,"Segoe UI",Arial,sans-serif;color:#222;background:#f5f7f8}
main{max-width:520px;margin:0 auto;background:#fff;border-radius:8px;padding:32px;box-shadow:0 1px 3px rgba(0,0,0,.08)}
.site{color:#20beff;font-weight:700;margin:0 0 8px}
h1{font-size:1.5rem;margin:0 0 16px}
p{line-height:1.5}
button{background:#20beff;color:#fff;border:0;border-radius:4px;padding:12px 20px;font-size:1rem;font-weight:700;cursor:pointer}
</style>
</head>
<body>
<main>
<p class="site">${p.site}</p>
<h1>${p.heading}</h1>
${(p.paragraphs ?? []).map((t) => html`<p>${t}</p>\n`)}${
  p.form
    ? html`<form method="post" action="${p.form.action}">
${fields.map(([k, v]) => html`<input type="hidden" name="${k}" value="${v}">\n`)}<button type="submit">${p.form.button}</button>
</form>
`
    : ""
}</main>
</body>
</html>
`.toString();
}

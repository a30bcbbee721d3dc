/**
 * The small public HTML pages (subscribe, confirm, unsubscribe) in the archive's shell and
 * stylesheet (core's render/page.ts): `lang` set, every value escaped, no script. Texts come from
 * the readers' dictionary (core/i18n/readers.ts) in the caller.
 */
import type { NewsletterLang } from "@wkn/core/config";
import type { ReaderText } from "@wkn/core/i18n/readers";
import { escapeHtml as e } from "@wkn/core/issues/render/escape";
import { pageShell, subscribeForm } from "@wkn/core/issues/render/page";

export interface PageOptions {
  lang: NewsletterLang;
  /** The newsletter's name, shown above the heading (a link to the archive) and in the title. */
  site: string;
  heading: string;
  paragraphs?: string[];
  /** Small print after the paragraphs. */
  note?: string;
  /** A form posting to `action` with one button (and hidden fields). */
  form?: { action: string; button: string; fields?: Record<string, string> };
  /** The subscribe form, its field filled with `value`. */
  subscribe?: { t: ReaderText; value?: string };
  /** Links after everything else, e.g. to the archive. */
  links?: { href: string; text: string }[];
}

export function renderPage(p: PageOptions): string {
  const body = [
    '<main class="box">',
    `<p class="site"><a href="/issues">${e(p.site)}</a></p>`,
    `<h1>${e(p.heading)}</h1>`,
    ...(p.paragraphs ?? []).map((t) => `<p>${e(t)}</p>`),
    p.subscribe ? subscribeForm(p.subscribe.t, p.subscribe.value) : "",
    p.form
      ? [
          `<form method="post" action="${e(p.form.action)}">`,
          ...Object.entries(p.form.fields ?? {}).map(
            ([k, v]) => `<input type="hidden" name="${e(k)}" value="${e(v)}">`,
          ),
          `<button type="submit">${e(p.form.button)}</button>`,
          "</form>",
        ].join("\n")
      : "",
    p.note ? `<p class="note">${e(p.note)}</p>` : "",
    ...(p.links ?? []).map((l) => `<p><a href="${e(l.href)}">${e(l.text)}</a></p>`),
    "</main>",
  ];
  return pageShell({
    lang: p.lang,
    title: `${p.heading} · ${p.site}`,
    head: ['<meta name="robots" content="noindex">'],
    body: body.filter(Boolean).join("\n"),
  });
}

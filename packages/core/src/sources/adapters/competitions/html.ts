/**
 * A small element tree of an HTML listing, built with the project's bounded htmlparser2
 * (parse/markup.ts), and the few lookups the listing adapters need. Pages are read by their
 * elements and classes, never by regular expressions over the markup.
 */

import { parseMarkup } from "../../../parse/markup.js";
import { collapseWhitespace } from "../../../text/index.js";

export interface El {
  name: string;
  attribs: Record<string, string>;
  children: (El | string)[];
}

/** The document as a tree under a synthetic root (entities decoded, implied closes applied). */
export function parseHtmlTree(html: string): El {
  const root: El = { name: "#root", attribs: {}, children: [] };
  const stack: El[] = [root];
  parseMarkup(html, {
    onopentag(name, attribs) {
      const el: El = { name, attribs, children: [] };
      stack.at(-1)!.children.push(el);
      stack.push(el);
    },
    ontext(text) {
      stack.at(-1)!.children.push(text);
    },
    onclosetag() {
      if (stack.length > 1) stack.pop();
    },
  });
  return root;
}

export const hasClass = (el: El, cls: string): boolean => (el.attribs.class ?? "").split(/\s+/).includes(cls);

/** Every element under `el` (depth first, document order) that `match` accepts. */
export function findAll(el: El, match: (e: El) => boolean): El[] {
  const out: El[] = [];
  const walk = (e: El) => {
    for (const c of e.children) {
      if (typeof c === "string") continue;
      if (match(c)) out.push(c);
      walk(c);
    }
  };
  walk(el);
  return out;
}

export const find = (el: El, match: (e: El) => boolean): El | undefined => findAll(el, match)[0];

/** The text of an element, whitespace collapsed. */
export function textOf(el: El | undefined): string {
  if (!el) return "";
  const parts: string[] = [];
  const walk = (e: El) => {
    for (const c of e.children) typeof c === "string" ? parts.push(c) : walk(c);
  };
  walk(el);
  return collapseWhitespace(parts.join(""));
}

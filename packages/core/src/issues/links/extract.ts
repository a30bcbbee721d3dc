/**
 * The links of an issue, each with its place: every item's URL, and the http(s) links the editor
 * wrote in the intro, the section bodies and the item comments (found by rendering that markdown
 * as the mail does, so exactly the links readers get are checked).
 */
import { Parser } from "htmlparser2";
import type { IssueSection } from "../../model/index.js";
import { renderBlock, renderComment } from "../render/markdown.js";

export interface IssueLink {
  url: string;
  /** The item whose URL or comment holds it; null in the intro and section bodies. */
  itemId: string | null;
  /** Where the editor finds it: `intro`, `sections.0.body`, `sections.0.itemIds.1`. */
  place: string;
}

/** What an issue's links come from: its text, and its items (or their frozen cards). */
export interface LinkSource {
  intro: string;
  sections: IssueSection[];
  cards: ReadonlyMap<string, { url: string; comment?: string | null }>;
}

/** The href of every link in sanitised HTML (entities decoded by the parser). */
function hrefsOf(html: string): string[] {
  const hrefs: string[] = [];
  const parser = new Parser({
    onopentag(name, attribs) {
      if (name === "a" && attribs.href) hrefs.push(attribs.href);
    },
  });
  parser.end(html);
  return hrefs;
}

/** Each (URL, item) once, in reading order: intro, then each section's body and items. */
export function issueLinks(src: LinkSource): IssueLink[] {
  const out: IssueLink[] = [];
  const seen = new Set<string>();
  const add = (url: string, itemId: string | null, place: string) => {
    const key = `${itemId ?? ""} ${url}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ url, itemId, place });
  };
  for (const href of hrefsOf(renderBlock(src.intro, null))) add(href, null, "intro");
  for (const [i, s] of src.sections.entries()) {
    for (const href of hrefsOf(renderBlock(s.body, null))) add(href, null, `sections.${i}.body`);
    for (const [j, id] of s.itemIds.entries()) {
      const card = src.cards.get(id);
      if (!card) continue;
      const place = `sections.${i}.itemIds.${j}`;
      add(card.url, id, place);
      for (const href of hrefsOf(renderComment(card.comment, null))) add(href, id, place);
    }
  }
  return out;
}

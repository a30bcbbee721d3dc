/**
 * What an issue shows for one item: the fields of its card, taken from the item when the issue
 * is rendered as a draft and frozen on the issue when it goes out (snapshot.ts).
 */

import { isMediaKey } from "../media/store.js";
import type { IssueCard, Item } from "../model/index.js";

export type { IssueCard } from "../model/index.js";

import { collapseWhitespace, shortDescription } from "../text/index.js";
import { domainOf } from "../url/canonical.js";

/** Caps that keep a 100-item snapshot well inside DynamoDB's 400 KB item limit. */
export const CARD_LIMITS = { title: 500, description: 1000, url: 2048 } as const;

const clip = (s: string, max: number): string => (s.length <= max ? s : `${s.slice(0, max - 1).trimEnd()}…`);

const text = (s: string | null | undefined, max: number): string | null => {
  if (typeof s !== "string") return null;
  const t = collapseWhitespace(s);
  return t ? clip(t, max) : null;
};

export function cardOf(item: Item): IssueCard {
  const card: IssueCard = {
    id: item.id,
    title: text(item.title, CARD_LIMITS.title) ?? item.url,
    url: item.url,
    domain: item.domain || domainOf(item.url),
    // The editor's description as written; any other (items stored before descriptions were
    // shortened) cut like a new one.
    description:
      item.descriptionSource === "editor"
        ? text(item.description, CARD_LIMITS.description)
        : item.description?.trim()
          ? shortDescription(item.description)
          : null,
    imageUrl: item.imageUrl && item.imageUrl.length <= CARD_LIMITS.url ? item.imageUrl : null,
    thumbnail: item.thumbnail && isMediaKey(item.thumbnail) ? item.thumbnail : null,
    comment: item.comment?.trim() ? item.comment.trim() : null,
    kind: item.kind,
    siteName: item.siteName ?? null,
  };
  if (item.kind === "release") {
    if (item.tag) card.tag = item.tag;
    if (item.prerelease) card.prerelease = true;
  }
  if (item.kind === "competition") {
    card.deadline = item.deadline ?? null;
    card.reward = item.reward ?? null;
    card.category = item.category ?? null;
  }
  return card;
}

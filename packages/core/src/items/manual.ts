/**
 * Adding a link by hand (`POST /api/items`): the editor pastes a URL they want in the issue.
 *
 * - The item id is the hash of the canonical URL, so a link the pollers already found is that
 *   item: it is returned (200) instead of a duplicate. A comment or section given fills the
 *   existing item's only when it has none, and a still-undecided (`new`) item becomes `selected`;
 *   an editor's earlier decision (selected, rejected, used) and text are never overwritten.
 * - A new link is unfurled before answering (bounded by the unfurl timeout) and stored as kind
 *   "link", status "selected" (the editor added it on purpose), `publishedAt` null so it sorts
 *   by when it was added. A page that cannot be fetched still gives an item: title = URL, the
 *   failure in `unfurlError`.
 * - A literal non-public address (127.0.0.1, 10.x, [::1], 169.254.169.254, localhost) is a 400:
 *   it can never be fetched (unless ALLOW_PRIVATE_NETWORK), and storing it helps nobody. A host
 *   name that resolves to one is only known at fetch time: stored, with the fetcher's refusal noted.
 */

import type { Ctx } from "../context.js";
import { ConflictError, ValidationError } from "../errors.js";
import { literalHostRefusal } from "../fetch/guard.js";
import type { Item } from "../model/index.js";
import type { ItemPatch } from "../store/items.js";
import { shortDescription } from "../text/index.js";
import { canonicalUrl, domainOf, urlHash } from "../url/canonical.js";
import { checkHttpUrl } from "../url/check.js";
import { checkItemEdit } from "./edit.js";
import type { PageMetadata } from "./metadata.js";
import { scoreOf } from "./score.js";
import { describeUnfurlFailure, fetchPageMetadata } from "./unfurl.js";

export interface NewLink {
  url: string;
  comment?: string | null;
  section?: string | null;
}

export interface AddedLink {
  item: Item;
  /** False when the canonical URL was already an item (HTTP 200 rather than 201). */
  created: boolean;
}

export async function addLink(ctx: Ctx, input: NewLink): Promise<AddedLink> {
  const url = checkHttpUrl(input.url, "url");
  const refused = literalHostRefusal(new URL(url), { allowPrivateNetwork: ctx.config.allowPrivateNetwork });
  if (refused) throw new ValidationError("url", `must be a public internet address, not ${refused}`);
  const { comment, section } = checkItemEdit({ comment: input.comment, section: input.section });
  const canonical = canonicalUrl(url);
  const id = urlHash(url);

  const existing = await ctx.store.items.get(id);
  if (existing) return { item: await adoptExisting(ctx, existing, comment, section), created: false };

  let meta: PageMetadata | null = null;
  let unfurlError: string | null = null;
  try {
    meta = await fetchPageMetadata(ctx, url);
  } catch (err) {
    const described = describeUnfurlFailure(err);
    if (described === undefined) throw err;
    unfurlError = described;
  }
  const now = ctx.now().toISOString();
  const item: Item = {
    id,
    url,
    canonicalUrl: canonical,
    title: meta?.title ?? url,
    ...(meta?.description
      ? {
          description: shortDescription(meta.description),
          descriptionSource: "page" as const,
          fullText: meta.description,
        }
      : { description: null }),
    imageUrl: meta?.imageUrl ?? null,
    siteName: meta?.siteName ?? null,
    domain: domainOf(url),
    kind: "link",
    sourceIds: [],
    author: null,
    publishedAt: null,
    discoveredAt: now,
    status: "selected",
    selectedAt: now,
    comment: comment ?? null,
    section: section ?? null,
    unfurledAt: now,
    unfurlError,
  };
  // Scored like a candidate from a neutral source, so the link has its place in the ranked
  // listings (and in the counts read from them).
  Object.assign(item, scoreOf(item, { learned: 0, editor: 0 }, ctx.now()));
  if (await ctx.store.items.createIfAbsent(item)) {
    ctx.log.info("link added", { itemId: id, unfurlError });
    // Its picture is hosted by the unfurl job (the image library is not in the API).
    if (item.imageUrl) await ctx.jobs.enqueue("unfurl", { itemId: id });
    return { item, created: true };
  }
  // Added by someone else between our read and write (a poll, a second click).
  const raced = await ctx.store.items.get(id);
  if (!raced) throw new ConflictError(`item ${id} changed while it was being added; try again`);
  return { item: await adoptExisting(ctx, raced, comment, section), created: false };
}

/** Applies the editor's intent to an item that already exists, without overwriting decisions. */
async function adoptExisting(
  ctx: Ctx,
  found: Item,
  comment: string | null | undefined,
  section: string | null | undefined,
): Promise<Item> {
  let current: Item | undefined = found;
  for (let attempt = 0; attempt < 5 && current; attempt++) {
    const patch: ItemPatch = {};
    const expect: (keyof Item)[] = [];
    if (comment && !current.comment) {
      patch.comment = comment;
      expect.push("comment");
    }
    if (section && !current.section) {
      patch.section = section;
      expect.push("section");
    }
    if (current.status === "new") {
      patch.status = "selected";
      patch.selectedAt = ctx.now().toISOString();
    }
    if (Object.keys(patch).length === 0) return current;
    const updated = await ctx.store.items.update(current, patch, expect);
    if (updated) return updated;
    current = await ctx.store.items.get(found.id);
  }
  if (!current) throw new ConflictError(`item ${found.id} was removed while it was being added; try again`);
  return current;
}

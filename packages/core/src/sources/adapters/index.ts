/**
 * The adapter of each source kind. A poll runs one source, so one adapter: all but the feeds'
 * are loaded on their kind's first poll (a chunk of their own in the Lambda bundles), so a poll
 * of a feed never loads GitHub's markdown renderer, Kaggle's client or the competition
 * platforms' scrapers. (The feed adapter itself loads the feed parser only for a feed that changed.)
 */
import type { SourceKind } from "../../model/index.js";
import { loadOnce } from "../../util/load-once.js";
import { feedAdapter } from "./feed.js";
import type { SourceAdapter } from "./types.js";

/** An adapter whose module is imported on its first poll, and kept from then on. */
const lazy = (load: () => Promise<SourceAdapter>): SourceAdapter => {
  const adapter = loadOnce(load);
  return { poll: async (ctx, source) => (await adapter()).poll(ctx, source) };
};

export const adapters: Record<SourceKind, SourceAdapter> = {
  feed: feedAdapter,
  github: lazy(async () => (await import("./github.js")).githubAdapter),
  kaggle: lazy(async () => (await import("./kaggle.js")).kaggleAdapter),
  competitions: lazy(async () => (await import("./competitions/index.js")).competitionsAdapter),
};

export type { AdapterResult, Candidate, SourceAdapter, Validators } from "./types.js";
export { SourceError } from "./types.js";

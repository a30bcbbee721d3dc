/** The adapter of each source kind. */
import type { SourceKind } from "../../model/index.js";
import { competitionsAdapter } from "./competitions/index.js";
import { feedAdapter } from "./feed.js";
import { githubAdapter } from "./github.js";
import { kaggleAdapter } from "./kaggle.js";
import type { SourceAdapter } from "./types.js";

export const adapters: Record<SourceKind, SourceAdapter> = {
  feed: feedAdapter,
  github: githubAdapter,
  kaggle: kaggleAdapter,
  competitions: competitionsAdapter,
};

export type { AdapterResult, Candidate, SourceAdapter, Validators } from "./types.js";
export { SourceError } from "./types.js";

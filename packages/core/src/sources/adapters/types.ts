/**
 * The one interface behind every kind of source (feed, github, kaggle): poll the remote end with
 * the stored validators and hand back candidates in one shape. Nothing downstream sees formats
 * or API responses; storing candidates is `items/candidates.ts`'s job.
 */
import type { Ctx } from "../../context.js";
import type { RedirectHop } from "../../fetch/index.js";
import type { Candidate } from "../../model/index.js";
import type { SourceRecord } from "../../store/sources.js";

export type { Candidate, CompetitionFact } from "../../model/index.js";

/** Conditional-GET validators to store for the next poll. */
export interface Validators {
  etag?: string;
  lastModified?: string;
}

/** What every answer may add: the redirects the fetch followed (a permanent one moves a feed, sources/redirect.ts). */
interface Answered {
  redirectChain?: RedirectHop[];
}

export type AdapterResult =
  | ({ notModified: true; validators: Validators; maxAgeSeconds?: number } & Answered)
  | ({
      notModified: false;
      entries: Candidate[];
      validators: Validators;
      maxAgeSeconds?: number;
      /** Entries left out because they had no usable link. */
      skipped: number;
      /** The document's own title (a feed's), which names a source the editor did not name. */
      title?: string | null;
      /** Only when no entry was found: how many items the document seems to hold all the same (a warning). */
      unreadItems?: number;
    } & Answered);

export interface SourceAdapter {
  poll(ctx: Ctx, source: SourceRecord): Promise<AdapterResult>;
}

/**
 * A source's own failure that is neither a fetch nor a parse error (missing credentials, an API
 * answering something unexpected). Its message is shown to the editor as the source's `lastError`.
 */
export class SourceError extends Error {
  override name = "SourceError";
}

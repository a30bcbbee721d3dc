/** What each competition platform's reader provides to the `competitions` source kind (index.ts). */
import type { Ctx } from "../../../context.js";
import { seenKey } from "../../../items/candidates.js";
import { urlHash } from "../../../url/canonical.js";
import type { Candidate } from "../types.js";

export interface PlatformRead {
  entries: Candidate[];
  /** Entries left out because they named no usable page. */
  skipped: number;
}

export interface Platform {
  /** The platform as readers know it (the items' `platform` and site name). */
  name: string;
  /** The listing a source reads unless it is given another `url`. */
  defaultUrl: string;
  /** Reads the open competitions at `url`; `known` says whether the source stored a page already (paging stops there). */
  read(ctx: Ctx, url: string, known: (pageUrl: string) => boolean): Promise<PlatformRead>;
}

/** Whether the source's seen memory holds the item of `url` (as the store will key it). */
export function knownIn(seen: readonly string[] | null | undefined): (url: string) => boolean {
  const set = new Set(seen ?? []);
  return (url) => {
    try {
      return set.has(seenKey(urlHash(url)));
    } catch {
      return false;
    }
  };
}

/**
 * What a poll that read a document says about it: nothing (clean), a warning the editor sees on
 * the source (`lastWarning`), or a failure when nothing at all could be read from it. Messages
 * give the count, the reason and what to do.
 */

export interface ReadCounts {
  /** Entries the document yielded (usable or not). */
  found: number;
  /** Of those, entries that could not become an item (no usable http(s) link). */
  skipped: number;
  /** When none was found: items the document seems to hold all the same. */
  unreadItems?: number;
}

export type Health = { failure: string } | { warning: string | null };

const entries = (n: number) => (n === 1 ? "1 entry" : `${n} entries`);

export function pollHealth({ found, skipped, unreadItems = 0 }: ReadCounts): Health {
  if (found > 0 && skipped >= found) {
    return {
      failure:
        `None of the ${entries(found)} could be read: none has a usable link (an http or https address). ` +
        "Nothing was stored; check that the address is the feed you meant, or tell its publisher.",
    };
  }
  if (skipped > 0) {
    return {
      warning:
        `Skipped ${skipped} of ${entries(found)}: no usable link (an http or https address). ` +
        "The others were stored; if the skipped ones matter, check the feed in a validator or tell its publisher.",
    };
  }
  if (found === 0 && unreadItems > 0) {
    return {
      warning:
        `No entry could be read, though the document has ${unreadItems} item${unreadItems === 1 ? "" : "s"} ` +
        "(<item> or <entry> elements) in a form the reader does not recognise. " +
        "Check the feed in a validator (validator.w3.org/feed) or tell its publisher.",
    };
  }
  return { warning: null };
}

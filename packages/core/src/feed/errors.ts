/**
 * A document that is not a feed we can read (an HTML page, an empty body, garbage, JSON that is
 * not a JSON Feed). The message says what was found; polling records it on the source.
 */
export class FeedError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "FeedError";
  }
}

/**
 * Hostile documents for the parse-bound tests and `scripts/bench/parse-hostile.ts`: each nests
 * far past PARSE_LIMITS.maxDepth, the shapes an outside probe used against the pipeline.
 */

/** An RSS feed whose channel holds `depth` nested elements (7 bytes a level: 200k ≈ 1.4 MB). */
export const deepFeed = (depth: number): string =>
  `<?xml version="1.0"?><rss version="2.0"><channel><title>Deep</title>` +
  "<x>".repeat(depth) +
  "</x>".repeat(depth) +
  "</channel></rss>";

/** An entry title nested `depth` deep as XML elements (`<title><b><b>…`). */
export const deepTitleFeed = (depth: number): string =>
  `<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><item>` +
  `<link>https://deep.example/1</link><title>` +
  "<b>".repeat(depth) +
  "x" +
  "</b>".repeat(depth) +
  "</title></item></channel></rss>";

/** An entry title whose (escaped) HTML nests `depth` deep: shallow XML, deep HTML. */
export const deepHtmlTitleFeed = (depth: number): string =>
  `<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><item>` +
  `<link>https://deep.example/1</link><title><![CDATA[${"<b>".repeat(depth)}x]]></title>` +
  "</item></channel></rss>";

/** A JSON Feed with one item holding `depth` nested arrays. */
export const deepJsonFeed = (depth: number): string =>
  JSON.stringify({
    version: "https://jsonfeed.org/version/1.1",
    title: "Deep",
    items: [{ id: "1", url: "https://deep.example/1", title: "x", _deep: "DEEP" }],
  }).replace('"DEEP"', "[".repeat(depth) + "]".repeat(depth));

/** An HTML page (no description or picture in its head) with `depth` unclosed tags: 3 bytes a level. */
export const deepPage = (depth: number): string =>
  `<!doctype html><html><head><title>Deep page</title></head><body>` + "<b>".repeat(depth);

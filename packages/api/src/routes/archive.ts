import type { Ctx } from "@wkn/core/context";
import { archiveFeed, archiveListPage, archiveNotFoundPage, publicIssuePage } from "@wkn/core/issues";
import { PUBLIC_PATHS } from "@wkn/core/model/paths";
import { Hono } from "hono";
import { cacheable } from "../middleware/cache/index.js";
import { pageCsp } from "../middleware/csp/index.js";

/**
 * GET /issues, /issues/:number, /feed.xml: the public archive of sent issues (issue #5), its
 * pages in the newsletter's language with the subscribe form, under the pages' CSP (the web
 * version's mail layout needs its style attributes).
 */
export function archiveRoutes(ctx: Ctx) {
  const r = new Hono();
  const cache = cacheable({ maxAge: 300 });

  r.get(PUBLIC_PATHS.archive, pageCsp(), cache, async (c) => c.html(await archiveListPage(ctx)));

  r.get(PUBLIC_PATHS.issue, pageCsp({ styleAttributes: true }), cache, async (c) => {
    const page = await publicIssuePage(ctx, c.req.param("number"));
    return page === null ? c.html(archiveNotFoundPage(ctx), 404) : c.html(page);
  });

  r.get(PUBLIC_PATHS.feed, cache, async (c) =>
    c.body(await archiveFeed(ctx), 200, { "Content-Type": "application/rss+xml; charset=utf-8" }),
  );

  return r;
}

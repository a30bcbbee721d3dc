import type { Ctx } from "@wkn/core/context";
import { archiveFeed, archiveListPage, archiveNotFoundPage, publicIssuePage } from "@wkn/core/issues";
import { cacheable } from "../middleware/cache/index.js";
import { createRouter } from "../router.js";

/** GET /issues, /issues/:number, /feed.xml: the public archive of sent issues (issue #5). */
export function archiveRoutes(ctx: Ctx) {
  const r = createRouter();
  const cache = cacheable({ maxAge: 300 });

  r.get("/issues", cache, async (c) => c.html(await archiveListPage(ctx)));

  r.get("/issues/:number", cache, async (c) => {
    const page = await publicIssuePage(ctx, c.req.param("number"));
    return page === null ? c.html(archiveNotFoundPage(ctx), 404) : c.html(page);
  });

  r.get("/feed.xml", cache, async (c) =>
    c.body(await archiveFeed(ctx), 200, { "Content-Type": "application/rss+xml; charset=utf-8" }),
  );

  return r;
}

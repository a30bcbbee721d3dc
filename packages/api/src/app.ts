/**
 * The Hono app: the whole HTTP contract (DESIGN.md). A plain app with no runtime ties: Lambda
 * wraps it with `handle(app)` (functions/api.ts), the local runtime serves it with
 * @hono/node-server, tests call `app.request()`.
 */
import type { Ctx } from "@wkn/core/context";
import { PUBLIC_PATHS } from "@wkn/core/model/paths";
import { type ErrorHandler, Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { requestId } from "hono/request-id";
import { secureHeaders } from "hono/secure-headers";
import { errorBody, onError } from "./errors.js";
import { lazyGroup, mountLazy } from "./lazy.js";
import { clientIpFrom } from "./middleware/client-ip/index.js";
import type { AppOptions } from "./options.js";
import { mediaRoutes } from "./routes/media.js";

export const MAX_BODY_BYTES = 1024 * 1024;

/**
 * The app every request enters: the middleware all share, the health check and the hosted
 * pictures (the requests a newsletter's readers make most: a mail client loads each one) are its
 * own; the editor's API (editor.ts) and the readers' pages load on first use (lazy.ts).
 */
export function createApp(ctx: Ctx, options: AppOptions = {}) {
  const app = new Hono();
  const handleError: ErrorHandler = (err, c) =>
    onError(err, c, (e) =>
      ctx.log.error("unhandled error", { error: e, path: c.req.path, requestId: c.get("requestId") }),
    );

  app.onError(handleError);
  app.notFound((c) => c.json(errorBody("not_found", `no route for ${c.req.method} ${c.req.path}`), 404));

  // Each response names its request (X-Request-Id), and an error's log line says which it was.
  app.use("*", requestId());
  // Defaults for every response; a header a route sets itself wins (the sandboxed HTML the page frames).
  app.use("*", secureHeaders({ crossOriginResourcePolicy: false, overwrite: false }));
  app.use(
    "*",
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: (c) =>
        c.json(errorBody("payload_too_large", `request body over ${MAX_BODY_BYTES} bytes`), 413),
    }),
  );
  app.use("*", clientIpFrom({ trustProxy: ctx.config.trustProxy, address: options.clientAddress }));

  // Open (no token), documented with the editor's API (editor.ts's healthRoute).
  app.get("/api/health", (c) => c.json({ ok: true as const }, 200));

  // Every other /api route: the editor's API, behind its token.
  mountLazy(
    app,
    lazyGroup(ctx, handleError, ["/api/*"], () =>
      import("./editor.js").then((m) => (c: Ctx) => m.editorRoutes(c, options, handleError)),
    ),
  );

  // `GET /` (the editor's page) is no route of this app: packages/web serves it beside the API.

  // Public: the pictures in sent mail, the subscription flows, the archive of sent issues.
  app.route("/", mediaRoutes(ctx));
  const { media: _, ...pages } = PUBLIC_PATHS;
  mountLazy(
    app,
    lazyGroup(ctx, handleError, Object.values(pages), () =>
      import("./groups/readers.js").then((m) => m.build),
    ),
  );

  return app;
}

export type App = ReturnType<typeof createApp>;

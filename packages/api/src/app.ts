/**
 * The Hono app: the whole HTTP contract (DESIGN.md). A plain app with no runtime ties: Lambda
 * wraps it with `handle(app)` (functions/api.ts), the local runtime serves it with
 * @hono/node-server, tests call `app.request()`.
 */
import { createRoute, z } from "@hono/zod-openapi";
import type { Ctx } from "@wkn/core/context";
import { PUBLIC_PATHS } from "@wkn/core/model/paths";
import type { ErrorHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { requestId } from "hono/request-id";
import { secureHeaders } from "hono/secure-headers";
import type { ClientAddress } from "./client-ip.js";
import { errorBody, onError } from "./errors.js";
import { type LazyGroup, lazyGroup, mountLazy } from "./lazy.js";
import { editorAuth, SESSION_COOKIE } from "./middleware/auth/index.js";
import { clientIpFrom } from "./middleware/client-ip/index.js";
import { declaredBodies, noBody } from "./middleware/no-body/index.js";
import { sameOrigin } from "./middleware/same-origin/index.js";
import { createRouter, type Router } from "./router.js";
import { itemsRoutes } from "./routes/items.js";
import { sessionRoutes } from "./routes/session.js";
import { json } from "./schemas/common.js";

export const MAX_BODY_BYTES = 1024 * 1024;

export interface AppOptions {
  /**
   * More /api routes, registered on a router mounted under /api behind the editor's auth (the
   * local runtime's outbox: packages/local/src/outbox-routes.ts). They are passed in, never
   * imported here, so they stay out of the Lambda bundle.
   */
  localRoutes?: (r: Router) => void;
  /** The local run, whose sent mail is in DATA_DIR/outbox: `GET /api/session` says so to the page. */
  outbox?: boolean;
  /** The connection's address, from the runtime adapter (rate limits per client). */
  clientAddress?: ClientAddress;
}

/**
 * The route groups loaded on first use (lazy.ts), by the paths they serve. The editor's common
 * requests (items, session) and the health check stay in the app itself.
 */
function lazyGroups(ctx: Ctx, onError: ErrorHandler) {
  return {
    sources: lazyGroup(ctx, onError, ["/api/sources/*", "/api/poll"], () =>
      import("./groups/sources.js").then((m) => m.mount),
    ),
    issues: lazyGroup(ctx, onError, ["/api/issues/*"], () =>
      import("./groups/issues.js").then((m) => m.mount),
    ),
    subscribers: lazyGroup(ctx, onError, ["/api/subscribers/*"], () =>
      import("./groups/subscribers.js").then((m) => m.mount),
    ),
    jobs: lazyGroup(ctx, onError, ["/api/jobs/*"], () => import("./groups/jobs.js").then((m) => m.mount)),
    links: lazyGroup(ctx, onError, ["/api/items"], () => import("./groups/links.js").then((m) => m.mount), [
      "POST",
    ]),
    readers: lazyGroup(ctx, onError, Object.values(PUBLIC_PATHS), () =>
      import("./groups/readers.js").then((m) => m.mount),
    ),
  };
}

const mount = (app: Router, group: LazyGroup) => {
  for (const path of group.paths) app.use(path, mountLazy(group));
};

export function createApp(ctx: Ctx, options: AppOptions = {}) {
  const app = createRouter();
  const handleError: ErrorHandler = (err, c) =>
    onError(err, c, (e) =>
      ctx.log.error("unhandled error", { error: e, path: c.req.path, requestId: c.get("requestId") }),
    );
  const groups = lazyGroups(ctx, handleError);
  groupsOf.set(app, Object.values(groups));

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

  // Documented like every /api route (openapi.test.ts checks); registered before the auth below.
  app.openapi(
    createRoute({
      method: "get",
      path: "/api/health",
      tags: ["health"],
      security: [],
      responses: { 200: json(z.object({ ok: z.literal(true) }), "The API is up (no token needed)") },
    }),
    (c) => c.json({ ok: true as const }, 200),
  );

  // A change made with the session cookie must come from our own origin (403), sign-out included.
  app.use("/api/*", sameOrigin({ origin: ctx.config.publicBaseUrl, cookie: SESSION_COOKIE }));
  app.route("/api", sessionRoutes(ctx, { outbox: options.outbox }));

  // Every other /api route needs the editor token, and takes a body only where it declares one.
  app.use("/api/*", editorAuth({ token: ctx.config.editorToken }));
  app.use("/api/*", noBody({ takesBody: declaredBodies(app) }));
  mount(app, groups.sources);
  app.route("/api", itemsRoutes(ctx));
  mount(app, groups.links);
  mount(app, groups.issues);
  mount(app, groups.subscribers);
  mount(app, groups.jobs);
  if (options.localRoutes) {
    const local = createRouter();
    options.localRoutes(local);
    app.route("/api", local);
  }

  // `GET /` (the editor's page) is no route of this app: packages/web serves it beside the API.

  // Public: subscription flows, the archive of sent issues and its pictures.
  mount(app, groups.readers);

  // The document covers every group: the first request for it loads them all, once.
  let documented: Promise<void> | undefined;
  app.use("/api/openapi.json", async (_c, next) => {
    documented ??= Promise.all(Object.values(groups).map((g) => g.router())).then((routers) => {
      for (const r of routers) {
        for (const d of r.openAPIRegistry.definitions) {
          if (d.type === "route") app.openAPIRegistry.registerPath(d.route);
        }
      }
    });
    await documented;
    await next();
  });

  app.doc31("/api/openapi.json", {
    openapi: "3.1.0",
    info: { title: `${ctx.config.newsletterName} API`, version: "0.1.0" },
    security: [{ bearer: [] }],
  });
  app.openAPIRegistry.registerComponent("securitySchemes", "bearer", { type: "http", scheme: "bearer" });

  return app;
}

export type App = ReturnType<typeof createApp>;

const groupsOf = new WeakMap<object, LazyGroup[]>();

/**
 * Every route of the app, those of the groups loaded on first use included (this loads them):
 * for the tests that walk the routes (OpenAPI coverage, the rules for mutating routes).
 */
export async function allRoutes(app: App) {
  const routers = await Promise.all((groupsOf.get(app) ?? []).map((g) => g.router()));
  return [...app.routes, ...routers.flatMap((r) => r.routes)];
}

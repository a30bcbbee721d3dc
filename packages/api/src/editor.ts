/**
 * The editor's API, every `/api` route but the health check: zod-validated, documented at
 * /api/openapi.json. The app loads it on the first `/api` request (lazy.ts), so a cold start that
 * serves a reader (a picture in a mail, a subscription page) never compiles zod and the schemas.
 * The groups most editor requests never reach load on their own first use, in turn.
 */
import { createRoute, z } from "@hono/zod-openapi";
import type { Ctx } from "@wkn/core/context";
import type { ErrorHandler } from "hono";
import { lazyGroup, lazyGroupsOf, mountLazy, type RouteGroup } from "./lazy.js";
import { editorAuth, SESSION_COOKIE } from "./middleware/auth/index.js";
import { declaredBodies, noBody } from "./middleware/no-body/index.js";
import { sameOrigin } from "./middleware/same-origin/index.js";
import type { AppOptions } from "./options.js";
import { createRouter, type Router } from "./router.js";
import { itemsRoutes } from "./routes/items.js";
import { sessionRoutes } from "./routes/session.js";
import { json } from "./schemas/common.js";

/** GET /api/health: served by the app itself (app.ts), documented here with the rest of /api. */
export const healthRoute = createRoute({
  method: "get",
  path: "/api/health",
  tags: ["health"],
  security: [],
  responses: { 200: json(z.object({ ok: z.literal(true) }), "The API is up (no token needed)") },
});

export function editorRoutes(ctx: Ctx, options: AppOptions, onError: ErrorHandler): Router {
  const app = createRouter();
  const group = (paths: string[], load: () => Promise<RouteGroup>, methods?: string[]) =>
    lazyGroup(ctx, onError, paths, load, methods);

  // A change made with the session cookie must come from our own origin (403), sign-out included.
  app.use("/api/*", sameOrigin({ origin: ctx.config.publicBaseUrl, cookie: SESSION_COOKIE }));
  app.route("/api", sessionRoutes(ctx, { outbox: options.outbox }));

  // Every other /api route needs the editor token, and takes a body only where it declares one.
  app.use("/api/*", editorAuth({ token: ctx.config.editorToken }));
  app.use("/api/*", noBody({ takesBody: declaredBodies(app) }));
  mountLazy(
    app,
    group(["/api/sources/*", "/api/poll"], () => import("./groups/sources.js").then((m) => m.build)),
  );
  app.route("/api", itemsRoutes(ctx));
  mountLazy(
    app,
    group(["/api/items"], () => import("./groups/links.js").then((m) => m.build), ["POST"]),
  );
  mountLazy(
    app,
    group(["/api/issues/*"], () => import("./groups/issues.js").then((m) => m.build)),
  );
  mountLazy(
    app,
    group(["/api/subscribers/*"], () => import("./groups/subscribers.js").then((m) => m.build)),
  );
  mountLazy(
    app,
    group(["/api/jobs/*"], () => import("./groups/jobs.js").then((m) => m.build)),
  );
  if (options.localRoutes) {
    const local = createRouter();
    options.localRoutes(local);
    app.route("/api", local);
  }

  // The document covers every group: the first request for it loads them all, once.
  let documented: Promise<void> | undefined;
  app.use("/api/openapi.json", async (_c, next) => {
    documented ??= Promise.all(lazyGroupsOf(app).map((g) => g.router())).then((routers) => {
      for (const r of routers) {
        if (!("openAPIRegistry" in r)) continue;
        for (const d of (r as Router).openAPIRegistry.definitions) {
          if (d.type === "route") app.openAPIRegistry.registerPath(d.route);
        }
      }
    });
    await documented;
    await next();
  });
  app.openAPIRegistry.registerPath(healthRoute);
  app.doc31("/api/openapi.json", {
    openapi: "3.1.0",
    info: { title: `${ctx.config.newsletterName} API`, version: "0.1.0" },
    security: [{ bearer: [] }],
  });
  app.openAPIRegistry.registerComponent("securitySchemes", "bearer", { type: "http", scheme: "bearer" });
  return app;
}

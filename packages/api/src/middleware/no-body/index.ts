/**
 * Routes that take no request body refuse one (415): a body there is a mistake or a forgery (a
 * form posted at `/send` "works" only because nothing looks at it). Which routes take a body is
 * what their OpenAPI definitions declare (`request.body`), so a route added later is covered
 * without being listed here.
 */
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Context, MiddlewareHandler } from "hono";
import { matchedRoutes } from "hono/route";
import { errorBody } from "../../errors.js";

export interface NoBodyOptions {
  /** Whether the route (method, Hono path such as `/api/issues/:id`) takes a body; default: none does. */
  takesBody?: (method: string, path: string) => boolean;
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

async function hasBody(c: Context): Promise<boolean> {
  if (c.req.raw.body === null) return false;
  // Read through Hono's body cache, so a handler could still read it (and bodyLimit still applies).
  return (await c.req.arrayBuffer()).byteLength > 0;
}

/**
 * @example app.use("/api/*", noBody({ takesBody: declaredBodies(app) }))
 */
export const noBody = (options: NoBodyOptions = {}): MiddlewareHandler => {
  return async function noBody(c, next) {
    if (SAFE_METHODS.has(c.req.method)) return next();
    const route = matchedRoutes(c).findLast((r) => r.method !== "ALL");
    if (route && options.takesBody?.(c.req.method, route.path)) return next();
    if (route && (await hasBody(c))) {
      return c.json(
        errorBody("unsupported_media_type", `${c.req.method} ${route.path} takes no request body`),
        415,
      );
    }
    return next();
  };
};

/**
 * `takesBody` from the routes an OpenAPIHono app documents, read on first use (the routes are
 * registered after the middleware).
 */
export function declaredBodies(app: OpenAPIHono): (method: string, path: string) => boolean {
  let withBody: Set<string> | undefined;
  return (method, path) => {
    withBody ??= new Set(
      app.openAPIRegistry.definitions.flatMap((d) =>
        d.type === "route" && d.route.request?.body
          ? [`${d.route.method.toUpperCase()} ${d.route.path.replace(/\{([^}]+)\}/g, ":$1")}`]
          : [],
      ),
    );
    return withBody.has(`${method.toUpperCase()} ${path}`);
  };
}

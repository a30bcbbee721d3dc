/**
 * Route groups that most requests never reach (issues and sending, subscribers, sources and
 * polling, failed jobs, the readers' pages), loaded with `import()` when a request first reaches
 * one: a Lambda cold start then compiles and runs only the eager routes (health, session, items)
 * and their zod schemas. Each group is a router of its own, built once and cached; the app's
 * middleware (request id, client address, same-origin, auth) has run before it is called.
 */
import type { Ctx } from "@wkn/core/context";
import type { Context, ErrorHandler, MiddlewareHandler } from "hono";
import { declaredBodies, noBody } from "./middleware/no-body/index.js";
import { createRouter, type Router } from "./router.js";

/** A group's module: mounts its routes at their full paths (`/api/...`, `/subscribe`, ...). */
export type RouteGroup = (r: Router, ctx: Ctx) => void;

/** The request a group is called with → the app's context, whose variables the group inherits. */
const parents = new WeakMap<Request, Context>();
/** Requests no route of the group matched: the app carries on past the group (its 404). */
const unmatched = new WeakSet<Request>();

export interface LazyGroup {
  /** Hono paths the group's routes live under (`/api/issues/*`, which takes `/api/issues` too). */
  paths: string[];
  /** Only these methods (upper case) go to the group; default: every one. */
  methods?: string[];
  /** The group's router, loading its module on first use. */
  router: () => Promise<Router>;
}

export function lazyGroup(
  ctx: Ctx,
  onError: ErrorHandler,
  paths: string[],
  load: () => Promise<RouteGroup>,
  methods?: string[],
): LazyGroup {
  let built: Promise<Router> | undefined;
  const router = () => {
    built ??= load().then((mount) => {
      const r = createRouter();
      // The app's own handler, here: a header a route set before throwing (Retry-After) stays.
      r.onError(onError);
      r.notFound((c) => {
        unmatched.add(c.req.raw);
        return c.body(null, 404);
      });
      r.use("*", async (c, next) => {
        const parent = parents.get(c.req.raw);
        if (parent) for (const [k, v] of Object.entries(parent.var)) c.set(k as never, v as never);
        await next();
      });
      // The app's noBody sees none of a group's routes: the group applies it to its own.
      r.use("/api/*", noBody({ takesBody: declaredBodies(r) }));
      mount(r, ctx);
      return r;
    });
    built.catch(() => {
      built = undefined; // a failed import is tried again by the next request
    });
    return built;
  };
  return { paths, methods, router };
}

/** Middleware handing a request on to the group, or past it when no route of the group matches. */
export function mountLazy(group: LazyGroup): MiddlewareHandler {
  return async (c, next) => {
    if (group.methods && !group.methods.includes(c.req.method)) return next();
    const r = await group.router();
    const req = c.req.raw;
    parents.set(req, c);
    const res = await r.fetch(req, c.env);
    if (unmatched.has(req)) {
      unmatched.delete(req);
      return next();
    }
    return res;
  };
}

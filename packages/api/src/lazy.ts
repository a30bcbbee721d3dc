/**
 * Route groups loaded with `import()` when a request first reaches one: a Lambda cold start then
 * compiles and runs only what every kind of request needs (the shared middleware, the health
 * check, the hosted pictures mail clients fetch). The editor's API, with zod and its OpenAPI
 * schemas, is one such group (editor.ts), and within it the groups most editor requests never
 * reach (issues and sending, subscribers, sources, failed jobs, adding a link); the readers'
 * pages are another. Each group is built once and cached; the middleware of the router it is
 * mounted on (request id, client address, same-origin, auth) has run before it is called.
 */
import type { Ctx } from "@wkn/core/context";
import { type Context, type ErrorHandler, Hono, type MiddlewareHandler } from "hono";

/** Any router: the app's plain Hono, the editor's OpenAPIHono (whose env types differ). */
// biome-ignore lint/suspicious/noExplicitAny: routers of any env and schema are mounted alike
type AnyRouter = Hono<any, any, any>;

/** A group's module: builds a router of its routes at their full paths (`/api/...`, `/subscribe`). */
export type RouteGroup = (ctx: Ctx) => AnyRouter;

/** The request a group is called with → the caller's context, whose variables the group inherits. */
const parents = new WeakMap<Request, Context>();
/** Requests no route of the group matched: the caller carries on past the group (its 404). */
const unmatched = new WeakSet<Request>();
/** The groups mounted on each router, for `routesOf` (tests walk every route). */
const groupsOf = new WeakMap<object, LazyGroup[]>();

interface Loaded {
  /** The group's routes, as its module built them (its OpenAPI registry, for the document). */
  routes: AnyRouter;
  /** What requests go through: the routes behind the context hand-over and the caller's 404. */
  entry: Hono;
}

export interface LazyGroup {
  /** Hono paths the group's routes live under (`/api/issues/*`, which takes `/api/issues` too). */
  paths: string[];
  /** Only these methods (upper case) go to the group; default: every one. */
  methods?: string[];
  /** The group's routes, loading its module on first use. */
  router: () => Promise<AnyRouter>;
  load: () => Promise<Loaded>;
}

export function lazyGroup(
  ctx: Ctx,
  onError: ErrorHandler,
  paths: string[],
  load: () => Promise<RouteGroup>,
  methods?: string[],
): LazyGroup {
  let built: Promise<Loaded> | undefined;
  const loaded = () => {
    built ??= load().then((build) => {
      const routes = build(ctx);
      const entry = new Hono();
      // The app's own handler, here: a header a route set before throwing (Retry-After) stays.
      entry.onError(onError);
      entry.notFound((c) => {
        unmatched.add(c.req.raw);
        return c.body(null, 404);
      });
      entry.use("*", async (c, next) => {
        const parent = parents.get(c.req.raw);
        if (parent) for (const [k, v] of Object.entries(parent.var)) c.set(k as never, v as never);
        // The caller's requestId() header, which it set on its own context: the answer comes from here.
        const id = parent?.get("requestId" as never) as unknown;
        if (typeof id === "string") c.header("X-Request-Id", id);
        await next();
      });
      entry.route("/", routes);
      return { routes, entry };
    });
    built.catch(() => {
      built = undefined; // a failed import is tried again by the next request
    });
    return built;
  };
  return { paths, methods, load: loaded, router: () => loaded().then((l) => l.routes) };
}

/** Mounts the group on `app` at its paths: requests go to it, or past it when none of its routes match. */
export function mountLazy(app: AnyRouter, group: LazyGroup): void {
  groupsOf.set(app, [...(groupsOf.get(app) ?? []), group]);
  const handler: MiddlewareHandler = async (c, next) => {
    if (group.methods && !group.methods.includes(c.req.method)) return next();
    const { entry } = await group.load();
    const req = c.req.raw;
    parents.set(req, c);
    const res = await entry.fetch(req, c.env);
    if (unmatched.has(req)) {
      unmatched.delete(req);
      return next();
    }
    return res;
  };
  for (const path of group.paths) app.use(path, handler);
}

/** The groups mounted on `app` (mountLazy). */
export const lazyGroupsOf = (app: object): LazyGroup[] => groupsOf.get(app) ?? [];

/**
 * Every route of `app` and of the groups mounted on it, at any depth (this loads them all): for
 * the tests that walk the routes (OpenAPI coverage, the rules for mutating routes).
 */
export async function routesOf(app: AnyRouter): Promise<AnyRouter["routes"]> {
  const nested = await Promise.all(lazyGroupsOf(app).map(async (g) => routesOf(await g.router())));
  return [...app.routes, ...nested.flat()];
}

/**
 * The readers' public paths, spelled once: core writes links to them (mail, archive, feed), the
 * API serves them, the stacks throttle them at the gateway. A path parameter is `:name` (Hono's
 * form, so a route's parameters are typed); `gatewayPath` gives API Gateway's `{name}` form.
 */
export const PUBLIC_PATHS = {
  subscribe: "/subscribe",
  confirm: "/confirm",
  unsubscribe: "/unsubscribe",
  archive: "/issues",
  issue: "/issues/:number",
  feed: "/feed.xml",
  media: "/media/:key",
} as const;

export type PublicPath = keyof typeof PUBLIC_PATHS;

/** `/issues/:number` → `/issues/{number}` (API Gateway's route keys). */
export const gatewayPath = (path: string): string => path.replace(/:(\w+)/g, "{$1}");

/** A public path with its parameters filled in (encoded). */
export function publicPath(name: PublicPath, params: Record<string, string | number> = {}): string {
  return PUBLIC_PATHS[name].replace(/:(\w+)/g, (_, k: string) => {
    const v = params[k];
    if (v === undefined) throw new Error(`${name}: no value for :${k}`);
    return encodeURIComponent(String(v));
  });
}

/** The absolute URL of a public path on PUBLIC_BASE_URL. */
export const publicUrl = (base: string, name: PublicPath, params?: Record<string, string | number>): string =>
  `${base.replace(/\/+$/, "")}${publicPath(name, params)}`;

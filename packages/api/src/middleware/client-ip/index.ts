/**
 * Resolves the client's address once per request (rules in client-ip.ts) with the number of
 * X-Forwarded-For hops to trust, for `clientIp(c)` in the routes.
 */
import type { MiddlewareHandler } from "hono";
import { resolveClientIp } from "../../client-ip.js";

export interface ClientIpOptions {
  /** Proxies in front that append to X-Forwarded-For (TRUST_PROXY); 0 trusts the header not at all. */
  trustProxy: number;
}

/**
 * @example app.use("*", clientIpFrom({ trustProxy: config.trustProxy }))
 */
export const clientIpFrom = (options: ClientIpOptions): MiddlewareHandler => {
  return async function clientIpFrom(c, next) {
    c.set("clientIp", resolveClientIp(c, options.trustProxy));
    await next();
  };
};

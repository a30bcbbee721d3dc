/**
 * Resolves the client's address once per request (rules in client-ip.ts) with the number of
 * X-Forwarded-For hops to trust, for `clientIp(c)` in the routes.
 */
import type { MiddlewareHandler } from "hono";
import { type ClientAddress, resolveClientIp } from "../../client-ip.js";

export interface ClientIpOptions {
  /** Proxies in front that append to X-Forwarded-For (TRUST_PROXY); 0 trusts the header not at all. */
  trustProxy: number;
  /** The connection's peer, from the runtime adapter; without it the address is "unknown". */
  address?: ClientAddress;
}

/**
 * @example app.use("*", clientIpFrom({ trustProxy: config.trustProxy }))
 */
export const clientIpFrom = (options: ClientIpOptions): MiddlewareHandler => {
  return async function clientIpFrom(c, next) {
    c.set("clientIp", resolveClientIp(c, options.trustProxy, options.address));
    await next();
  };
};

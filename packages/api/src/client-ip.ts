/**
 * The client's address for rate limiting. The API does not know which server runs it: the
 * runtime adapter hands it the connection's peer address (`ClientAddress`: Hono's `getConnInfo`
 * of hono/aws-lambda on AWS, of @hono/node-server locally).
 *
 * - At the edge (API Gateway): the peer is the address API Gateway itself saw; a client can put
 *   anything in X-Forwarded-For there, so it is never read.
 * - Behind a server of ours: the peer, unless `trustProxy` (TRUST_PROXY) says how many proxies in
 *   front append to X-Forwarded-For. Then the address that many hops from the right end is the
 *   client: each trusted proxy appends the address it saw, and everything left of that is
 *   whatever the client sent. A header with fewer entries gives its leftmost.
 * - "unknown" when nothing says.
 *
 * The `clientIp` middleware (middleware/client-ip) resolves it once per request; `clientIp(c)`
 * reads that, and trusts no header when it did not run.
 */
import type { Context } from "hono";

declare module "hono" {
  interface ContextVariableMap {
    clientIp: string;
  }
}

/** What the runtime adapter says of the connection. */
export interface ClientAddress {
  /** The peer's address (getConnInfo(c).remote.address). */
  peer: (c: Context) => string | undefined;
  /** The peer is the edge's view of the client (API Gateway): X-Forwarded-For is never read. */
  edge?: boolean;
}

const MAX_LENGTH = 64;

export function resolveClientIp(c: Context, trustProxy: number, address?: ClientAddress): string {
  let peer: string | undefined;
  try {
    peer = address?.peer(c) || undefined;
  } catch {
    peer = undefined; // an adapter that cannot tell (a test's app.request)
  }
  if (peer && address?.edge) return peer.slice(0, MAX_LENGTH);
  if (trustProxy > 0) {
    const hops = (c.req.header("x-forwarded-for") ?? "")
      .split(",")
      .map((h) => h.trim())
      .filter(Boolean);
    const hop = hops[Math.max(0, hops.length - trustProxy)];
    if (hop) return hop.slice(0, MAX_LENGTH);
  }
  return peer?.slice(0, MAX_LENGTH) ?? "unknown";
}

export function clientIp(c: Context): string {
  return c.get("clientIp") ?? "unknown";
}

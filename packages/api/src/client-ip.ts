/**
 * The client's address for rate limiting.
 *
 * - Behind API Gateway: the request context's sourceIp, the address API Gateway itself saw (a
 *   client can put anything in X-Forwarded-For there).
 * - Under @hono/node-server: the socket's address, unless `trustProxy` (TRUST_PROXY) says how
 *   many proxies in front append to X-Forwarded-For. Then the address that many hops from the
 *   right end is the client: each trusted proxy appends the address it saw, and everything
 *   left of that is whatever the client sent. A header with fewer entries gives its leftmost.
 * - "unknown" when nothing says.
 *
 * The `clientIp` middleware (middleware/client-ip) resolves it once per request with the
 * configured hop count; `clientIp(c)` reads that, and trusts no header when it did not run.
 */
import type { Context } from "hono";

declare module "hono" {
  interface ContextVariableMap {
    clientIp: string;
  }
}

interface RuntimeEnv {
  incoming?: { socket?: { remoteAddress?: string } };
  requestContext?: { http?: { sourceIp?: string }; identity?: { sourceIp?: string } };
}

const MAX_LENGTH = 64;

export function resolveClientIp(c: Context, trustProxy: number): string {
  const env = (c.env ?? {}) as RuntimeEnv;
  const gateway = env.requestContext?.http?.sourceIp ?? env.requestContext?.identity?.sourceIp;
  if (gateway) return gateway;
  if (trustProxy > 0) {
    const hops = (c.req.header("x-forwarded-for") ?? "")
      .split(",")
      .map((h) => h.trim())
      .filter(Boolean);
    const hop = hops[Math.max(0, hops.length - trustProxy)];
    if (hop) return hop.slice(0, MAX_LENGTH);
  }
  return env.incoming?.socket?.remoteAddress ?? "unknown";
}

export function clientIp(c: Context): string {
  return c.get("clientIp") ?? resolveClientIp(c, 0);
}

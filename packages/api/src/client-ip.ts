/**
 * The client's address for rate limiting. Behind API Gateway the request context's sourceIp is
 * the address API Gateway itself saw, which a client cannot forge (it can put anything in the
 * first hop of X-Forwarded-For there), so it wins. Otherwise the first hop of X-Forwarded-For (a
 * local run behind a reverse proxy), else the socket under @hono/node-server; "unknown" when
 * nothing says.
 */
import type { Context } from "hono";

interface RuntimeEnv {
  incoming?: { socket?: { remoteAddress?: string } };
  requestContext?: { http?: { sourceIp?: string }; identity?: { sourceIp?: string } };
}

export function clientIp(c: Context): string {
  const env = (c.env ?? {}) as RuntimeEnv;
  const gateway = env.requestContext?.http?.sourceIp ?? env.requestContext?.identity?.sourceIp;
  if (gateway) return gateway;
  const first = c.req.header("x-forwarded-for")?.split(",")[0]?.trim();
  if (first) return first.slice(0, 64);
  return env.incoming?.socket?.remoteAddress ?? "unknown";
}

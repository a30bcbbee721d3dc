/**
 * The client's address for rate limiting: the first hop of X-Forwarded-For (API Gateway and
 * most proxies put the client there), else what the runtime saw: the socket under
 * @hono/node-server, the request context under the Lambda adapter. "unknown" when none says.
 */
import type { Context } from "hono";

interface RuntimeEnv {
  incoming?: { socket?: { remoteAddress?: string } };
  requestContext?: { http?: { sourceIp?: string }; identity?: { sourceIp?: string } };
}

export function clientIp(c: Context): string {
  const first = c.req.header("x-forwarded-for")?.split(",")[0]?.trim();
  if (first) return first.slice(0, 64);
  const env = (c.env ?? {}) as RuntimeEnv;
  return (
    env.incoming?.socket?.remoteAddress ??
    env.requestContext?.http?.sourceIp ??
    env.requestContext?.identity?.sourceIp ??
    "unknown"
  );
}

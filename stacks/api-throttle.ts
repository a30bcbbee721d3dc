/**
 * The public routes of the API function (packages/api/src/routes/public.ts, archive.ts, media.ts),
 * each with the throttle group it falls in. API Gateway applies a route's own limit on top of the
 * stage's: unauthenticated traffic is refused at the gateway, before a Lambda is billed.
 */
import type { OperationSettings, Throttle } from "./operations.js";

type Group = "subscribe" | "archive" | "media";

export const PUBLIC_ROUTES: { route: string; group: Group }[] = [
  { route: "GET /subscribe", group: "subscribe" },
  { route: "POST /subscribe", group: "subscribe" },
  { route: "GET /confirm", group: "subscribe" },
  { route: "GET /unsubscribe", group: "subscribe" },
  { route: "POST /unsubscribe", group: "subscribe" },
  { route: "GET /issues", group: "archive" },
  { route: "GET /issues/{number}", group: "archive" },
  { route: "GET /feed.xml", group: "archive" },
  { route: "GET /media/{key}", group: "media" },
];

/** The stage's RouteSettings: each public route's rate and burst. */
export function publicRouteSettings(
  throttle: OperationSettings["throttle"],
): Record<string, { ThrottlingRateLimit: number; ThrottlingBurstLimit: number }> {
  const settings = (t: Throttle) => ({ ThrottlingRateLimit: t.rate, ThrottlingBurstLimit: t.burst });
  return Object.fromEntries(PUBLIC_ROUTES.map(({ route, group }) => [route, settings(throttle[group])]));
}

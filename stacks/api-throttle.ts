/**
 * The public routes of the API function (packages/api/src/routes/public.ts, archive.ts, media.ts),
 * each with the throttle group it falls in. API Gateway applies a route's own limit on top of the
 * stage's: unauthenticated traffic is refused at the gateway, before a Lambda is billed.
 */
import { gatewayPath, PUBLIC_PATHS } from "@wkn/core/model/paths";
import type { OperationSettings, Throttle } from "./operations.js";

type Group = "subscribe" | "archive" | "media";

const P = PUBLIC_PATHS;

/** From core's one spelling of the paths (model/paths.ts), so a renamed path keeps its limit. */
export const PUBLIC_ROUTES: { route: string; group: Group }[] = [
  { route: `GET ${P.subscribe}`, group: "subscribe" },
  { route: `POST ${P.subscribe}`, group: "subscribe" },
  { route: `GET ${P.confirm}`, group: "subscribe" },
  { route: `GET ${P.unsubscribe}`, group: "subscribe" },
  { route: `POST ${P.unsubscribe}`, group: "subscribe" },
  { route: `GET ${P.archive}`, group: "archive" },
  { route: `GET ${gatewayPath(P.issue)}`, group: "archive" },
  { route: `GET ${P.feed}`, group: "archive" },
  { route: `GET ${gatewayPath(P.media)}`, group: "media" },
];

/** The stage's RouteSettings: each public route's rate and burst. */
export function publicRouteSettings(
  throttle: OperationSettings["throttle"],
): Record<string, { ThrottlingRateLimit: number; ThrottlingBurstLimit: number }> {
  const settings = (t: Throttle) => ({ ThrottlingRateLimit: t.rate, ThrottlingBurstLimit: t.burst });
  return Object.fromEntries(PUBLIC_ROUTES.map(({ route, group }) => [route, settings(throttle[group])]));
}

/**
 * The editor's page (API Gateway routes `GET /`, `GET /index.html` and `GET /assets/{proxy+}`
 * here, everything else to the API): packages/web/dist, copied into this bundle as web/ by
 * stacks/Api.ts and read once per instance. The API's own bundle never holds the page.
 */
import { fileURLToPath } from "node:url";
import { webApp } from "@wkn/web/server";
import { handle } from "hono/aws-lambda";

export const handler = handle(webApp({ dir: fileURLToPath(new URL("../web/", import.meta.url)) }));

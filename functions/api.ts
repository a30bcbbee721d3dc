/** The HTTP API (API Gateway HTTP API, payload v2): the whole Hono app of packages/api. */
import { createApp } from "@wkn/api";
import { getConnInfo, handle, type LambdaContext, type LambdaEvent } from "hono/aws-lambda";
import { lambdaCtx, withInvocationId } from "./lib/lambda-ctx.js";

// API Gateway's view of the client (requestContext.http.sourceIp): X-Forwarded-For is not read.
const app = handle(
  createApp(await lambdaCtx(), { clientAddress: { peer: (c) => getConnInfo(c).remote.address, edge: true } }),
);

export const handler = withInvocationId((event: LambdaEvent, context: LambdaContext) => app(event, context));

/** The HTTP API (API Gateway HTTP API, payload v2): the whole Hono app of packages/api. */
import { createApp } from "@wkn/api";
import { handle, type LambdaContext, type LambdaEvent } from "hono/aws-lambda";
import { lambdaCtx, withInvocationId } from "./lib/lambda-ctx.js";

const app = handle(createApp(await lambdaCtx()));

export const handler = withInvocationId((event: LambdaEvent, context: LambdaContext) => app(event, context));

/** The HTTP API (API Gateway HTTP API, payload v2): the whole Hono app of packages/api. */
import { createApp } from "@wkn/api";
import { lambdaCtx, withInvocationId } from "@wkn/core/aws/lambda-ctx";
import { handle, type LambdaContext, type LambdaEvent } from "hono/aws-lambda";

const app = handle(createApp(await lambdaCtx()));

export const handler = withInvocationId((event: LambdaEvent, context: LambdaContext) => app(event, context));

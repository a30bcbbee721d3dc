/** The HTTP API (API Gateway HTTP API, payload v2): the whole Hono app of packages/api. */
import { createApp } from "@wkn/api";
import { lambdaCtx } from "@wkn/core/aws/lambda-ctx";
import { handle } from "hono/aws-lambda";

export const handler = handle(createApp(await lambdaCtx()));

/** Unfurls the page of each unfurl job's item (title, description, image where missing). */
import { lambdaCtx } from "@wkn/core/aws/lambda-ctx";
import { unfurlItem } from "@wkn/core/items/unfurl";
import { sqsConsumer } from "./lib/sqs-consumer.js";

const ctx = await lambdaCtx();

export const handler = sqsConsumer(ctx, "unfurl", ({ itemId }) => unfurlItem(ctx, itemId));

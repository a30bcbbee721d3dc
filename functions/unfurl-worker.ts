/**
 * Unfurls the page of each unfurl job's item (title, description, image where missing), then hosts
 * its picture as a thumbnail: the one function with the image library (a layer, stacks/Ingest.ts).
 */

import { enrichItem } from "@wkn/core/items/enrich";
import { lambdaCtx } from "./lib/lambda-ctx.js";
import { sqsConsumer } from "./lib/sqs-consumer.js";

const ctx = await lambdaCtx();

export const handler = sqsConsumer(ctx, "unfurl", ({ itemId }) => enrichItem(ctx, itemId));

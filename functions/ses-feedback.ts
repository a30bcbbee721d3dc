/** SES bounce and complaint notices, delivered by SNS: suppress the addresses concerned. */

import { handleSesNotification } from "@wkn/core/mail/feedback";
import type { SNSEvent } from "aws-lambda";
import { lambdaCtx, withInvocationId } from "./lib/lambda-ctx.js";

const ctx = await lambdaCtx();

export const handler = withInvocationId(async (event: SNSEvent): Promise<void> => {
  // A throw fails the whole event: Lambda retries it, then keeps it in the function's dead-letter queue.
  for (const record of event.Records) {
    const { suppressed } = await handleSesNotification(ctx, record.Sns.Message);
    ctx.log.info("ses notification handled", { snsMessageId: record.Sns.MessageId, suppressed });
  }
});

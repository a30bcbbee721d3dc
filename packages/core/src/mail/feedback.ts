/** SES bounce and complaint notices, as delivered by SNS (issue #6 fills this in). */
import type { Ctx } from "../context.js";

/** Handles one SNS message body (the SES notification JSON). */
export async function handleSesNotification(_ctx: Ctx, _message: string): Promise<{ suppressed: number }> {
  return { suppressed: 0 };
}

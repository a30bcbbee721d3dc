/**
 * Hands a composed MIME message to SES (SendRawEmail, the v1 API: the local endpoint speaks it
 * too). Errors propagate as the SDK throws them, with its `name` (`Throttling`,
 * `MessageRejected`, ...), so the sender can tell a slow-down from a refusal.
 */
import type { Ctx } from "../context.js";
import { loadOnce } from "../util/load-once.js";

/** SES's commands, loaded with the client on the first send (see util/lazy-client.ts). */
export const sesCommands = loadOnce(() => import("@aws-sdk/client-ses"));

/** Sends `raw` to `to` (the envelope recipients) from FROM_EMAIL; returns SES's MessageId. */
export async function sendRaw(
  ctx: { ses: Pick<Ctx["ses"], "send">; config: Pick<Ctx["config"], "fromEmail"> },
  raw: Buffer,
  to: string[],
): Promise<string> {
  if (to.length === 0) throw new Error("sendRaw: no recipients");
  const { SendRawEmailCommand } = await sesCommands();
  const r = await ctx.ses.send(
    new SendRawEmailCommand({
      Source: ctx.config.fromEmail,
      Destinations: to,
      RawMessage: { Data: raw },
    }),
  );
  if (!r.MessageId) throw new Error("SES accepted the message without a MessageId");
  return r.MessageId;
}

/**
 * The confirmation mail of a confirm job, and sending it: paced together with every other confirm
 * job of the process (one pacer per SES client, at SES_MAX_SEND_RATE), Throttling and other
 * transient answers retried with backoff a few times; any other answer is returned classified.
 */
import type { Ctx } from "../context.js";
import type { Subscriber } from "../model/index.js";
import { confirmLink } from "../subscribers/links.js";
import { composeMessage, fromAddress } from "./compose.js";
import { confirmationMail } from "./confirmation-mail.js";
import { Pacer, sleep } from "./pacer.js";
import { answerWithin, SES_CALL_TIMEOUT_MS } from "./send-loop.js";
import { sendRaw } from "./ses.js";
import { classifySesError, type SesVerdict } from "./ses-errors.js";

/** The confirmation mail with a fresh confirm token, as MIME. */
export async function confirmationMessage(ctx: Ctx, sub: Pick<Subscriber, "id" | "email">): Promise<Buffer> {
  const content = confirmationMail(ctx.config, confirmLink(ctx, sub.id));
  return composeMessage({ from: fromAddress(ctx.config), to: sub.email, ...content });
}

/** Composes and sends the confirmation mail once (no pacing, no retries); returns the SES MessageId. */
export async function sendConfirmation(ctx: Ctx, sub: Pick<Subscriber, "id" | "email">): Promise<string> {
  return sendRaw(ctx, await confirmationMessage(ctx, sub), [sub.email]);
}

/** Tries after the first for a transient answer: about 1.5 s of backoff in all, then the job's retry. */
export const CONFIRM_SEND_RETRIES = 4;

const pacers = new WeakMap<object, Pacer>();

/** The pacer of every confirm job sharing this SES client, that is of the process. */
export function confirmPacer(ctx: Pick<Ctx, "ses" | "config">): Pacer {
  const rate = ctx.config.sesMaxSendRate;
  let pacer = pacers.get(ctx.ses);
  if (!pacer) {
    pacer = new Pacer({ maxRate: rate });
    pacers.set(ctx.ses, pacer);
  } else if (pacer.maxRate !== rate) pacer.setMaxRate(rate);
  return pacer;
}

export type PacedSend =
  | { sent: true; messageId: string }
  | { sent: false; verdict: SesVerdict; tries: number };

/** FROM_EMAIL may be `Name <addr>`; SES names the bare address in its errors. */
const bareAddress = (from: string) => (/<([^>]+)>\s*$/.exec(from)?.[1] ?? from).trim();

export async function sendPaced(ctx: Ctx, raw: Buffer, to: string): Promise<PacedSend> {
  const pacer = confirmPacer(ctx);
  const sender = bareAddress(ctx.config.fromEmail);
  for (let attempt = 0; ; attempt++) {
    try {
      const messageId = await pacer.paced(() => answerWithin(sendRaw(ctx, raw, [to]), SES_CALL_TIMEOUT_MS));
      pacer.onSuccess();
      return { sent: true, messageId };
    } catch (e) {
      const verdict = classifySesError(e, sender);
      if (verdict.kind !== "transient" || attempt >= CONFIRM_SEND_RETRIES) {
        return { sent: false, verdict, tries: attempt + 1 };
      }
      if (verdict.throttled) pacer.onThrottle();
      await sleep(pacer.backoffMs(attempt));
    }
  }
}

/**
 * A test copy of an issue for the editor (`POST /api/issues/:id/test`): the mail as subscribers
 * get it, marked (`[TEST] ` subject, `X-Newsletter-Test: 1`), for an issue in any status, with
 * the preview's sample unsubscribe link, and no delivery records: it is not part of the send.
 */
import type { Ctx } from "../context.js";
import { DomainError, ValidationError } from "../errors.js";
import { renderIssueMail, sampleUnsubscribeUrl } from "../issues/content.js";
import { checkAddress } from "../subscribers/address.js";
import { composeMessage, fromAddress } from "./compose.js";
import { Pacer, sleep } from "./pacer.js";
import { sendRaw } from "./ses.js";
import { classifySesError } from "./ses-errors.js";

export const MAX_TEST_RECIPIENTS = 10;
export const TEST_HEADER = "X-Newsletter-Test";
const THROTTLE_RETRIES = 5;

export interface TestCopyResult {
  sent: { to: string; messageId: string }[];
  /** Addresses SES refused (the others were sent). */
  failed: { to: string; error: string }[];
}

export async function sendTestCopy(
  ctx: Ctx,
  issueNumber: number,
  to: readonly unknown[],
): Promise<TestCopyResult> {
  if (to.length === 0) throw new ValidationError("to", "name at least one address");
  if (to.length > MAX_TEST_RECIPIENTS)
    throw new ValidationError("to", `at most ${MAX_TEST_RECIPIENTS} addresses`);
  const addresses: string[] = [];
  for (const [i, raw] of to.entries()) {
    const check = checkAddress(raw);
    if (!check.ok) throw new ValidationError(`to.${i}`, check.reason);
    if (!addresses.includes(check.email)) addresses.push(check.email);
  }

  const mail = await renderIssueMail(ctx, issueNumber); // 404 for an unknown issue
  const url = sampleUnsubscribeUrl(ctx);
  const html = mail.html(url);
  const text = mail.text(url);
  const pacer = new Pacer({ maxRate: ctx.config.sesMaxSendRate });
  const result: TestCopyResult = { sent: [], failed: [] };
  for (const address of addresses) {
    const raw = await composeMessage({
      from: fromAddress(ctx.config),
      to: address,
      subject: `[TEST] ${mail.subject}`,
      html,
      text,
      listUnsubscribeUrl: url,
      headers: { [TEST_HEADER]: "1" },
    });
    for (let attempt = 0; ; attempt++) {
      try {
        result.sent.push({ to: address, messageId: await pacer.paced(() => sendRaw(ctx, raw, [address])) });
        break;
      } catch (e) {
        const verdict = classifySesError(e, ctx.config.fromEmail);
        if (verdict.kind === "transient" && attempt < THROTTLE_RETRIES) {
          if (verdict.throttled) pacer.onThrottle();
          await sleep(pacer.backoffMs(attempt));
          continue;
        }
        if (verdict.kind === "recipient") {
          result.failed.push({ to: address, error: verdict.reason });
          break;
        }
        throw new DomainError(
          "ses_unavailable",
          `the test copy could not be sent: ${verdict.reason}`,
          "upstream",
        );
      }
    }
  }
  ctx.log.info("test copy sent", {
    issue: issueNumber,
    sent: result.sent.length,
    failed: result.failed.length,
  });
  return result;
}

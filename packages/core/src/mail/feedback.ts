/**
 * SES bounce and complaint notices, as delivered by SNS (DESIGN.md step 9): a permanent bounce or
 * a complaint suppresses the address for good; a transient or undetermined bounce is only logged.
 *
 * Both shapes SES publishes are read: identity notifications (`notificationType`) and
 * configuration-set events (`eventType`); one notice may name several recipients. Fields and
 * types we do not know are ignored (SES reserves the right to add them).
 */
import type { Ctx } from "../context.js";
import { suppressAddress } from "../subscribers/manage.js";

export interface FeedbackResult {
  /** Addresses newly suppressed by this notice. */
  suppressed: number;
}

interface Recipient {
  emailAddress?: unknown;
}

interface SesNotice {
  notificationType?: unknown;
  eventType?: unknown;
  bounce?: {
    bounceType?: unknown;
    bounceSubType?: unknown;
    bouncedRecipients?: unknown;
    feedbackId?: unknown;
  };
  complaint?: {
    complainedRecipients?: unknown;
    complaintFeedbackType?: unknown;
    complaintSubType?: unknown;
    feedbackId?: unknown;
  };
  mail?: { messageId?: unknown };
}

const str = (v: unknown): string | undefined =>
  typeof v === "string" && v.trim() !== "" ? v.trim() : undefined;

/** The addresses of a recipients list; `Name <addr>` forms are reduced to the address. */
function addressesOf(list: unknown): string[] {
  if (!Array.isArray(list)) return [];
  const out: string[] = [];
  for (const r of list as Recipient[]) {
    const raw = str(r?.emailAddress);
    if (!raw) continue;
    out.push(raw.match(/<([^<>]+)>\s*$/)?.[1]?.trim() ?? raw);
  }
  return [...new Set(out)];
}

async function suppressAll(ctx: Ctx, addresses: string[], reason: string): Promise<number> {
  let n = 0;
  for (const a of addresses) if (await suppressAddress(ctx, a, reason)) n++;
  return n;
}

/** Handles one SNS message body (the SES notification JSON). */
export async function handleSesNotification(ctx: Ctx, message: string): Promise<FeedbackResult> {
  let notice: SesNotice;
  try {
    notice = JSON.parse(message) as SesNotice;
  } catch {
    // A retry cannot fix it: log it and let the record go.
    ctx.log.error("ses notification is not JSON", { message: message.slice(0, 500) });
    return { suppressed: 0 };
  }
  if (typeof notice !== "object" || notice === null) return { suppressed: 0 };
  const type = str(notice.notificationType) ?? str(notice.eventType);
  const messageId = str(notice.mail?.messageId);

  if (type === "Bounce") {
    const bounceType = str(notice.bounce?.bounceType);
    const subType = str(notice.bounce?.bounceSubType);
    const addresses = addressesOf(notice.bounce?.bouncedRecipients);
    if (bounceType !== "Permanent") {
      // Transient (mailbox full, too large...) or Undetermined: SES itself retried; the address stays.
      ctx.log.info("ses bounce, not permanent: address kept", { bounceType, subType, addresses, messageId });
      return { suppressed: 0 };
    }
    const suppressed = await suppressAll(ctx, addresses, `bounce: Permanent${subType ? `/${subType}` : ""}`);
    ctx.log.info("ses permanent bounce", { subType, addresses, suppressed, messageId });
    return { suppressed };
  }

  if (type === "Complaint") {
    const feedbackType = str(notice.complaint?.complaintFeedbackType);
    const addresses = addressesOf(notice.complaint?.complainedRecipients);
    if (feedbackType === "not-spam") {
      // RFC 5965: the reporter says the message is *not* spam; nothing to hold against the address.
      ctx.log.info("ses complaint of type not-spam: address kept", { addresses, messageId });
      return { suppressed: 0 };
    }
    const suppressed = await suppressAll(
      ctx,
      addresses,
      `complaint${feedbackType ? `: ${feedbackType}` : ""}`,
    );
    ctx.log.info("ses complaint", { feedbackType, addresses, suppressed, messageId });
    return { suppressed };
  }

  ctx.log.info("ses notification ignored", { type: type ?? null, messageId });
  return { suppressed: 0 };
}

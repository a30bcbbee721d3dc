/** The account state that decides whether SES takes a well-formed message, and SES's answers when not. */
import type { OutgoingMessage } from "./actions.js";
import { type FaultRequest, faultError, notVerifiedMessage } from "./faults.js";
import { SesError } from "./xml.js";

export interface SesAccount {
  /**
   * Verified identities: addresses and/or domains (a domain also covers its subdomains, as in SES).
   * Unset: every sender is accepted.
   */
  verifiedIdentities?: string[];
  /** With verifiedIdentities: recipients must be verified too, as in the SES sandbox. */
  sandbox?: boolean;
  /** Sending disabled for the whole account (UpdateAccountSendingEnabled false). */
  sendingPaused?: boolean;
  /** Recipients per rolling 24 hours. Unset: not enforced, reported as what the rate allows in a day. */
  max24HourSend?: number;
  /** The configuration sets that exist. Unset: any name is accepted. */
  configurationSets?: string[];
}

export function isVerified(identities: readonly string[], address: string): boolean {
  const bare = address.toLowerCase();
  const domain = bare.slice(bare.lastIndexOf("@") + 1);
  return identities.some((identity) => {
    const id = identity.toLowerCase();
    return id.includes("@") ? id === bare : domain === id || domain.endsWith(`.${id}`);
  });
}

/** Throws SES's answer when the account refuses the message. */
export function checkAccount(
  account: SesAccount,
  msg: OutgoingMessage,
  r: FaultRequest,
  sentLast24Hours: number,
): void {
  const sets = account.configurationSets;
  if (sets && msg.configurationSetName !== undefined && !sets.includes(msg.configurationSetName))
    throw faultError("ConfigurationSetDoesNotExist", r);
  if (account.sendingPaused) throw faultError("AccountSendingPaused", r);
  const verified = account.verifiedIdentities;
  if (verified) {
    // One check covers sender and (in the sandbox) recipients: SES lists every failure together.
    const failed = [
      ...msg.senders.filter((s) => !isVerified(verified, s.address)).map((s) => s.display),
      ...(account.sandbox ? msg.destinations.filter((d) => !isVerified(verified, d)) : []),
    ];
    if (failed.length > 0) throw new SesError("MessageRejected", notVerifiedMessage(r.region, failed));
  }
  // SES lets a send through while any of the quota is left, as with the rate.
  if (account.max24HourSend !== undefined && sentLast24Hours >= account.max24HourSend)
    throw faultError("DailyQuotaExceeded", r);
}

/**
 * What an SES error means for a send, decided by *who is wrong* (DESIGN.md step 8: nobody gets an
 * issue twice, nobody is lost silently, one bad setting never fails everyone):
 *
 * - `account`: the account or the sender is wrong (sender not verified, sending paused, daily
 *   quota used up, configuration set missing, access denied, a message SES refuses whoever gets
 *   it). Nothing went out; the run stops and the issue is paused with the reason in words, no
 *   recipient is marked.
 * - `recipient`: this one recipient is refused (MessageRejected for the address, an illegal
 *   address): that delivery fails, the send goes on.
 * - `transient`: SES answered that it could not take the call now (Throttling, InternalFailure,
 *   ServiceUnavailable, another 5xx) or the connection was never made: nothing went out, retry
 *   the same message with backoff.
 * - `ambiguous`: the request was written and no answer came (our timeout, a reset, a hang-up):
 *   SES may have taken it. Never retried; reported.
 */
export type SesErrorKind = "account" | "recipient" | "transient" | "ambiguous";

/** Why the account refused: the code kept on a paused issue (`delivery.paused.code`). */
export type AccountFaultCode =
  | "sender_not_verified"
  | "sending_paused"
  | "daily_quota"
  | "configuration_set"
  | "access_denied"
  | "message_refused"
  | "refused";

export type SesVerdict =
  | { kind: "account"; code: AccountFaultCode; reason: string }
  | { kind: "recipient"; reason: string }
  | { kind: "transient"; throttled: boolean; reason: string }
  | { kind: "ambiguous"; reason: string };

/** The words of a paused send whose daily quota is used up; `detail` says how we know. */
export const dailyQuotaReason = (detail: string): string =>
  `SES's 24-hour sending quota is used up (${detail}). Resume when the rolling 24-hour window has room again, or ask AWS for a higher quota.`;

interface SdkErrorLike {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  $response?: unknown;
  cause?: unknown;
}

const THROTTLED = new Set(["Throttling", "ThrottlingException", "TooManyRequestsException"]);
const PAUSED = new Set(["AccountSendingPausedException", "ConfigurationSetSendingPausedException"]);
const CONFIG_SET = new Set([
  "ConfigurationSetDoesNotExistException",
  "ConfigurationSetDoesNotExist",
  "InvalidConfigurationSetException",
]);
const SENDER = new Set([
  "MailFromDomainNotVerifiedException",
  "FromEmailAddressNotVerifiedException",
  "ProductionAccessNotGrantedException",
]);
/** Credentials or IAM: the SDK's names for them (the SES Query API answers 403 with these codes). */
const ACCESS = new Set([
  "AccessDenied",
  "AccessDeniedException",
  "InvalidClientTokenId",
  "UnrecognizedClientException",
  "SignatureDoesNotMatch",
  "IncompleteSignature",
  "MissingAuthenticationToken",
  "ExpiredToken",
  "ExpiredTokenException",
  "RequestExpired",
  "OptInRequired",
  "CredentialsProviderError",
]);
const SERVER = new Set([
  "InternalFailure",
  "InternalError",
  "ServiceUnavailable",
  "ServiceUnavailableException",
]);
/** Node's codes for a connection that was never established: the request never left. */
const NOT_CONNECTED = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH"]);

const ADDRESS = /[^\s<>,;:"']+@[^\s<>,;:"']+/g;

/** The identities named by SES's "Email address is not verified. The following identities failed the check in region X: …". */
function failedIdentities(message: string): string[] | undefined {
  if (!/not verified/i.test(message)) return undefined;
  const list = message.slice(message.lastIndexOf(":") + 1);
  return [...list.matchAll(ADDRESS)].map((m) => m[0].replace(/\.+$/, "").toLowerCase());
}

const domainOf = (address: string) => address.slice(address.lastIndexOf("@") + 1).toLowerCase();

/**
 * Classifies an error thrown by SendRawEmail. `sender` is the envelope sender (FROM_EMAIL): SES
 * answers the same "not verified" MessageRejected for an unverified sender (every message fails:
 * an account fault) and, in the sandbox, for an unverified recipient (only that one fails).
 */
export function classifySesError(e: unknown, sender: string): SesVerdict {
  const err = (e ?? {}) as SdkErrorLike;
  const name = err.name ?? "";
  const message = err.message ?? String(e);
  const reason = sesErrorText(e);
  const status = err.$metadata?.httpStatusCode;

  if (THROTTLED.has(name)) {
    if (/daily message quota/i.test(message)) {
      return { kind: "account", code: "daily_quota", reason: dailyQuotaReason(reason) };
    }
    return { kind: "transient", throttled: true, reason };
  }
  if (name === "MessageRejected") {
    // An account AWS itself paused answers MessageRejected, worded for the account.
    if (/sending paused for this account|account.*(paused|suspended)/i.test(message)) {
      return {
        kind: "account",
        code: "sending_paused",
        reason: `AWS has paused sending for this SES account (${reason}). Check the mail of the AWS account's owner and the SES console, then resume.`,
      };
    }
    const identities = failedIdentities(message);
    if (identities) {
      const from = sender.toLowerCase();
      const senderNamed =
        identities.length === 0 || identities.some((id) => id === from || id === domainOf(from));
      if (senderNamed) {
        return {
          kind: "account",
          code: "sender_not_verified",
          reason: `SES refuses the sender ${sender}: it is not a verified identity in this region (${reason}). Verify the address or its domain in SES, then resume.`,
        };
      }
      return {
        kind: "recipient",
        reason: `${reason} (the SES account is in the sandbox: it can only mail verified addresses until production access is granted)`,
      };
    }
    return { kind: "recipient", reason };
  }
  if (name === "InvalidParameterValue") {
    // An address SES cannot parse fails that recipient; anything else is wrong with the message
    // itself (its size, its headers) and would fail every recipient alike.
    if (/address|domain|@/i.test(message)) return { kind: "recipient", reason };
    return {
      kind: "account",
      code: "message_refused",
      reason: `SES refuses the issue's message itself (${reason}). Fix the issue, then resume.`,
    };
  }
  if (PAUSED.has(name)) {
    return {
      kind: "account",
      code: "sending_paused",
      reason: `SES has paused sending for this account or configuration set (${reason}). Re-enable sending in SES, then resume.`,
    };
  }
  if (CONFIG_SET.has(name)) {
    return {
      kind: "account",
      code: "configuration_set",
      reason: `The SES configuration set is missing or invalid (${reason}). Create it or fix the setting, then resume.`,
    };
  }
  if (SENDER.has(name)) {
    return {
      kind: "account",
      code: "sender_not_verified",
      reason: `SES refuses the sender ${sender} (${reason}). Verify the sender's identity in SES, then resume.`,
    };
  }
  if (ACCESS.has(name) || status === 401 || status === 403) {
    return {
      kind: "account",
      code: "access_denied",
      reason: `SES refused the credentials or permissions of the sender (${reason}). Fix the credentials or the IAM policy, then resume.`,
    };
  }
  if (SERVER.has(name) || (typeof status === "number" && status >= 500)) {
    return { kind: "transient", throttled: false, reason };
  }
  const code = err.code ?? (err.cause as SdkErrorLike | undefined)?.code;
  if (code && NOT_CONNECTED.has(code)) return { kind: "transient", throttled: false, reason };
  if (typeof status === "number" && status >= 400) {
    // An answer we do not know: SES refused the call itself. Pausing costs a resume; marking every
    // recipient failed would cost the issue.
    return {
      kind: "account",
      code: "refused",
      reason: `SES refused the call (${reason}). Check the account, then resume.`,
    };
  }
  // Our timeout, a reset or hang-up after the request was written, anything else without an answer.
  return { kind: "ambiguous", reason };
}

/** A short description for logs and the delivery record. */
export function sesErrorText(e: unknown): string {
  const err = (e ?? {}) as SdkErrorLike;
  const text = `${err.name ?? "Error"}: ${err.message ?? String(e)}`;
  return text.length > 500 ? `${text.slice(0, 497)}...` : text;
}

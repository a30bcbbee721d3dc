/**
 * What an error from SendRawEmail means for the message, which decides what the sender does with
 * its claim (DESIGN.md step 8: nobody gets an issue twice, nobody is lost silently):
 *
 * - `throttled`: SES refused it for the rate; retry the same message later (the claim stays).
 * - `quota`: the account's 24-hour quota is used up; nothing more goes out today.
 * - `rejected`: SES refused this message for good (MessageRejected, InvalidParameterValue): the
 *   delivery fails, the send goes on.
 * - `refused`: SES refused the call for a reason that is not the recipient's (credentials, a
 *   paused account, an unverified sender): nothing was sent, the send stops.
 * - `unreachable`: the connection was never made (refused, DNS): nothing was sent, retry.
 * - `unknown`: the call may or may not have reached SES (timeout, reset, 5xx): the claim is
 *   ambiguous and is never retried.
 */
export type SesErrorKind = "throttled" | "quota" | "rejected" | "refused" | "unreachable" | "unknown";

const REJECTED = new Set(["MessageRejected", "InvalidParameterValue"]);
const THROTTLED = new Set(["Throttling", "ThrottlingException", "TooManyRequestsException"]);
/** Node's codes for a connection that was never established: the request never left. */
const NOT_CONNECTED = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH"]);

interface SdkErrorLike {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  cause?: unknown;
}

export function classifySesError(e: unknown): SesErrorKind {
  const err = (e ?? {}) as SdkErrorLike;
  const name = err.name ?? "";
  if (THROTTLED.has(name)) return /daily message quota/i.test(err.message ?? "") ? "quota" : "throttled";
  if (REJECTED.has(name)) return "rejected";
  const status = err.$metadata?.httpStatusCode;
  if (typeof status === "number" && status >= 400 && status < 500) return "refused";
  const code = err.code ?? (err.cause as SdkErrorLike | undefined)?.code;
  if (code && NOT_CONNECTED.has(code)) return "unreachable";
  return "unknown";
}

/** A short description for logs and the delivery record. */
export function sesErrorText(e: unknown): string {
  const err = (e ?? {}) as SdkErrorLike;
  const text = `${err.name ?? "Error"}: ${err.message ?? String(e)}`;
  return text.length > 500 ? `${text.slice(0, 497)}...` : text;
}

/**
 * The failures a sender has to tell apart, as SES v1 (awsQuery) answers them. Each entry names
 * where its shape comes from; "observed" means a real SES answer quoted in a public issue, "API
 * reference" means the text of the exception's description in the SES API reference (used where
 * no real answer could be found).
 */
import { SesError } from "./xml.js";

/** What a fault's text may name: the request it answers. */
export interface FaultRequest {
  action: string;
  /** The bare sender address, when the request has a readable one. */
  source?: string;
  /** The sender fields as SES lists them (`Name <addr>` or `addr`); empty when unreadable. */
  senders: string[];
  destinations: string[];
  configurationSetName?: string;
  region: string;
}

export interface SesFaultSpec {
  /** The XML `<Code>`; the SDK maps it to the exception `name`. */
  code: string;
  status: number;
  type: "Sender" | "Receiver";
  message: string | ((r: FaultRequest) => string);
  /** Further `<Error>` members the SDK copies onto the exception. */
  members?: (r: FaultRequest) => Record<string, string>;
}

/** The account all ARNs name: AWS's documentation placeholder. */
export const LOCAL_ACCOUNT_ID = "123456789012";
const PRINCIPAL = `arn:aws:sts::${LOCAL_ACCOUNT_ID}:assumed-role/SendWorker/send`;

/** Observed (django-ses#120, fluent-smtp#90): one check, every failing identity comma-separated. */
export function notVerifiedMessage(region: string, identities: string[]): string {
  const list = [...new Set(identities)].join(", ");
  return `Email address is not verified. The following identities failed the check in region ${region.toUpperCase()}: ${list}`;
}

const configurationSet = (r: FaultRequest) => r.configurationSetName ?? "default";
const domainOf = (r: FaultRequest) => r.source?.slice(r.source.lastIndexOf("@") + 1) ?? "example.org";

export const SES_FAULTS = {
  // Observed (awsdocs/amazon-ses-developer-guide#60).
  Throttling: { code: "Throttling", status: 400, type: "Sender", message: "Maximum sending rate exceeded." },
  // Observed over SMTP as "454 Throttling failure: Daily message quota exceeded."
  // (EFForg/action-center-platform#874); the API answers the same code and text.
  DailyQuotaExceeded: {
    code: "Throttling",
    status: 400,
    type: "Sender",
    message: "Daily message quota exceeded.",
  },
  // Observed: SES's own suppression list refuses a recipient this way (emencia-django-newsletter#61).
  MessageRejected: { code: "MessageRejected", status: 400, type: "Sender", message: "Address blacklisted." },
  SenderNotVerified: {
    code: "MessageRejected",
    status: 400,
    type: "Sender",
    message: (r) => notVerifiedMessage(r.region, r.senders),
  },
  // Observed (mageplaza/magento-2-smtp#211): a sandboxed account names the recipient.
  RecipientNotVerified: {
    code: "MessageRejected",
    status: 400,
    type: "Sender",
    message: (r) => notVerifiedMessage(r.region, r.destinations),
  },
  // Observed (GoodDollar/GoodServer#419): an account that AWS paused answers MessageRejected, not
  // AccountSendingPausedException, so it reads like a recipient-level rejection.
  AccountPausedByAws: {
    code: "MessageRejected",
    status: 400,
    type: "Sender",
    message:
      "Sending paused for this account. For more information, please check the inbox of the email address associated with your AWS account.",
  },
  // API reference (sending disabled with UpdateAccountSendingEnabled).
  AccountSendingPaused: {
    code: "AccountSendingPausedException",
    status: 400,
    type: "Sender",
    message: "Email sending is disabled for your entire Amazon SES account.",
  },
  // Observed text, angle brackets included (a production log quoted in mailagents' smoke-testing
  // notes; localstack answers the same). The SDK maps this code to ConfigurationSetDoesNotExistException.
  ConfigurationSetDoesNotExist: {
    code: "ConfigurationSetDoesNotExist",
    status: 400,
    type: "Sender",
    message: (r) => `Configuration set <${configurationSet(r)}> does not exist.`,
    members: (r) => ({ ConfigurationSetName: configurationSet(r) }),
  },
  // API reference.
  ConfigurationSetSendingPaused: {
    code: "ConfigurationSetSendingPausedException",
    status: 400,
    type: "Sender",
    message: "Email sending is disabled for the configuration set.",
    members: (r) => ({ ConfigurationSetName: configurationSet(r) }),
  },
  // API reference.
  MailFromDomainNotVerified: {
    code: "MailFromDomainNotVerifiedException",
    status: 400,
    type: "Sender",
    message:
      "The message could not be sent because Amazon SES could not read the MX record required to use the specified MAIL FROM domain.",
  },
  // Observed (cloud-custodian#4582, danielireson/formplug#11): SES quotes with `…' on send
  // actions; other actions get IAM's plain form (aws/aws-sdk-php#941).
  AccessDenied: {
    code: "AccessDenied",
    status: 403,
    type: "Sender",
    message: (r) =>
      r.action === "SendRawEmail" || r.action === "SendEmail"
        ? `User \`${PRINCIPAL}' is not authorized to perform \`ses:${r.action}' on resource ` +
          `\`arn:aws:ses:${r.region}:${LOCAL_ACCOUNT_ID}:identity/${domainOf(r)}'`
        : `User: ${PRINCIPAL} is not authorized to perform: ses:${r.action}`,
  },
  // Observed (django-ses#283, on GetSendQuota).
  InvalidClientTokenId: {
    code: "InvalidClientTokenId",
    status: 403,
    type: "Sender",
    message: "The security token included in the request is invalid.",
  },
  // AWS common errors.
  InternalFailure: {
    code: "InternalFailure",
    status: 500,
    type: "Receiver",
    message: "The request processing has failed because of an unknown error, exception or failure.",
  },
  // AWS common errors (code and status); the text is the one AWS query services answer.
  ServiceUnavailable: {
    code: "ServiceUnavailable",
    status: 503,
    type: "Receiver",
    message: "Service is unable to handle request.",
  },
} as const satisfies Record<string, SesFaultSpec>;

/**
 * Faults with no XML answer. Hang: read the request, never answer. AcceptThenHang: accept the
 * message (outbox, stats) regardless of rate and account state, then never answer: it WAS sent.
 * ResetAfterRequest: read the request, then drop the connection.
 */
export const SES_TRANSPORT_FAULTS = ["Hang", "AcceptThenHang", "ResetAfterRequest"] as const;

export type SesAnswerFaultName = keyof typeof SES_FAULTS;
export type SesTransportFaultName = (typeof SES_TRANSPORT_FAULTS)[number];
export type SesFaultName = SesAnswerFaultName | SesTransportFaultName;

export function faultError(name: SesAnswerFaultName, r: FaultRequest): SesError {
  const spec: SesFaultSpec | undefined = SES_FAULTS[name];
  if (!spec) throw new Error(`unknown SES fault: ${name}`); // a hook written in plain JS
  const message = typeof spec.message === "function" ? spec.message(r) : spec.message;
  return new SesError(spec.code, message, spec.status, spec.type, spec.members?.(r));
}

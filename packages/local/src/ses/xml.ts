/** SES's XML answers (namespace 2010-12-01) and its error shape, as the SDK's awsQuery protocol reads them. */
export const SES_NAMESPACE = "http://ses.amazonaws.com/doc/2010-12-01/";

/**
 * An SES error answer: `code` becomes the SDK error's `name`; `members` are further `<Error>`
 * fields that the SDK copies onto a modelled exception (such as `ConfigurationSetName`).
 */
export class SesError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
    readonly type: "Sender" | "Receiver" = status < 500 ? "Sender" : "Receiver",
    readonly members: Record<string, string> = {},
  ) {
    super(message);
    this.name = code;
  }
}

export function escapeXml(text: string): string {
  return text.replace(
    /[<>&"']/g,
    (c) => `&${{ "<": "lt", ">": "gt", "&": "amp", '"': "quot", "'": "apos" }[c]};`,
  );
}

function elements(fields: Record<string, string>): string {
  return Object.entries(fields)
    .map(([name, value]) => `<${name}>${escapeXml(value)}</${name}>`)
    .join("");
}

/** `<ActionResponse><ActionResult>…fields…</ActionResult><ResponseMetadata>…` */
export function resultXml(action: string, fields: Record<string, string>, requestId: string): string {
  const body = elements(fields);
  return (
    `<${action}Response xmlns="${SES_NAMESPACE}">` +
    `<${action}Result>${body}</${action}Result>` +
    `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata>` +
    `</${action}Response>`
  );
}

export function errorXml(err: SesError, requestId: string): string {
  return (
    `<ErrorResponse xmlns="${SES_NAMESPACE}">` +
    `<Error><Type>${err.type}</Type><Code>${escapeXml(err.code)}</Code><Message>${escapeXml(err.message)}</Message>${elements(err.members)}</Error>` +
    `<RequestId>${requestId}</RequestId>` +
    `</ErrorResponse>`
  );
}

/** SES writes doubles with a decimal point ("14.0"). */
export function xmlDouble(n: number): string {
  return Number.isInteger(n) ? n.toFixed(1) : String(n);
}

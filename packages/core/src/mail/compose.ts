/**
 * Every mail we send is built here as MIME with nodemailer's MailComposer (DESIGN.md step 8):
 * HTML and text parts, a Message-ID on our own domain, and for newsletter mail the RFC 2369 /
 * RFC 8058 unsubscribe headers that let mail clients show a one-click "Unsubscribe".
 */
import { randomBytes } from "node:crypto";
import MailComposer from "nodemailer/lib/mail-composer";
import type { Config } from "../config.js";

export interface ComposeInput {
  /** `"Name <addr>"` or a bare address; see `fromAddress(config)`. */
  from: string | { name: string; address: string };
  to: string | string[];
  subject: string;
  html: string;
  text: string;
  /**
   * The https (locally http) unsubscribe link of this recipient: sets `List-Unsubscribe` and
   * `List-Unsubscribe-Post: List-Unsubscribe=One-Click`.
   */
  listUnsubscribeUrl?: string;
  /** RFC 2919 `List-Id` of newsletter mail, built by `listIdOf`. */
  listId?: string;
  /** Extra headers, e.g. `X-Test-Copy`. They cannot replace the ones set here. */
  headers?: Record<string, string>;
  /** Defaults to a random id on the From address's domain. */
  messageId?: string;
  date?: Date;
  /** The random part of the MIME boundaries (default: random per message). */
  baseBoundary?: string;
}

/** The From of our mail: `NEWSLETTER_NAME <FROM_EMAIL>`. */
export const fromAddress = (config: Pick<Config, "newsletterName" | "fromEmail">) => ({
  name: config.newsletterName,
  address: config.fromEmail,
});

/**
 * RFC 2919 `List-Id: "Name" <slug.host>`, host from `PUBLIC_BASE_URL` (else `FROM_EMAIL`'s
 * domain). The phrase is left out for a non-ASCII name rather than risk a mis-encoded header.
 */
export function listIdOf(
  config: Pick<Config, "newsletterName" | "newsletterSlug" | "publicBaseUrl" | "fromEmail">,
): string {
  let host = "";
  try {
    host = new URL(config.publicBaseUrl).hostname;
  } catch {}
  if (!host || host === "localhost" || /^[\d.]+$|:/.test(host))
    host = config.fromEmail.split("@").pop() || "localhost";
  const id = `<${config.newsletterSlug}.${host.toLowerCase()}>`;
  const name = config.newsletterName.replace(/["\\\r\n]/g, "").trim();
  return name && /^[ -~]+$/.test(name) ? `"${name}" ${id}` : id;
}

const addressOf = (from: ComposeInput["from"]): string =>
  typeof from === "string" ? (from.match(/<([^>]+)>\s*$/)?.[1] ?? from).trim() : from.address;

/** A fresh `<random@domain>` Message-ID on the domain of `fromEmail`. */
export function newMessageId(fromEmail: string): string {
  const domain = fromEmail.split("@").pop() || "localhost";
  return `<${Date.now().toString(36)}.${randomBytes(12).toString("hex")}@${domain}>`;
}

const OWN_HEADERS = new Set([
  "list-id",
  "list-unsubscribe",
  "list-unsubscribe-post",
  "message-id",
  "from",
  "to",
  "subject",
  "date",
]);

/** Builds the raw MIME message (CRLF line ends) ready for SendRawEmail. */
export async function composeMessage(input: ComposeInput): Promise<Buffer> {
  const headers: Record<string, string | { prepared: true; value: string }> = {};
  for (const [name, value] of Object.entries(input.headers ?? {})) {
    if (OWN_HEADERS.has(name.toLowerCase()))
      throw new Error(`composeMessage: header ${name} is set by the composer`);
    if (/[\r\n]/.test(value) || !/^[!-9;-~]+$/.test(name))
      throw new Error(`composeMessage: invalid header ${name}`);
    headers[name] = value;
  }
  if (input.listUnsubscribeUrl) {
    const url = new URL(input.listUnsubscribeUrl);
    if (url.protocol !== "https:" && url.protocol !== "http:")
      throw new Error("List-Unsubscribe must be an http(s) URL");
    // `prepared`: emitted as is, so the URL is never folded or encoded inside its angle brackets.
    headers["List-Unsubscribe"] = { prepared: true, value: `<${url.href}>` };
    headers["List-Unsubscribe-Post"] = { prepared: true, value: "List-Unsubscribe=One-Click" };
  }
  if (input.listId) {
    if (/[\r\n]/.test(input.listId)) throw new Error("composeMessage: invalid List-Id");
    headers["List-Id"] = { prepared: true, value: input.listId };
  }
  const composer = new MailComposer({
    from: input.from,
    to: input.to,
    subject: input.subject,
    html: input.html,
    text: input.text,
    messageId: input.messageId ?? newMessageId(addressOf(input.from)),
    date: input.date,
    baseBoundary: input.baseBoundary,
    headers,
    newline: "win",
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  return composer.compile().build();
}

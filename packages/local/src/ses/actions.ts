/**
 * The two sending actions, from query parameters to the message SES would send: SendRawEmail takes
 * the caller's bytes as they are; SendEmail builds the MIME with nodemailer's MailComposer.
 */
import MailComposer from "nodemailer/lib/mail-composer";
import {
  addressesOf,
  headerRecipients,
  MAX_MESSAGE_BYTES,
  readHeaders,
  type Sender,
  senderOf,
} from "./mime.js";
import type { QueryParams } from "./query.js";
import { SesError } from "./xml.js";

export interface OutgoingMessage {
  raw: Buffer;
  /** The bare sender address: the Source parameter, else the From field. */
  source: string;
  /** Bare recipient addresses: the Destinations parameter, else To/Cc/Bcc. */
  destinations: string[];
  /** Every sender field SES verifies, as written: From (raw messages only), then Source. */
  senders: Sender[];
  configurationSetName?: string;
  tags: { name: string; value: string }[];
}

// A plain character class: a grouped repetition overflows the regex stack on a 10 MB message.
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function required(q: QueryParams, key: string): string {
  const value = q.get(key);
  if (value === undefined)
    throw new SesError("MissingParameter", `The request must contain the parameter ${key}.`);
  return value;
}

function firstAddress(field: string): string {
  const [first] = addressesOf(field);
  if (!first) throw new SesError("InvalidParameterValue", "Missing final '@domain'");
  return first;
}

function extras(q: QueryParams): Pick<OutgoingMessage, "configurationSetName" | "tags"> {
  const configurationSetName = q.get("ConfigurationSetName");
  return { ...(configurationSetName ? { configurationSetName } : {}), tags: q.tags("Tags") };
}

function atLeastOne(destinations: string[]): string[] {
  if (destinations.length === 0) throw new SesError("InvalidParameterValue", "Missing required header 'To'.");
  return destinations;
}

export function readRawEmail(q: QueryParams): OutgoingMessage {
  const data = required(q, "RawMessage.Data").replace(/\s+/g, "");
  if (data.length % 4 !== 0 || !BASE64.test(data))
    throw new SesError("InvalidParameterValue", "RawMessage.Data is not valid base64.");
  const raw = Buffer.from(data, "base64");
  if (raw.length > MAX_MESSAGE_BYTES) {
    throw new SesError(
      "InvalidParameterValue",
      `Message length is more than ${MAX_MESSAGE_BYTES} bytes long: '${raw.length}'.`,
    );
  }
  const headers = readHeaders(raw);
  const sourceParam = q.get("Source");
  const from = headers.get("from")?.[0];
  if (!sourceParam && from === undefined)
    throw new SesError("InvalidParameterValue", "Missing required header 'From'.");
  const source = sourceParam ? firstAddress(sourceParam) : firstAddress(from ?? "");
  // Parse the From field even when Source wins: SES refuses a message whose From is malformed.
  if (from !== undefined) addressesOf(from);
  const senders = [from, sourceParam].flatMap((field) => (field ? (senderOf(field) ?? []) : []));
  const listed = q.list("Destinations").flatMap(addressesOf);
  const destinations = atLeastOne(listed.length > 0 ? listed : headerRecipients(headers));
  return { raw, source, destinations, senders, ...extras(q) };
}

/** Builds the message of a SendEmail call; `messageId` becomes its Message-ID, as SES does. */
export async function composeEmail(q: QueryParams, messageId: string): Promise<OutgoingMessage> {
  const from = required(q, "Source");
  const source = firstAddress(from);
  const senders = [senderOf(from) ?? { display: source, address: source }];
  const subject = required(q, "Message.Subject.Data");
  const text = q.get("Message.Body.Text.Data");
  const html = q.get("Message.Body.Html.Data");
  if (text === undefined && html === undefined) {
    throw new SesError(
      "MissingParameter",
      "The request must contain the parameter Message.Body.Text or Message.Body.Html.",
    );
  }
  const [to, cc, bcc, replyTo] = [
    "Destination.ToAddresses",
    "Destination.CcAddresses",
    "Destination.BccAddresses",
    "ReplyToAddresses",
  ].map((key) => q.list(key)) as [string[], string[], string[], string[]];
  replyTo.forEach(addressesOf);
  const returnPath = q.get("ReturnPath");
  if (returnPath) firstAddress(returnPath);
  const destinations = atLeastOne([...to, ...cc, ...bcc].flatMap(addressesOf));
  const orNone = (list: string[]) => (list.length > 0 ? list : undefined);
  const composer = new MailComposer({
    from,
    to: orNone(to),
    cc: orNone(cc),
    bcc: orNone(bcc), // MailComposer leaves Bcc out of the headers, as SES does
    replyTo: orNone(replyTo),
    subject,
    text,
    html,
    messageId: `<${messageId}@email.amazonses.com>`,
  });
  const raw = await composer.compile().build();
  return { raw, source, destinations, senders, ...extras(q) };
}

/**
 * What SES reads from a raw message before accepting it: the header fields (for From/To/Cc/Bcc
 * when the request names no Source or Destinations) and the addresses, checked as SES checks them.
 * SES answers these problems with InvalidParameterValue, using the messages below.
 */
import addressparser from "nodemailer/lib/addressparser";
import { SesError } from "./xml.js";

export const MAX_MESSAGE_BYTES = 10_485_760;

const invalid = (message: string) => new SesError("InvalidParameterValue", message);

/** Header fields by lower-case name, unfolded; the header section ends at the first empty line. */
export function readHeaders(raw: Buffer): Map<string, string[]> {
  const crlf = raw.indexOf("\r\n\r\n");
  const lf = raw.indexOf("\n\n");
  const ends = [crlf, lf].filter((i) => i >= 0);
  const end = ends.length > 0 ? Math.min(...ends) : raw.length;
  // latin1 keeps every byte as one character: only addresses (ASCII) are read from the result.
  const lines = raw.subarray(0, end).toString("latin1").split(/\r?\n/);
  const fields: [string, string][] = [];
  for (const line of lines) {
    if (line === "") continue;
    const last = fields[fields.length - 1];
    if (/^[ \t]/.test(line) && last) {
      last[1] += line;
      continue;
    }
    if (line.startsWith(":")) throw invalid("Empty header names are illegal.");
    const m = /^([\x21-\x39\x3b-\x7e]+)[ \t]*:(.*)$/.exec(line);
    if (!m) throw invalid(`Illegal header line: '${line.slice(0, 60)}'.`);
    fields.push([m[1]!.toLowerCase(), m[2]!]);
  }
  const headers = new Map<string, string[]>();
  for (const [name, value] of fields) headers.set(name, [...(headers.get(name) ?? []), value.trim()]);
  return headers;
}

/** The bare addresses of an address field or parameter (`"Name" <a@b>, c@d`), each checked. */
export function addressesOf(field: string): string[] {
  // addressparser leaves a word without "@" in `name`: check it as the address it was meant to be.
  return addressparser(field, { flatten: true }).map((a) => checkAddress(a.address || a.name));
}

/** A sender as SES names it in its "not verified" answer: `Name <addr>`, or the bare `addr`. */
export interface Sender {
  display: string;
  address: string;
}

/** The first address of a field as a Sender; undefined for a field without any. */
export function senderOf(field: string): Sender | undefined {
  const [first] = addressparser(field, { flatten: true });
  if (!first) return undefined;
  const address = checkAddress(first.address || first.name);
  const name = first.address ? first.name.trim() : "";
  return { display: name ? `${name} <${address}>` : address, address };
}

/** Returns the address, or throws SES's InvalidParameterValue for it. */
export function checkAddress(address: string): string {
  const at = address.lastIndexOf("@");
  if (at < 0 || at === address.length - 1) throw invalid("Missing final '@domain'");
  if (at === 0) throw invalid("Missing local name");
  const local = address.slice(0, at);
  const domain = address.slice(at + 1);
  if (!/^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+$/.test(local) && !/^"[^"\r\n]*"$/.test(local)) {
    throw invalid("Local address contains illegal character.");
  }
  if (!/^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*$/.test(domain) && !/^\[[^\]]+\]$/.test(domain)) {
    throw invalid("Domain contains illegal character.");
  }
  return address;
}

/** The recipients named in the To, Cc and Bcc fields. */
export function headerRecipients(headers: Map<string, string[]>): string[] {
  return ["to", "cc", "bcc"].flatMap((name) => (headers.get(name) ?? []).flatMap(addressesOf));
}

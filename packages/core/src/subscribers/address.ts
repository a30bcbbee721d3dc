/**
 * Email addresses of subscribers: validation with a reason a person can act on, and one
 * normal form, so the same mailbox typed two ways is one subscriber (its id is a hash of it).
 *
 * Normal form: trimmed, the whole address lower-cased, the domain in ASCII (IDN → punycode).
 * The local part is lower-cased too: RFC 5321 lets it be case-sensitive, but no mainstream
 * mailbox provider treats it so, and two subscribers for `Ann@x.org` and `ann@x.org` (two
 * mails per issue, an unsubscribe that "does not work") is the worse failure.
 * Non-ASCII local parts (SMTPUTF8) are refused: SES does not deliver to them.
 */
import { domainToASCII } from "node:url";
import { shortHash } from "../url/canonical.js";

export type AddressCheck = { ok: true; email: string } | { ok: false; reason: string };

/** RFC 5322 dot-atom characters of a local part. */
const ATOM = /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+$/;
const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/** Longest address accepted, in characters (64 for the local part, @, 255 for the domain). */
export const MAX_ADDRESS_LENGTH = 320;

export function checkAddress(input: unknown): AddressCheck {
  if (input === undefined || input === null) return { ok: false, reason: "is missing" };
  if (typeof input !== "string") return { ok: false, reason: "must be a string" };
  const value = input.trim();
  if (value === "") return { ok: false, reason: "is empty" };
  if (value.length > MAX_ADDRESS_LENGTH) return { ok: false, reason: "is too long" };
  const at = value.lastIndexOf("@");
  if (at < 0) return { ok: false, reason: "has no @" };
  const local = value.slice(0, at).toLowerCase();
  const rawDomain = value.slice(at + 1);
  if (local === "") return { ok: false, reason: "has nothing before the @" };
  if (rawDomain === "") return { ok: false, reason: "has no domain after the @" };
  if (local.length > 64) return { ok: false, reason: "has a local part over 64 characters" };
  if (/[^\x21-\x7e]/.test(local))
    return { ok: false, reason: "has spaces or non-ASCII characters before the @" };
  if (!local.split(".").every((atom) => ATOM.test(atom))) {
    return { ok: false, reason: "has characters or dots before the @ that an address cannot have" };
  }
  // domainToASCII lower-cases and converts IDN labels; it returns "" for what cannot be a domain.
  const domain = /[\s@[\]]/.test(rawDomain) ? "" : domainToASCII(rawDomain.replace(/\.$/, ""));
  const labels = domain.split(".");
  if (domain === "" || domain.length > 253 || !labels.every((l) => LABEL.test(l))) {
    return { ok: false, reason: "has an invalid domain" };
  }
  if (labels.length < 2 || /^\d+$/.test(labels[labels.length - 1]!)) {
    return { ok: false, reason: "needs a domain with a top-level part, like example.com" };
  }
  const email = `${local}@${domain}`;
  if (email.length > 254) return { ok: false, reason: "is too long" };
  return { ok: true, email };
}

/** The normal form of an address, or undefined when it is not a deliverable address. */
export function normalizeAddress(input: unknown): string | undefined {
  const r = checkAddress(input);
  return r.ok ? r.email : undefined;
}

/** The subscriber id of a normalised address (DESIGN.md: `SUB#<emailhash>`). */
export const subscriberIdOf = (normalizedEmail: string): string => shortHash(`email:${normalizedEmail}`);

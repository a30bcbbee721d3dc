/**
 * One issue's copies, one per recipient (DESIGN.md step 8). The copies differ only in the
 * recipient's address (To), Message-ID and unsubscribe token (the List-Unsubscribe header and the
 * links in both parts). MailComposer composing every copy cost 1.8 ms of CPU a copy for a 10 KB
 * issue and 3.3 ms for 40 KB (`npx tsx scripts/bench.ts --only send` prints the ratio): at SES
 * rates of a few hundred a second, most of a Lambda's CPU. So MailComposer composes the issue for
 * a stand-in recipient once a run, and each copy is that message with the stand-in's values
 * replaced by the recipient's.
 *
 * Why a replacement gives the bytes MailComposer would have built:
 * - the token and the Message-ID have one shape for every subscriber (ids are fixed-length
 *   hashes, expiries the same length for decades): a copy's value replaces the stand-in's
 *   character for character, word characters for word characters, punctuation unchanged. They
 *   are written as they are in headers and in quoted-printable or 7bit parts alike, and where
 *   quoted-printable folds a line depends only on lengths, `=` escapes and spaces or `.,!?`,
 *   which the shape keeps;
 * - the address appears only in the To header, as it is when short, plain ASCII and its domain in
 *   lower case.
 * A second stand-in, composed by MailComposer too, checks it for this issue and this version of
 * nodemailer: only if the replacement rebuilds it byte for byte are copies made this way. Any
 * recipient outside those shapes, and every recipient of an issue that fails the check (a
 * base64 part, say), gets a copy composed by MailComposer as before.
 *
 * Every copy of a run carries the Date of the template, the time the run composed the issue.
 */
import { randomBytes } from "node:crypto";
import type { Ctx } from "../context.js";
import type { RenderedIssue } from "../issues/render/index.js";
import { unsubscribeLink } from "../subscribers/links.js";
import { composeMessage, fromAddress, listIdOf } from "./compose.js";

export interface CopyRecipient {
  id: string;
  email: string;
}

/** The values that make a copy one recipient's. */
interface Personal {
  token: string;
  messageId: string;
  email: string;
}

type Key = keyof Personal;

/** Word characters are written as they are everywhere in the message; the rest must match. */
const shapeOf = (s: string) => s.replace(/[A-Za-z0-9_-]/g, "w");
/** An address MailComposer writes as it is, on one unfolded To line (it lowercases a domain). */
const PLAIN_ADDRESS = /^[A-Za-z0-9_+-]+(\.[A-Za-z0-9_+-]+)*@[a-z0-9-]+(\.[a-z0-9-]+)+$/;
const MAX_PLAIN_ADDRESS = 70;
const TOKEN_PARAM = "?token=";
/** A quoted-printable soft line break. */
const SOFT_BREAK = "=\r\n";

/** Where the template holds a value: bytes [start, end) of it are value[from, from + end - start). */
interface Hole {
  start: number;
  end: number;
  key: Key;
  from: number;
}

interface Template {
  /** The stand-in's copy, split at the holes: segments[i], hole i, segments[i + 1], ... */
  segments: Buffer[];
  holes: Hole[];
  shapes: Record<"token" | "messageId", string>;
}

export interface IssueCopies {
  /** The recipient's copy: the template's when it fits, else composed by MailComposer. */
  copy(r: CopyRecipient): Promise<Buffer>;
  /** Copies made from the template, and composed one by one. */
  stats(): { spliced: number; composed: number };
}

export interface CopyOptions {
  /** Tests: the Date and MIME boundary every copy gets (default: now, random). */
  date?: Date;
  baseBoundary?: string;
}

/** `<issue-N.ID@domain>`: one stable Message-ID per issue and recipient (a duplicate is one message to the mail client). */
export function deliveryMessageId(fromEmail: string, issueNumber: number, subscriberId: string): string {
  const domain = fromEmail.split("@").pop() || "localhost";
  return `<issue-${issueNumber}.${subscriberId}@${domain}>`;
}

/**
 * One recipient's copy composed by MailComposer: their unsubscribe link (`url`, made here unless
 * given) spliced into the issue.
 */
export function composeDelivery(
  ctx: Ctx,
  mail: RenderedIssue,
  issueNumber: number,
  r: CopyRecipient,
  { url = unsubscribeLink(ctx, r.id), ...opts }: CopyOptions & { url?: string } = {},
): Promise<Buffer> {
  return composeMessage({
    from: fromAddress(ctx.config),
    to: r.email,
    subject: mail.subject,
    html: mail.html(url),
    text: mail.text(url),
    listUnsubscribeUrl: url,
    listId: listIdOf(ctx.config),
    messageId: deliveryMessageId(ctx.config.fromEmail, issueNumber, r.id),
    ...opts,
  });
}

/** The copies of issue `issueNumber` for this run. */
export function issueCopies(
  ctx: Ctx,
  mail: RenderedIssue,
  issueNumber: number,
  opts: CopyOptions = {},
): IssueCopies {
  const date = opts.date ?? new Date();
  const baseBoundary = opts.baseBoundary ?? randomBytes(8).toString("hex");
  const stats = { spliced: 0, composed: 0 };

  // The link is made once per copy: its token carries the time, and a replacement must match it.
  const personal = (r: CopyRecipient): Personal & CopyRecipient & { url: string } => {
    const url = unsubscribeLink(ctx, r.id);
    return {
      id: r.id,
      url,
      token: url.slice(url.indexOf(TOKEN_PARAM) + TOKEN_PARAM.length),
      messageId: deliveryMessageId(ctx.config.fromEmail, issueNumber, r.id),
      email: r.email,
    };
  };
  const compose = (r: CopyRecipient, url: string) =>
    composeDelivery(ctx, mail, issueNumber, r, { url, date, baseBoundary });

  // One per length of id, built on its first copy; null when the check failed.
  const templates = new Map<number, Promise<Template | null>>();
  const build = async (idLength: number): Promise<Template | null> => {
    const standIn = (email: string): CopyRecipient => ({ id: randomId(idLength), email });
    const a = personal(standIn(`a${randomId(8)}@example.invalid`));
    const b = personal(standIn(`bb${randomId(12)}@x${randomId(4)}.example.invalid`));
    const [rawA, rawB] = await Promise.all([compose(a, a.url), compose(b, b.url)]);
    const t = templateOf(rawA, a);
    if (!t || !fits(t, b) || !fill(t, b).equals(rawB)) {
      ctx.log.warn("issue copies: the template did not rebuild a copy; composing each copy", {
        issue: issueNumber,
      });
      return null;
    }
    return t;
  };

  return {
    async copy(r) {
      let template = templates.get(r.id.length);
      if (!template) {
        template = build(r.id.length).catch((e) => {
          ctx.log.warn("issue copies: no template; composing each copy", { issue: issueNumber, error: e });
          return null;
        });
        templates.set(r.id.length, template);
      }
      const t = await template;
      const p = personal(r);
      if (t && fits(t, p)) {
        stats.spliced++;
        return fill(t, p);
      }
      stats.composed++;
      return compose(r, p.url);
    },
    stats: () => ({ ...stats }),
  };
}

/** Lower-case hex: a subscriber id's characters, and a valid local part. */
const randomId = (length: number) =>
  randomBytes(Math.ceil(length / 2))
    .toString("hex")
    .slice(0, length);

function fits(t: Template, p: Personal): boolean {
  return (
    shapeOf(p.token) === t.shapes.token &&
    shapeOf(p.messageId) === t.shapes.messageId &&
    p.email.length <= MAX_PLAIN_ADDRESS &&
    PLAIN_ADDRESS.test(p.email)
  );
}

/** The copy for `p`: the template with `p`'s values in its holes. */
function fill(t: Template, p: Personal): Buffer {
  const parts: Buffer[] = [t.segments[0]!];
  t.holes.forEach((h, i) => {
    const value = h.key === "email" ? p.email : p[h.key].slice(h.from, h.from + h.end - h.start);
    parts.push(Buffer.from(value, "latin1"), t.segments[i + 1]!);
  });
  return Buffer.concat(parts);
}

/**
 * Finds every place the stand-in's values are written in its copy (a value in a quoted-printable
 * part may be cut by soft line breaks). Null when the address is anywhere but one To line.
 */
function templateOf(raw: Buffer, p: Personal): Template | null {
  const text = raw.toString("latin1");
  // The copy without soft breaks, and where each of its characters is in the copy.
  const at: number[] = [];
  let plain = "";
  for (let i = 0; i < text.length; ) {
    if (text.startsWith(SOFT_BREAK, i)) {
      i += SOFT_BREAK.length;
      continue;
    }
    at.push(i);
    plain += text[i];
    i++;
  }
  const holes: Hole[] = [];
  for (const key of ["token", "messageId", "email"] as const) {
    const value = p[key];
    for (let i = plain.indexOf(value); i >= 0; i = plain.indexOf(value, i + value.length)) {
      // Runs of the value unbroken in the copy: one hole each.
      let from = 0;
      for (let j = 1; j <= value.length; j++) {
        if (j === value.length || at[i + j] !== at[i + j - 1]! + 1) {
          holes.push({ start: at[i + from]!, end: at[i + j - 1]! + 1, key, from });
          from = j;
        }
      }
    }
  }
  const emails = holes.filter((h) => h.key === "email");
  if (
    emails.length !== 1 ||
    emails[0]!.from !== 0 ||
    !text.slice(0, emails[0]!.end + 2).endsWith(`\r\nTo: ${p.email}\r\n`) ||
    !holes.some((h) => h.key === "token") ||
    !holes.some((h) => h.key === "messageId")
  )
    return null;
  holes.sort((x, y) => x.start - y.start);
  for (let i = 1; i < holes.length; i++) if (holes[i]!.start < holes[i - 1]!.end) return null;
  const segments: Buffer[] = [];
  let last = 0;
  for (const h of holes) {
    segments.push(raw.subarray(last, h.start));
    last = h.end;
  }
  segments.push(raw.subarray(last));
  return { segments, holes, shapes: { token: shapeOf(p.token), messageId: shapeOf(p.messageId) } };
}

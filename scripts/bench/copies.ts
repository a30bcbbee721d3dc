/**
 * The send's per-copy work (mail/copies.ts), side by side on a real issue's size: the copies of
 * one issue made from its template, and the same copies composed by MailComposer one by one (as
 * every copy was before). The issue is the real Weekly Kaggle News #72 (shared/reference, mostly
 * Japanese, so quoted-printable with escapes), with the renderer's unsubscribe link in both parts.
 * CPU time of this process per copy, alternating rounds; the figure is the ratio.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import type { Ctx } from "@wkn/core/context";
import type { RenderedIssue } from "@wkn/core/issues/render";
import { composeDelivery, issueCopies } from "@wkn/core/mail/copies";
import { cpuNow, ratio, round } from "./frame.js";

const REFERENCE = path.join("..", "shared", "reference", "weekly-kaggle-news-72.html");
const ROUNDS = { quick: 2, full: 5 };
const COPIES_PER_ROUND = 100;

export interface CopiesFigures {
  /** MailComposer's CPU per copy / the template's. */
  speedup: number | null;
  /** The message's size, bytes. */
  bytes: number;
}

export async function benchCopies(ctx: Ctx, quick: boolean): Promise<CopiesFigures> {
  const html = readFileSync(REFERENCE, "utf8");
  const text = html.replace(/<[^>]+>/g, "");
  const mail: RenderedIssue = {
    subject: "Weekly Kaggle News #72",
    preheader: "",
    html: (url) => `${html}\n<p><a href="${url}">Unsubscribe</a></p>`,
    text: (url) => `${text}\n\nUnsubscribe: ${url}\n`,
  };
  const recipients = Array.from({ length: COPIES_PER_ROUND }, (_, i) => ({
    id: `bench${i}`.padEnd(32, "0"),
    email: `reader${i}@example.com`,
  }));
  let templateMs = 0;
  let composerMs = 0;
  let bytes = 0;
  for (let round = 0; round < ROUNDS[quick ? "quick" : "full"]; round++) {
    // A run makes one template; each round is one run's worth of copies.
    const copies = issueCopies(ctx, mail, 72);
    let t = cpuNow();
    for (const r of recipients) bytes = (await copies.copy(r)).length;
    templateMs += cpuNow() - t;
    if (copies.stats().composed > 0) throw new Error("copies bench: the template did not fit the issue");
    t = cpuNow();
    for (const r of recipients) await composeDelivery(ctx, mail, 72, r);
    composerMs += cpuNow() - t;
  }
  return { speedup: ratio(composerMs, templateMs), bytes: round(bytes, 0) };
}

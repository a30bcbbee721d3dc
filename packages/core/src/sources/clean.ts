/**
 * Text of candidates without the characters XML forbids (control-chars.ts), whatever adapter read
 * it: an item's text ends up in `/feed.xml` and in mail, where one such character breaks the
 * whole document. Applied to every candidate before it is stored.
 */
import { stripXmlForbidden } from "../control-chars.js";
import { truncateGraphemes } from "../text/index.js";
import type { Candidate } from "./adapters/types.js";

const clean = <T extends string | null | undefined>(v: T): T =>
  (typeof v === "string" ? stripXmlForbidden(v) : v) as T;

export function cleanCandidate(c: Candidate): Candidate {
  const facts = c.facts
    ? (Object.fromEntries(
        Object.entries(c.facts).map(([k, v]) => [
          k,
          typeof v === "string" ? clean(v) : Array.isArray(v) ? v.map((t) => clean(t)) : v,
        ]),
      ) as Candidate["facts"])
    : undefined;
  return {
    ...c,
    title: clean(c.title),
    description: clean(c.description),
    siteName: clean(c.siteName),
    author: clean(c.author),
    ...(facts ? { facts } : {}),
  };
}

/** A document's title as a source name: one line, no control characters, at most `max` characters. */
export function nameFromTitle(title: string | null | undefined, max: number): string {
  const line = stripXmlForbidden(title ?? "")
    .replace(/[\u007f-\u009f]/g, "")
    .replace(/[\s\u3000]+/gu, " ")
    .trim();
  return truncateGraphemes(line, max);
}

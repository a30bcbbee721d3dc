/**
 * The competition shape every platform maps into (Kaggle and sources/adapters/competitions/):
 * title, URL, platform, organiser, start, deadline, reward (text, plus amount and currency when
 * the text names them), tags, open. One function turns it into a candidate, so every platform's
 * items carry the same facts.
 */
import type { Candidate } from "./types.js";

export interface Competition {
  title: string;
  url: string;
  /** The host platform as readers know it: "Kaggle", "Zindi", "DrivenData", … */
  platform: string;
  organiser: string | null;
  startsAt: string | null;
  deadline: string | null;
  /** The prize as the platform writes it ("$25 000 USD", "100万円", "Knowledge"). */
  reward: string | null;
  /** When the platform gives a number itself (else parsed from `reward`). */
  rewardAmount?: number | null;
  rewardCurrency?: string | null;
  tags: string[];
  /** What the platform said (or its dates say) when read; null when it cannot tell. */
  open: boolean | null;
  category?: string | null;
  description?: string | null;
  imageUrl?: string | null;
}

const MAX_TAGS = 10;
const MAX_TAG = 50;
const MAX_ORGANISER = 200;

/** Currency words and symbols as ISO 4217 codes; the code wins over a symbol ("$" is not only USD). */
const CODES = /\b(USD|EUR|GBP|CHF|JPY|CNY|INR|CAD|AUD|KRW|SGD|ZAR|KES|NGN|BRL)\b/;
const SYMBOLS: [RegExp, string][] = [
  [/円|¥|￥/, "JPY"],
  [/€/, "EUR"],
  [/£/, "GBP"],
  [/\$/, "USD"],
];
const NUMBER = /(\d{1,3}(?:[,\s\u00a0\u202f]\d{3})+|\d+(?:\.\d+)?)\s*(万|億|[kK]\b|[mM]\b)?/;
const SCALE: Record<string, number> = { 万: 1e4, 億: 1e8, k: 1e3, K: 1e3, m: 1e6, M: 1e6 };

/**
 * The amount and currency a prize text names, or nulls: a text without a currency ("500 Zindi
 * Points", "Knowledge", "Swag") is no money, so it keeps only its words.
 */
export function parseReward(text: string | null | undefined): {
  amount: number | null;
  currency: string | null;
} {
  const none = { amount: null, currency: null };
  if (!text) return none;
  const t = text.normalize("NFKC");
  const currency = CODES.exec(t)?.[1] ?? SYMBOLS.find(([re]) => re.test(t))?.[1];
  const m = NUMBER.exec(t);
  if (!currency || !m) return none;
  const n = Number(m[1]!.replace(/[,\s\u00a0\u202f]/g, "")) * (m[2] ? (SCALE[m[2]] ?? 1) : 1);
  return Number.isFinite(n) && n > 0 ? { amount: n, currency } : none;
}

/** An ISO-8601 instant from whatever date text a platform gives; null when it is no date. */
export function isoOrNull(v: unknown): string | null {
  if (typeof v !== "string" || v.trim() === "") return null;
  const t = Date.parse(v);
  return Number.isNaN(t) ? null : new Date(t).toISOString();
}

/** Open by its dates at `now` when the platform does not say: started (or no start) and not ended. */
export function openByDates(startsAt: string | null, deadline: string | null, now: Date): boolean | null {
  if (!deadline) return null;
  const t = now.getTime();
  if (startsAt && Date.parse(startsAt) > t) return false;
  return Date.parse(deadline) > t;
}

export const str = (v: unknown): string | undefined =>
  typeof v === "string" && v.trim() !== "" ? v.trim() : undefined;

function cleanTags(tags: string[]): string[] {
  const out = new Set<string>();
  for (const t of tags) {
    const v = t.replace(/^#/, "").trim().slice(0, MAX_TAG);
    if (v) out.add(v);
    if (out.size >= MAX_TAGS) break;
  }
  return [...out];
}

/** The candidate of a competition: organiser as author, start as publication date, the rest as facts. */
export function competitionCandidate(c: Competition): Candidate {
  const parsed = parseReward(c.reward);
  const amount = c.rewardAmount ?? parsed.amount;
  return {
    url: c.url,
    title: c.title,
    description: c.description ?? null,
    imageUrl: c.imageUrl ?? null,
    siteName: c.platform,
    author: c.organiser?.slice(0, MAX_ORGANISER) || null,
    publishedAt: c.startsAt,
    kind: "competition",
    facts: {
      platform: c.platform,
      organiser: c.organiser?.slice(0, MAX_ORGANISER) || null,
      startsAt: c.startsAt,
      deadline: c.deadline,
      reward: c.reward,
      rewardAmount: amount,
      rewardCurrency: amount === null ? null : (c.rewardCurrency ?? parsed.currency),
      tags: cleanTags(c.tags),
      open: c.open,
      category: c.category ?? null,
    },
  };
}

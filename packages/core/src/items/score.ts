/**
 * A candidate's score (the editor's `sort=score`), from its parts:
 *
 * - recency: one point per week of publication date since 2020 (the "hot" ranking of news sites):
 *   a score never has to be recomputed as time passes, since every item ages alike, and two
 *   items compare the same today and next month;
 * - mentions: log2 of the number of sources that link the same URL (2 sources: +1, a week newer);
 * - source: what the editor's history says of its best source: log2 of the smoothed share of that
 *   source's items that went into sent issues against the share across all sources, within ±2
 *   (a new source, with no history, is exactly neutral: 0);
 * - editor: the weight the editor set on its best source (-3 to 3, default 0);
 * - deadline: a competition gains up to +2 as its deadline comes within two weeks and loses 2 once
 *   it has passed. This part depends on today, so the poll tick refreshes it (`rank.ts`).
 */
import type { Item, ScoreParts } from "../model/index.js";

const EPOCH = Date.UTC(2020, 0, 1);
const WEEK_MS = 7 * 24 * 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;
/** Days before a deadline over which a competition gains its bonus. */
export const DEADLINE_WINDOW_DAYS = 14;
/** How many items a source's history weighs before it moves away from neutral (the prior's strength). */
export const PRIOR_ITEMS = 20;
export const EDITOR_WEIGHT_MAX = 3;
const LEARNED_MAX = 2;

/** A source's weights as ranking reads them. */
export interface SourceWeights {
  /** From the editor's history (`learnedWeight`); 0 for a new source. */
  learned: number;
  /** Set by the editor; 0 by default. */
  editor: number;
}

const round = (n: number) => Math.round(n * 1000) / 1000;

/** Items of a source that went into sent issues (`used`) out of those the editor could pick (`total`). */
export interface SourceHistory {
  used: number;
  total: number;
}

/**
 * The learned weight of a source: log2 of its smoothed selection share over the overall share
 * (`baseline`), clamped. Smoothing adds PRIOR_ITEMS items at the baseline share, so a source with
 * few items stays near 0 and an empty history is exactly 0.
 */
export function learnedWeight(history: SourceHistory, baseline: number): number {
  if (!(baseline > 0) || history.total <= 0) return 0;
  const p = (history.used + PRIOR_ITEMS * baseline) / (history.total + PRIOR_ITEMS);
  const w = Math.log2(p / baseline);
  return round(Math.max(-LEARNED_MAX, Math.min(LEARNED_MAX, w)));
}

/** The best weights among an item's sources (an unknown source counts as neutral). */
export function bestWeights(
  sourceIds: readonly string[],
  weights: (sourceId: string) => SourceWeights | undefined,
): SourceWeights {
  let learned = Number.NEGATIVE_INFINITY;
  let editor = Number.NEGATIVE_INFINITY;
  for (const id of sourceIds) {
    const w = weights(id) ?? { learned: 0, editor: 0 };
    learned = Math.max(learned, w.learned);
    editor = Math.max(editor, w.editor);
  }
  return sourceIds.length === 0 ? { learned: 0, editor: 0 } : { learned, editor };
}

/** The deadline part on `now`: 0 without a deadline or far from it. */
export function deadlinePart(item: Pick<Item, "kind" | "deadline">, now: Date): number {
  if (item.kind !== "competition" || !item.deadline) return 0;
  const t = Date.parse(item.deadline);
  if (Number.isNaN(t)) return 0;
  const daysLeft = (t - now.getTime()) / DAY_MS;
  if (daysLeft < 0) return -2;
  if (daysLeft > DEADLINE_WINDOW_DAYS) return 0;
  return round(2 * (1 - daysLeft / DEADLINE_WINDOW_DAYS));
}

export type Scorable = Pick<Item, "publishedAt" | "discoveredAt" | "sourceIds" | "kind" | "deadline">;

/** The score and its parts (each rounded to 3 decimals; the score is their sum). */
export function scoreOf(
  item: Scorable,
  weights: SourceWeights,
  now: Date,
): { score: number; scoreParts: ScoreParts } {
  const date = Date.parse(item.publishedAt ?? item.discoveredAt);
  const parts: ScoreParts = {
    recency: round(Number.isNaN(date) ? 0 : (date - EPOCH) / WEEK_MS),
    mentions: round(Math.log2(Math.max(1, item.sourceIds.length))),
    source: round(weights.learned),
    editor: round(weights.editor),
    deadline: deadlinePart(item, now),
  };
  const score = round(parts.recency + parts.mentions + parts.source + parts.editor + parts.deadline);
  return { score, scoreParts: parts };
}

/**
 * Single-key shortcuts (the candidates view: j/k, s, x, u, c, /, ?). A key means nothing while the
 * editor types (an input, textarea, select or editable text has the focus), while an IME is
 * composing, with Ctrl/Alt/Meta held, or inside an open dialog.
 */

export type KeyAction = "next" | "prev" | "select" | "reject" | "undo" | "comment" | "search" | "help";

const KEYS: Record<string, KeyAction> = {
  j: "next",
  k: "prev",
  s: "select",
  x: "reject",
  u: "undo",
  c: "comment",
  "/": "search",
  "?": "help",
};

/** The keys and what they do, for the help dialog (in this order). */
export const KEY_LIST: [string, KeyAction][] = Object.entries(KEYS);

/** What a keydown's target looks like (duck-typed: tests pass plain objects). */
interface TargetLike {
  tagName?: string;
  isContentEditable?: boolean;
  closest?: (selector: string) => unknown;
}

export interface KeyLike {
  key: string;
  ctrlKey?: boolean;
  metaKey?: boolean;
  altKey?: boolean;
  isComposing?: boolean;
  keyCode?: number;
  target?: unknown;
}

/** True while the focus is somewhere the editor types. */
export function isTyping(target: unknown): boolean {
  const el = target as TargetLike | null | undefined;
  if (!el || typeof el !== "object") return false;
  const tag = (el.tagName ?? "").toUpperCase();
  return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || el.isContentEditable === true;
}

/** True when the IME is composing (Safari reports the confirming Enter as keyCode 229). */
export const composing = (e: { isComposing?: boolean; keyCode?: number }) =>
  e.isComposing === true || e.keyCode === 229;

/** The shortcut a keydown means, or null when it is not one (or must be left alone). */
export function keyAction(e: KeyLike): KeyAction | null {
  if (e.ctrlKey || e.metaKey || e.altKey || composing(e)) return null;
  if (isTyping(e.target)) return null;
  const el = e.target as TargetLike | null | undefined;
  if (el && typeof el.closest === "function" && el.closest("dialog")) return null;
  return KEYS[e.key] ?? null;
}

/**
 * The index after a j/k move from `current` in a list of `length` (no wrap-around; with no
 * current card, j starts at the first and k at the last).
 */
export function step(current: number, delta: 1 | -1, length: number): number {
  if (length <= 0) return -1;
  if (current < 0 || current >= length) return delta > 0 ? 0 : length - 1;
  return Math.max(0, Math.min(length - 1, current + delta));
}

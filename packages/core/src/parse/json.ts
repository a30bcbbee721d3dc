/**
 * JSON from outside under the depth bound. `JSON.parse` is native and linear, but the value it
 * builds is walked by our code afterwards, and a million nested arrays cost it half a second of
 * allocation: one pass over the text counts the brackets first (strings skipped) and refuses
 * anything nested deeper than the limit before JSON.parse sees it.
 */
import { ParseBudget } from "./limits.js";

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;

/** Throws ParseLimitError when arrays/objects in `text` nest deeper than the budget allows. */
export function checkJsonDepth(text: string, budget = new ParseBudget()): void {
  const max = budget.limits.maxDepth;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) inString = true;
    else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > max) throw budget.tooDeep("arrays or objects");
    } else if ((c === CLOSE_BRACE || c === CLOSE_BRACKET) && depth > 0) depth--;
  }
}

/** `JSON.parse` after the depth check (SyntaxError for invalid JSON, as JSON.parse). */
export function parseJson(text: string, budget = new ParseBudget()): unknown {
  checkJsonDepth(text, budget);
  return JSON.parse(text);
}

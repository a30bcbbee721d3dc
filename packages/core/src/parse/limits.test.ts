import { describe, expect, it } from "vitest";
import { isParseLimitError, PARSE_LIMITS, ParseBudget, ParseLimitError } from "./limits.js";

/** A clock the test moves by hand. */
function clock() {
  let t = 0;
  return {
    now: () => t,
    advance: (ms: number) => {
      t += ms;
    },
  };
}

describe("ParseBudget", () => {
  it("starts its clock at the first check and fails once the deadline has passed, naming the document", () => {
    const c = clock();
    const budget = new ParseBudget("the page", { cpuBudgetMs: 100 }, c.now);
    c.advance(1_000);
    budget.check();
    c.advance(100);
    expect(() => budget.check()).not.toThrow();
    c.advance(1);
    expect(() => budget.check()).toThrow(
      new ParseLimitError("the page took more than 100 ms of CPU time to read"),
    );
  });

  it("reads the clock every few hundred ticks, not on each", () => {
    const c = clock();
    let reads = 0;
    const budget = new ParseBudget("x", {}, () => {
      reads++;
      return c.now();
    });
    for (let i = 0; i < 1024; i++) budget.tick();
    expect(reads).toBe(4);
  });

  it("shares its deadline with the parts of the document, which have their own names", () => {
    const c = clock();
    const budget = new ParseBudget("the document", { cpuBudgetMs: 10, maxDepth: 3 }, c.now);
    budget.check();
    const part = budget.part("HTML in the feed");
    expect(part.limits.maxDepth).toBe(3);
    expect(part.tooDeep().message).toBe("HTML in the feed nests deeper than 3 elements");
    c.advance(11);
    expect(() => part.check()).toThrow(/^HTML in the feed took more than 10 ms of CPU time/);
  });

  it("defaults to the documented bounds", () => {
    expect(new ParseBudget().limits).toEqual({ maxDepth: 512, maxElements: 100_000, cpuBudgetMs: 1_000 });
    expect(PARSE_LIMITS.maxDepth).toBe(512);
    expect(isParseLimitError(new ParseBudget().tooMany())).toBe(true);
    expect(isParseLimitError(new RangeError("x"))).toBe(false);
  });
});

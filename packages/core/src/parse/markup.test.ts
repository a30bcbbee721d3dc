import { describe, expect, it } from "vitest";
import { ParseBudget, ParseLimitError } from "./limits.js";
import { parseMarkup } from "./markup.js";

const nested = (depth: number, tag = "b") => `<${tag}>`.repeat(depth) + "x" + `</${tag}>`.repeat(depth);

function maxDepthSeen(text: string, xmlMode = false): number {
  let depth = 0;
  let max = 0;
  parseMarkup(
    text,
    {
      onopentagname: () => {
        max = Math.max(max, ++depth);
      },
      onclosetag: () => void depth--,
    },
    { parser: { xmlMode } },
  );
  return max;
}

describe("parseMarkup", () => {
  it("reads documents nested up to the limit, in HTML and XML", () => {
    expect(maxDepthSeen(nested(512))).toBe(512);
    expect(maxDepthSeen(nested(512, "x"), true)).toBe(512);
  });

  it("stops one element past the limit with a ParseLimitError, not a stack overflow", () => {
    expect(() => maxDepthSeen(nested(513))).toThrow(
      new ParseLimitError("the document nests deeper than 512 elements"),
    );
    expect(() => maxDepthSeen("<b>".repeat(600_000))).toThrow(ParseLimitError);
    expect(() => maxDepthSeen("<x>".repeat(200_000), true)).toThrow(ParseLimitError);
  });

  it("counts what htmlparser2 keeps open: void and implicitly closed elements do not add up", () => {
    // div, the open p, and a void element for the moment it is announced
    expect(maxDepthSeen("<div>" + "<br><img src=x><p>a".repeat(5_000) + "</div>")).toBe(3);
    expect(maxDepthSeen("<ul>" + "<li>x".repeat(5_000) + "</ul>")).toBe(2);
    expect(maxDepthSeen("<a/>".repeat(5_000), true)).toBe(1);
  });

  it("caps the number of elements", () => {
    const budget = new ParseBudget("the page", { maxElements: 1_000 });
    expect(() => parseMarkup("<br>".repeat(1_001), {}, { budget })).toThrow(
      new ParseLimitError("the page has more than 1000 elements"),
    );
    expect(() =>
      parseMarkup("<br>".repeat(1_000), {}, { budget: new ParseBudget("p", { maxElements: 1_000 }) }),
    ).not.toThrow();
  });

  it("stops on the clock, also when no element ever opens", () => {
    let t = 0;
    const budget = new ParseBudget("the feed", { cpuBudgetMs: 5 }, () => t++);
    expect(() => parseMarkup("text ".repeat(100_000), {}, { budget })).toThrow(
      /^the feed took more than 5 ms of CPU time/,
    );
  });

  it("stops reading when `done` says so, between chunks", () => {
    let opened = 0;
    parseMarkup(
      "<i>".repeat(200_000),
      { onopentagname: () => void opened++ },
      {
        budget: new ParseBudget("x", { maxDepth: 1e6, maxElements: 1e6 }),
        done: () => opened > 0,
      },
    );
    expect(opened).toBeLessThan(200_000);
  });

  it("keeps text whole across chunk boundaries", () => {
    let text = "";
    const doc = "a".repeat(64 * 1024 - 2) + "&amp;b";
    const ontext = (t: string) => {
      text += t;
    };
    parseMarkup(doc, { ontext }, { parser: { decodeEntities: true } });
    expect(text).toBe("a".repeat(64 * 1024 - 2) + "&b");
  });
});

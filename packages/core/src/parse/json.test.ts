import { describe, expect, it } from "vitest";
import { checkJsonDepth, parseJson } from "./json.js";
import { ParseLimitError } from "./limits.js";

describe("parseJson", () => {
  it("parses JSON nested up to the limit", () => {
    expect(parseJson("[".repeat(512) + "]".repeat(512))).toBeInstanceOf(Array);
    expect(parseJson('{"a":{"b":[1,{"c":"}}]]"}]}}')).toEqual({ a: { b: [1, { c: "}}]]" }] } });
  });

  it("refuses deeper nesting before JSON.parse sees it", () => {
    expect(() => parseJson("[".repeat(513) + "]".repeat(513))).toThrow(
      new ParseLimitError("the document nests deeper than 512 arrays or objects"),
    );
    expect(() => checkJsonDepth(`{"a":${"[".repeat(1_000_000)}`)).toThrow(ParseLimitError);
  });

  it("does not count brackets inside strings, escaped quotes included", () => {
    const s = JSON.stringify({ s: `\\"${"[".repeat(10_000)}` });
    expect(() => checkJsonDepth(s)).not.toThrow();
  });

  it("leaves invalid JSON to JSON.parse", () => {
    expect(() => parseJson("{")).toThrow(SyntaxError);
  });
});

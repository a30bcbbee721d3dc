import { describe, expect, it } from "vitest";
import { testItem } from "../items/testing.js";
import { cardOf } from "./card.js";

const LONG = `${"An opening that goes on and on ".repeat(12)}and ends here.`;

describe("cardOf", () => {
  it("shows a feed's or page's description cut for the card, also for items stored before it was cut", () => {
    for (const descriptionSource of ["feed", "page", undefined] as const) {
      const card = cardOf(testItem("https://a.example/x", { description: LONG, descriptionSource }));
      expect(card.description!.length, String(descriptionSource)).toBeLessThanOrEqual(160);
      expect(card.description!.endsWith("…")).toBe(true);
    }
  });

  it("shows the editor's description as written", () => {
    const card = cardOf(testItem("https://a.example/x", { description: LONG, descriptionSource: "editor" }));
    expect(card.description).toBe(LONG);
  });
});

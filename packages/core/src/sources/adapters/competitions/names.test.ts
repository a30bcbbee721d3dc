import { describe, expect, it } from "vitest";
import { COMPETITION_PLATFORMS } from "../../../model/index.js";
import { platforms } from "./index.js";
import { PLATFORM_NAMES } from "./names.js";

describe("PLATFORM_NAMES", () => {
  it("names every platform as its reader does", () => {
    for (const p of COMPETITION_PLATFORMS) expect(PLATFORM_NAMES[p]).toBe(platforms[p].name);
  });
});

import { describe, expect, it } from "vitest";
import { loadConfig } from "./config.js";

describe("TRUST_PROXY", () => {
  it("is 0 (trust no forwarding header) unless set to a whole number of hops", () => {
    expect(loadConfig({}).trustProxy).toBe(0);
    expect(loadConfig({ TRUST_PROXY: "" }).trustProxy).toBe(0);
    expect(loadConfig({ TRUST_PROXY: "0" }).trustProxy).toBe(0);
    expect(loadConfig({ TRUST_PROXY: " 2 " }).trustProxy).toBe(2);
  });

  it("refuses anything else with an error naming the variable", () => {
    for (const bad of ["-1", "1.5", "true", "yes", "1e3", "0x1", "99999999999999999999"]) {
      expect(() => loadConfig({ TRUST_PROXY: bad }), bad).toThrow(
        `TRUST_PROXY must be a whole number >= 0 (how many X-Forwarded-For hops to trust), got "${bad}"`,
      );
    }
  });
});

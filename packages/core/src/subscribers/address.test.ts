import { describe, expect, it } from "vitest";
import { checkAddress, normalizeAddress, subscriberIdOf } from "./address.js";

describe("checkAddress", () => {
  it("trims, lower-cases the whole address and converts IDN domains to punycode", () => {
    expect(normalizeAddress("  Ann.Lee+news@Example.COM \n")).toBe("ann.lee+news@example.com");
    expect(normalizeAddress("ann@Bücher.example")).toBe("ann@xn--bcher-kva.example");
    expect(normalizeAddress("ann@xn--bcher-kva.example")).toBe("ann@xn--bcher-kva.example");
    expect(normalizeAddress("o'brien@mail.example.org.")).toBe("o'brien@mail.example.org");
  });

  it("gives one id to every spelling of the same mailbox", () => {
    const a = subscriberIdOf(normalizeAddress("ANN@bücher.example")!);
    const b = subscriberIdOf(normalizeAddress("ann@XN--BCHER-KVA.example")!);
    expect(a).toBe(b);
    expect(a).toMatch(/^[0-9a-f]{32}$/);
    expect(subscriberIdOf("bob@bücher.example")).not.toBe(a);
  });

  it("refuses what cannot be delivered, with a reason", () => {
    const cases: [unknown, RegExp][] = [
      [undefined, /missing/],
      [42, /string/],
      ["", /empty/],
      ["ann.example.com", /no @/],
      ["@example.com", /nothing before/],
      ["ann@", /no domain/],
      ["ann lee@example.com", /spaces/],
      ["ännä@example.com", /non-ASCII/],
      ["ann..lee@example.com", /dots/],
      [".ann@example.com", /dots/],
      ["ann(x)@example.com", /characters/],
      ["ann@localhost", /top-level/],
      ["ann@10.0.0.1", /top-level/],
      ["ann@[10.0.0.1]", /invalid domain/],
      ["ann@-example.com", /invalid domain/],
      ["ann@exa_mple.com", /invalid domain/],
      ["ann@example..com", /invalid domain/],
      [`${"a".repeat(65)}@example.com`, /64/],
      ["a@b@example.com", /characters/],
    ];
    for (const [input, reason] of cases) {
      const r = checkAddress(input);
      expect(r.ok, String(input)).toBe(false);
      if (!r.ok) expect(r.reason, String(input)).toMatch(reason);
    }
  });
});

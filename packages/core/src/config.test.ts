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

describe("NEWSLETTER_LANG", () => {
  it("is en unless set to en or ja (any case, spaces trimmed)", () => {
    expect(loadConfig({}).newsletterLang).toBe("en");
    expect(loadConfig({ NEWSLETTER_LANG: "" }).newsletterLang).toBe("en");
    expect(loadConfig({ NEWSLETTER_LANG: "en" }).newsletterLang).toBe("en");
    expect(loadConfig({ NEWSLETTER_LANG: "ja" }).newsletterLang).toBe("ja");
    expect(loadConfig({ NEWSLETTER_LANG: " JA " }).newsletterLang).toBe("ja");
  });

  it("refuses any other language with an error naming the variable and the choices", () => {
    for (const bad of ["fr", "jp", "ja-JP", "en_US", "japanese", "1"]) {
      expect(() => loadConfig({ NEWSLETTER_LANG: bad }), bad).toThrow(
        `NEWSLETTER_LANG must be one of en, ja, got "${bad}"`,
      );
    }
  });
});

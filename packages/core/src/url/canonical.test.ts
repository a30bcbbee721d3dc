import { describe, expect, it } from "vitest";
import { canonicalUrl, domainOf, urlHash } from "./canonical.js";

describe("canonicalUrl", () => {
  it("normalises case, port, fragment, tracking parameters and query order", () => {
    expect(canonicalUrl("HTTPS://Example.COM:443/a/b?z=1&utm_source=x&a=2&fbclid=q#frag")).toBe(
      "https://example.com/a/b?a=2&z=1",
    );
    expect(canonicalUrl("http://example.com")).toBe("http://example.com/");
  });

  it("keeps path case and non-default ports", () => {
    expect(canonicalUrl("http://Example.com:8080/Post")).toBe("http://example.com:8080/Post");
  });

  it("gives one hash for equivalent URLs and rejects other schemes", () => {
    expect(urlHash("https://example.com/p?utm_medium=email")).toBe(urlHash("https://EXAMPLE.com/p#top"));
    expect(() => canonicalUrl("javascript:alert(1)")).toThrow();
    expect(() => canonicalUrl("not a url")).toThrow();
  });

  it("takes the domain without www", () => {
    expect(domainOf("https://www.kaggle.com/competitions/x")).toBe("kaggle.com");
  });
});

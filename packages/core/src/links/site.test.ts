import { describe, expect, it } from "vitest";
import { sameSite, siteOf } from "./site.js";

describe("siteOf / sameSite", () => {
  it("takes the registrable domain: www. and other subdomains are the same site", () => {
    expect(siteOf("www.Example.com.")).toBe("example.com");
    expect(sameSite("https://example.com/a", "https://www.example.com/b")).toBe(true);
    expect(sameSite("http://blog.example.com/a", "https://example.com/a")).toBe(true);
    expect(sameSite("https://example.com/a", "https://example.org/a")).toBe(false);
  });

  it("knows second levels under country domains and shared hosting domains", () => {
    expect(siteOf("www.nikkei.co.jp")).toBe("nikkei.co.jp");
    expect(sameSite("https://a.co.uk/", "https://b.co.uk/")).toBe(false);
    expect(sameSite("https://alice.github.io/x", "https://bob.github.io/x")).toBe(false);
    expect(siteOf("zenn.dev")).toBe("zenn.dev");
  });

  it("treats an IP address as its own site", () => {
    expect(siteOf("127.0.0.1")).toBe("127.0.0.1");
    expect(sameSite("http://127.0.0.1:1/", "http://127.0.0.1:2/")).toBe(true);
    expect(sameSite("http://127.0.0.1:1/", "http://localhost:1/")).toBe(false);
    expect(siteOf("[::1]")).toBe("::1");
  });
});

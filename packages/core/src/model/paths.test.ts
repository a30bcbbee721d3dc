import { describe, expect, it } from "vitest";
import { gatewayPath, PUBLIC_PATHS, publicPath, publicUrl } from "./paths.js";

describe("public paths", () => {
  it("fill their parameters (encoded) on the public origin, whatever its trailing slash", () => {
    expect(publicUrl("https://news.example/", "issue", { number: 72 })).toBe(
      "https://news.example/issues/72",
    );
    expect(publicUrl("https://news.example", "media", { key: "a b.jpg" })).toBe(
      "https://news.example/media/a%20b.jpg",
    );
    expect(publicUrl("https://news.example", "feed")).toBe("https://news.example/feed.xml");
    expect(() => publicPath("issue")).toThrow(/number/);
  });

  it("give API Gateway's route keys", () => {
    expect(gatewayPath(PUBLIC_PATHS.issue)).toBe("/issues/{number}");
    expect(gatewayPath(PUBLIC_PATHS.subscribe)).toBe("/subscribe");
  });
});

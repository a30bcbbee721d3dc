import { describe, expect, it } from "vitest";
import { loadConfig } from "../../config.js";
import { archivePage } from "./archive.js";
import { issueDate } from "./date.js";
import { renderIssue, renderOptions, renderWebVersion } from "./index.js";
import { issue72, OPTIONS } from "./testing.js";

const AT = "2026-12-01T20:00:00.000Z"; // Wednesday 05:00 in Tokyo, still Tuesday in UTC

describe("the issue's date", () => {
  it("is the day in the newsletter's time zone, in its language", () => {
    expect(issueDate(AT, "ja", "Asia/Tokyo")).toEqual({ day: "2026-12-02", text: "2026年12月2日" });
    expect(issueDate(AT, "en", "UTC")).toEqual({ day: "2026-12-01", text: "1 December 2026" });
    expect(issueDate(null)).toBeNull();
  });

  it("NEWSLETTER_TZ defaults to Tokyo for a Japanese newsletter, UTC otherwise, and must be a real zone", () => {
    expect(loadConfig({ NEWSLETTER_LANG: "ja" }).newsletterTz).toBe("Asia/Tokyo");
    expect(loadConfig({}).newsletterTz).toBe("UTC");
    expect(loadConfig({ NEWSLETTER_TZ: "Europe/Paris" }).newsletterTz).toBe("Europe/Paris");
    expect(() => loadConfig({ NEWSLETTER_TZ: "Mars/Olympus" })).toThrow(
      /NEWSLETTER_TZ must be an IANA time zone/,
    );
    expect(renderOptions(loadConfig({ NEWSLETTER_LANG: "ja" })).timeZone).toBe("Asia/Tokyo");
  });

  it("shows under the title in the mail's HTML and text parts and on the web version", () => {
    const ja = { ...OPTIONS, lang: "ja" as const, timeZone: "Asia/Tokyo" };
    const mail = renderIssue(issue72({ date: AT }), ja);
    const html = mail.html("https://news.example.org/u");
    expect(html).toMatch(/<time class="issue-date" datetime="2026-12-02">2026年12月2日<\/time>/);
    expect(html.indexOf("issue-date")).toBeLessThan(html.indexOf("web-version-top"));
    expect(mail.text("https://news.example.org/u").split("\n").slice(0, 3)).toEqual([
      "Weekly Kaggle News #72",
      "======================",
      "2026年12月2日",
    ]);
    const en = renderWebVersion(issue72({ sentAt: AT }), { ...OPTIONS, timeZone: "UTC" });
    expect(en).toContain('<time class="issue-date" datetime="2026-12-01">1 December 2026</time>');
  });

  it("dates the archive's list in the time zone too", () => {
    const entry = { number: 72, title: "#72", sentAt: AT, url: "https://news.example.org/issues/72" };
    expect(archivePage([entry], { ...OPTIONS, timeZone: "Asia/Tokyo" })).toContain(">2026-12-02</time>");
    expect(archivePage([entry], OPTIONS)).toContain(">2026-12-01</time>");
  });
});

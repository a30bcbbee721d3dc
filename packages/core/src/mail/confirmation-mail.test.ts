import { DomUtils, parseDocument } from "htmlparser2";
import { describe, expect, it } from "vitest";
import { confirmationMail } from "./confirmation-mail.js";

const LINK = "https://news.example.org/confirm?token=c.abc.xyz.M&a=<b>";

describe("confirmationMail", () => {
  it("is English by default: subject, one link in both parts, how long it works", () => {
    const m = confirmationMail({ newsletterName: "Weekly Kaggle News" }, LINK);
    expect(m.subject).toBe("Confirm your subscription to Weekly Kaggle News");
    expect(m.text).toBe(
      [
        "Please confirm that you want to receive Weekly Kaggle News.",
        "",
        LINK,
        "",
        "The link works for 7 days. If you did not ask for this, ignore this mail: nothing will be sent to you.",
        "",
      ].join("\r\n"),
    );
    const doc = parseDocument(m.html);
    expect(DomUtils.findOne((el) => el.name === "html", doc.children)?.attribs.lang).toBe("en");
    const hrefs = DomUtils.findAll((el) => el.name === "a", doc.children).map((a) => a.attribs.href);
    expect(hrefs).toEqual([LINK, LINK]);
    expect(DomUtils.textContent(DomUtils.findAll((el) => el.name === "a", doc.children)[0]!)).toBe(
      "Confirm my subscription",
    );
  });

  it("is Japanese with NEWSLETTER_LANG=ja, with the name escaped in the HTML", () => {
    const m = confirmationMail({ newsletterName: "ML <News>", newsletterLang: "ja" }, LINK);
    expect(m.subject).toBe("「ML <News>」購読のご確認");
    expect(m.text.split("\r\n")).toEqual([
      "「ML <News>」の購読をご希望の場合は、以下のリンクから確認をお願いします。",
      "",
      LINK,
      "",
      "リンクの有効期限は 7 日間です。お心当たりのない場合は、このメールを破棄してください。今後メールが届くことはありません。",
      "",
    ]);
    expect(m.html).not.toContain("<News>");
    const doc = parseDocument(m.html);
    expect(DomUtils.findOne((el) => el.name === "html", doc.children)?.attribs.lang).toBe("ja");
    expect(DomUtils.textContent(doc)).toContain("購読を確認する");
    expect(DomUtils.textContent(doc)).toContain("「ML <News>」の購読をご希望の場合は");
    expect(DomUtils.findAll((el) => el.name === "a", doc.children).map((a) => a.attribs.href)).toEqual([
      LINK,
      LINK,
    ]);
  });
});

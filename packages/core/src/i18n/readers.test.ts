import { describe, expect, it } from "vitest";
import { NEWSLETTER_LANGS } from "../config.js";
import { READER_TEXTS, readerText } from "./readers.js";

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe("the readers' dictionary", () => {
  it("has a text for every key in every language, plain (no markup), without stray spaces", () => {
    const keys = Object.keys(READER_TEXTS.en).sort();
    for (const lang of NEWSLETTER_LANGS) {
      expect(Object.keys(READER_TEXTS[lang]).sort(), lang).toEqual(keys);
      for (const [key, text] of Object.entries(READER_TEXTS[lang])) {
        expect(text.trim(), `${lang}.${key}`).toBe(text);
        expect(text, `${lang}.${key}`).not.toBe("");
        expect(text, `${lang}.${key}`).not.toMatch(/[<>&]/);
      }
    }
  });

  it("uses in Japanese only the placeholders the English text has, and is Japanese", () => {
    for (const [key, text] of Object.entries(READER_TEXTS.ja)) {
      const en = placeholders(READER_TEXTS.en[key as keyof typeof READER_TEXTS.en]);
      for (const p of placeholders(text)) expect(en, `ja.${key}`).toContain(p);
      // every sentence in Japanese, the URL and feed names aside
      if (!/^(RSS|\{)/.test(text)) expect(text, `ja.${key}`).toMatch(/[\u3040-\u30ff\u4e00-\u9fff]/);
    }
  });

  it("fills placeholders from vars, once, and leaves unknown ones", () => {
    const t = readerText("en");
    expect(t("subscribeHeading", { name: "ML {url} News" })).toBe("Subscribe to ML {url} News");
    expect(t("footerUnsubscribeLine", { url: "https://x.example/$&" })).toBe(
      "Unsubscribe: https://x.example/$&",
    );
    expect(t("subscribeHeading")).toBe("Subscribe to {name}");
    expect(readerText("ja")("subscribeHeading", { name: "Weekly Kaggle News" })).toBe(
      "「Weekly Kaggle News」を購読する",
    );
    expect(readerText()("emailLabel")).toBe("Email address");
  });
});

import { readFileSync } from "node:fs";
import iconv from "iconv-lite";
import { describe, expect, it } from "vitest";
import { decodeBody, normaliseCharset } from "./index.js";

const testdata = (name: string) => readFileSync(new URL(`./testdata/${name}`, import.meta.url));
const xml = (encoding: string, body: string) => `<?xml version="1.0" encoding="${encoding}"?>\n${body}`;
const bytes = (...parts: (string | number[])[]) =>
  Buffer.concat(parts.map((p) => (typeof p === "string" ? Buffer.from(p, "latin1") : Buffer.from(p))));

describe("decodeBody: byte order marks", () => {
  const doc = "<rss><channel><title>Ça</title></channel></rss>";
  it.each([
    ["utf-8", Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(doc, "utf8")])],
    ["utf-16le", Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(doc, "utf16le")])],
    ["utf-16be", Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(doc, "utf16le").swap16()])],
    ["utf-32le", Buffer.concat([Buffer.from([0xff, 0xfe, 0, 0]), iconv.encode(doc, "utf-32le")])],
    ["utf-32be", Buffer.concat([Buffer.from([0, 0, 0xfe, 0xff]), iconv.encode(doc, "utf-32be")])],
  ])("%s: the BOM decides and is dropped", (charset, input) => {
    const r = decodeBody(input, { contentType: "text/xml; charset=iso-8859-1", kind: "xml" });
    expect(r).toEqual({ text: doc, charset, source: "bom" });
  });
});

describe("decodeBody: declarations", () => {
  it("uses the HTTP charset for legacy bytes", () => {
    const body = bytes(
      "<rss><item><description>This is a ",
      [0xa3, 0x93],
      "test.",
      [0x94],
      "</description></item></rss>",
    );
    const r = decodeBody(body, { contentType: "text/xml; charset=windows-1252", kind: "xml" });
    expect(r.source).toBe("http");
    expect(r.text).toContain("This is a £“test.”");
  });

  it("lets the HTTP charset override the XML declaration", () => {
    const body = bytes(xml("iso-8859-7", "<feed><title>"), [0xe1], "</title></feed>");
    const r = decodeBody(body, { contentType: "application/atom+xml; charset='koi8-r'", kind: "xml" });
    expect(r).toMatchObject({ charset: "koi8-r", source: "http" });
    expect(r.text).toContain("<title>А</title>");
  });

  it("reads the XML declaration when HTTP names no charset (real ISO-8859-1 feed)", () => {
    const r = decodeBody(testdata("rss2-iso-8859-1-declared.rss"), {
      contentType: "application/rss+xml",
      kind: "xml",
    });
    expect(r).toMatchObject({ charset: "windows-1252", source: "declaration" });
    expect(r.text).toContain("Jornal de Notícias - Últimas Notícias");
  });

  it("reads the declaration of BOM-less UTF-16 by its NUL pattern", () => {
    const doc = xml("utf-16", "<feed><title>Ĳssel</title></feed>");
    for (const [input, charset] of [
      [Buffer.from(doc, "utf16le"), "utf-16le"],
      [Buffer.from(doc, "utf16le").swap16(), "utf-16be"],
    ] as const) {
      expect(decodeBody(input, { kind: "xml" })).toEqual({ text: doc, charset, source: "declaration" });
    }
  });

  it("finds <meta charset> and http-equiv in HTML", () => {
    const a = bytes('<html><head><meta charset="euc-kr"><title>', [0xb3, 0xe2], "</title>");
    expect(decodeBody(a, { kind: "html" })).toMatchObject({ charset: "euc-kr", source: "meta" });
    expect(decodeBody(a, { kind: "html" }).text).toContain("<title>년</title>");
    const b = bytes(
      '<html><head><meta http-equiv="Content-Type" content="text/html; charset=Shift_JIS"><p>',
      [0x93, 0xfa, 0x96, 0x7b],
    );
    expect(decodeBody(b, { kind: "html" })).toMatchObject({ charset: "shift_jis", source: "meta" });
    expect(decodeBody(b, { kind: "html" }).text).toContain("<p>日本");
  });

  it("ignores bogus labels and malformed parameters", () => {
    const body = Buffer.from(xml("bogus", "<rss><title>déjà</title></rss>"), "utf8");
    expect(decodeBody(body, { contentType: "text/xml; charset:iso-8859-1", kind: "xml" })).toMatchObject({
      charset: "utf-8",
      text: expect.stringContaining("déjà"),
    });
  });

  it("treats JSON as UTF-8 and never reads markup declarations in it", () => {
    const body = Buffer.from('{"title":"<?xml encoding=\\"koi8-r\\"?> ünïcode"}', "utf8");
    expect(decodeBody(body, { kind: "json" })).toMatchObject({
      charset: "utf-8",
      text: expect.stringContaining("ünïcode"),
    });
  });
});

describe("decodeBody: undeclared and mislabelled text", () => {
  it("detects undeclared Shift_JIS (a real Japanese Atom entry)", () => {
    const r = decodeBody(testdata("atom-ja-shift_jis-undeclared.xml"), {
      contentType: "application/xml",
      kind: "xml",
    });
    expect(r).toMatchObject({ charset: "shift_jis", source: "detected" });
    expect(r.text).toContain("<title>DrecomRSSに記事投稿が反映されない…</title>");
  });

  it("detects undeclared EUC-JP (a real Japanese RSS item)", () => {
    const r = decodeBody(testdata("rss-ja-euc-jp-undeclared.xml"), { kind: "xml" });
    expect(r).toMatchObject({ charset: "euc-jp", source: "detected" });
    expect(r.text).toContain("<title>ゲーム三昧な正月</title>");
  });

  it("keeps valid UTF-8 as UTF-8 when a legacy charset is declared in HTTP or XML", () => {
    const body = Buffer.from(xml("ISO-8859-1", "<rss><title>日本語とçà</title></rss>"), "utf8");
    for (const contentType of [undefined, "text/xml; charset=iso-8859-1", "text/xml; charset=Shift_JIS"]) {
      const r = decodeBody(body, { contentType, kind: "xml" });
      expect(r).toMatchObject({ charset: "utf-8", source: "detected" });
      expect(r.text).toContain("日本語とçà");
    }
  });

  it("uses a declared legacy charset for pure ASCII (nothing to misread)", () => {
    const r = decodeBody(Buffer.from(xml("iso-8859-1", "<rss/>")), { kind: "xml" });
    expect(r).toMatchObject({ charset: "windows-1252", source: "declaration" });
  });

  it("reads a declaration after any leading whitespace, and none after other text", () => {
    const decl = "<?xml version='1.0' encoding='koi8-r'?><rss/>";
    for (const lead of ["", " \t\r\n", "\v\f", "\xa0"]) {
      const r = decodeBody(Buffer.from(lead + decl, "latin1"), { kind: "xml" });
      expect(r).toMatchObject({ charset: "koi8-r", source: "declaration" });
    }
    expect(decodeBody(Buffer.from(`<!-- c -->${decl}`), { kind: "xml" }).source).toBe("default");
    expect(decodeBody(Buffer.from(` \v${decl}`), {}).source).toBe("declaration");
  });

  it("recognises 7-bit ISO-2022-JP by its escapes", () => {
    const body = Buffer.concat([
      Buffer.from("<rss><title>"),
      Buffer.from("1b2442467c4b5c1b2842", "hex"),
      Buffer.from("</title></rss>"),
    ]);
    expect(decodeBody(body, { kind: "xml" })).toMatchObject({
      charset: "iso-2022-jp",
      text: expect.stringContaining("日本"),
    });
    // An ESC byte alone is not an escape sequence.
    expect(decodeBody(Buffer.from("<rss>\x1b(B</rss>"), { kind: "xml" }).charset).toBe("utf-8");
  });

  it("defaults to UTF-8", () => {
    expect(decodeBody(Buffer.from("<rss/>"), {})).toEqual({
      text: "<rss/>",
      charset: "utf-8",
      source: "default",
    });
  });
});

describe("normaliseCharset", () => {
  it.each([
    ["Shift_JIS", "shift_jis"],
    ["sjis", "shift_jis"],
    ["x-sjis", "shift_jis"],
    ["Windows-31J", "shift_jis"],
    ["EUC-JP", "euc-jp"],
    ["gb2312", "gbk"],
    ["big5", "big5"],
    ["euc-kr", "euc-kr"],
    ["us-ascii", "windows-1252"],
    ["ISO-8859-1", "windows-1252"],
    ["iso-8859-2", "iso-8859-2"],
    ["windows_1251", "windows-1251"],
    ["'utf-8'", "utf-8"],
    ["UTF-16", "utf-16le"],
    ["cp_is", null], // DOS code pages are not decoded (see labels.ts)
    ["bogus", null],
    ["", null],
  ])("%s → %s", (label, expected) => {
    expect(normaliseCharset(label)).toBe(expected);
  });
});

describe("feedparser's declared-encoding cases (encoding-cases.json)", () => {
  const { cases } = JSON.parse(testdata("encoding-cases.json").toString("utf8")) as {
    cases: { encoding: string; expectedTitle: string; bytesBase64: string }[];
  };
  const title = (c: (typeof cases)[number]) =>
    /<title>([\s\S]*?)<\/title>/.exec(
      decodeBody(Buffer.from(c.bytesBase64, "base64"), { kind: "xml" }).text,
    )?.[1];
  // EBCDIC (IBM037/500/875/1140 and aliases) is deliberately unsupported: no feed on the web uses it.
  const ebcdic = /^(cp0?37|cp500|cp875|csibm0?37|csibm500|ebcdic|ibm0?3[79]|ibm1140|ibm500)/;

  // DOS code pages and the rarer Mac ones are left out with iconv-lite (see labels.ts): their
  // declarations are ignored and the document is still decoded (by detection), never thrown on.
  const dosOrMac = /^(\d{3,4}|cp\d+|cp_is|csibm\d+|cspc|ibm\d+|koi8-t|mac)/;
  const supported = cases.filter((c) => !ebcdic.test(c.encoding) && normaliseCharset(c.encoding) !== null);

  it.each(supported)("$encoding", (c) => {
    expect(title(c)).toBe(c.expectedTitle);
  });

  it("leaves out only DOS and rare Mac code pages, without failing on them", () => {
    const left = cases.filter((c) => !ebcdic.test(c.encoding) && normaliseCharset(c.encoding) === null);
    expect(supported.length).toBeGreaterThan(30);
    for (const c of left) {
      expect(c.encoding).toMatch(dosOrMac);
      expect(typeof decodeBody(Buffer.from(c.bytesBase64, "base64"), { kind: "xml" }).text).toBe("string");
    }
  });

  it("covers every case except the EBCDIC family", () => {
    const unsupported = cases.filter((c) => ebcdic.test(c.encoding));
    expect(unsupported.length).toBe(21);
    for (const c of unsupported) expect(title(c)).toBeUndefined();
  });
});

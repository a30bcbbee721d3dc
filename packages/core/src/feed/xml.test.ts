import { describe, expect, it } from "vitest";
import { child, children, innerXml, parseXml, textContent, type XElement } from "./xml.js";

const root = (text: string): XElement => {
  const r = parseXml(text);
  if (!r) throw new Error("no root");
  return r;
};

describe("parseXml: entities and CDATA", () => {
  it("decodes XML, numeric and HTML named references; unknown ones stay literal", () => {
    const r = root("<t>a&amp;b &lt;&gt; &#160;&#x41; &nbsp;&eacute;&hellip; &doesnotexist; AT&T</t>");
    expect(textContent(r)).toBe("a&b <> \u00a0A \u00a0é… &doesnotexist; AT&T");
  });

  it("does not decode twice: &amp;nbsp; is the text &nbsp;", () => {
    expect(textContent(root("<t>&amp;nbsp;</t>"))).toBe("&nbsp;");
  });

  it("keeps CDATA verbatim", () => {
    expect(textContent(root("<t><![CDATA[<b>x</b> &amp; &nbsp;]]></t>"))).toBe("<b>x</b> &amp; &nbsp;");
  });

  it("decodes references in attributes", () => {
    expect(root('<link href="http://x/?a=1&amp;b=2&c"/>').attrs.href).toBe("http://x/?a=1&b=2&c");
  });
});

describe("parseXml: namespaces and names", () => {
  it("maps well-known namespaces to keys whatever the prefix", () => {
    const r = root(
      '<rss xmlns:d="http://purl.org/dc/elements/1.1/" xmlns:m="http://search.yahoo.com/mrss/"><d:creator>x</d:creator><m:thumbnail url="u"/></rss>',
    );
    expect(children(r).map((c) => [c.ns, c.name])).toEqual([
      ["dc", "creator"],
      ["media", "thumbnail"],
    ]);
  });

  it("understands common prefixes a feed forgot to declare", () => {
    expect(child(root("<rss><dc:creator>x</dc:creator></rss>"), "creator", "dc")).toBeDefined();
  });

  it("treats RSS 1.0 / userland namespaces and an unknown root namespace as the feed vocabulary", () => {
    const rdf = root(
      '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:rss="http://purl.org/rss/1.0/"><rss:item/></rdf:RDF>',
    );
    expect([rdf.ns, rdf.name, child(rdf, "item")?.name]).toEqual(["rdf", "rdf", "item"]);
    const odd = root('<feed xmlns="http://example.com/newformat#"><title>t</title></feed>');
    expect(child(odd, "title")).toBeDefined();
  });

  it("keeps a foreign default namespace apart", () => {
    const r = root('<rss><bogus xmlns="http://www.w3.org/1999/xlink"/><channel/></rss>');
    expect(children(r).map((c) => c.ns)).toEqual(["{http://www.w3.org/1999/xlink}", ""]);
  });

  it("lower-cases local names and attribute names", () => {
    const r = root('<CHANNEL HREF="http://x/"><ITEM LASTMOD="2004"/><TiTlE>t</TiTlE></CHANNEL>');
    expect([r.name, r.attrs.href, child(r, "item")?.attrs.lastmod, textContent(child(r, "title")!)]).toEqual([
      "channel",
      "http://x/",
      "2004",
      "t",
    ]);
  });
});

describe("parseXml: xml:base", () => {
  it("records the xml:base values in scope, outermost first", () => {
    const r = root(
      '<feed xml:base="http://a/b/"><entry xml:base="c/"><link href="d"/></entry><entry/></feed>',
    );
    const [e1, e2] = children(r, "entry");
    expect(child(e1!, "link")?.bases).toEqual(["http://a/b/", "c/"]);
    expect(e2?.bases).toEqual(["http://a/b/"]);
  });
});

describe("parseXml: broken documents", () => {
  it("survives truncation and unclosed tags", () => {
    const r = root("<rss><channel><title>t</title><item><title>x</item></channel></rss");
    expect(textContent(child(child(r, "channel")!, "title")!)).toBe("t");
  });

  it("skips a DOCTYPE with an internal subset, but not one inside content", () => {
    const r = root(
      '<?xml version="1.0"?><!-- c --><!DOCTYPE rss [<!ENTITY x "y>">]><rss><channel><title>found</title></channel></rss>',
    );
    expect(r.name).toBe("rss");
    const cdata = root(
      "<!-- see <!DOCTYPE --><rss><item><description><![CDATA[ <!DOCTYPE ]]></description></item></rss>",
    );
    expect(textContent(cdata).trim()).toBe("<!DOCTYPE");
  });

  it("returns null when there is no element", () => {
    expect(parseXml("just text")).toBeNull();
    expect(parseXml("<!-- only a comment -->")).toBeNull();
  });
});

describe("innerXml", () => {
  it("re-serialises inline XHTML without prefixes, escaping text", () => {
    const r = root(
      '<title><x:div xmlns:x="http://www.w3.org/1999/xhtml">1 &lt; 2 <x:b class="k">bold</x:b><x:br/></x:div></title>',
    );
    expect(innerXml(r)).toBe('<div>1 &lt; 2 <b class="k">bold</b><br /></div>');
  });
});

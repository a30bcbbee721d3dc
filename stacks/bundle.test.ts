/**
 * The bundle plugins (bundle.ts) leave out or replace library code in the Lambda bundles. This
 * builds the code they touch (mail composition, Markdown with its HTML sanitising, zod) through them, with
 * SST's esbuild and the functions' options, and checks the bundle answers exactly as the code run
 * unbundled (in tests and by `npm start`) does.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { composeMessage } from "@wkn/core/mail/compose";
import { RUNS } from "@wkn/core/testing/property";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { renderBlock, renderComment } from "../packages/core/src/issues/render/markdown.js";
import { FUNCTION_DEFAULTS } from "../sst.config.js";
import { BUNDLE_PLUGINS, functionBuildOptions } from "./bundle.js";
import { sstEsbuild } from "./testing.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const esbuild = sstEsbuild();

interface Bundled {
  composeMessage: typeof composeMessage;
  renderBlock: typeof renderBlock;
  renderComment: typeof renderComment;
  z: typeof z;
}

let dir: string;
let bundled: Bundled;
let inputs: string[];

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "wkn-bundle-"));
  const result = await esbuild.build({
    stdin: {
      contents: [
        'export { composeMessage } from "@wkn/core/mail/compose";',
        'export { renderBlock, renderComment } from "./packages/core/src/issues/render/markdown.ts";',
        'export { z } from "zod";',
      ].join("\n"),
      resolveDir: ROOT,
      sourcefile: "entry.ts",
      loader: "ts",
    },
    // SST's esbuild is older than the top-level one these types come from
    ...(functionBuildOptions(FUNCTION_DEFAULTS.nodejs!) as unknown as import("esbuild").BuildOptions),
    // one file from stdin: chunks (splitting) need entry points and an output directory
    splitting: false,
    outExtension: undefined,
    metafile: true,
    write: false,
    logLevel: "silent",
  });
  const file = path.join(dir, "bundle.mjs");
  await writeFile(file, result.outputFiles[0]!.contents);
  inputs = Object.keys(result.metafile.inputs);
  bundled = await import(pathToFileURL(file).href);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

it("the functions are built with these plugins", () => {
  expect(FUNCTION_DEFAULTS.nodejs?.esbuild?.plugins).toBe(BUNDLE_PLUGINS);
});

it("leaves out what the plugins stub", () => {
  const LEFT_OUT = [
    /[\\/](postcss|source-map-js)[\\/]/,
    /[\\/]zod[\\/]v4[\\/]locales[\\/](?!en\.js)/,
    /[\\/]zod[\\/]v4[\\/](core[\\/]compile|classic[\\/]from-json-schema)\.js$/,
    /[\\/]nodemailer[\\/].*[\\/]mime-types\.js$/,
    // sanitize-html's own htmlparser2 index and what only it needs (ours, htmlparser2 12, stays)
    /sanitize-html[\\/]node_modules[\\/](dom-serializer|domutils|domhandler)[\\/]/,
    /sanitize-html[\\/]node_modules[\\/]htmlparser2[\\/].*[\\/]index\.js$/,
  ];
  expect(inputs.filter((p) => LEFT_OUT.some((re) => re.test(p)))).toEqual([]);
  expect(inputs).toContainEqual(
    expect.stringMatching(/sanitize-html[\\/]node_modules[\\/]htmlparser2[\\/].*[\\/]Parser\.js$/),
  );
});

describe("mail (nodemailer without its MIME type table)", () => {
  const strip = (raw: Buffer) => {
    let s = raw.toString("utf8");
    for (const [, b] of s.matchAll(/boundary="([^"]+)"/g)) s = s.split(b!).join("BOUNDARY");
    return s;
  };
  const inputsOf = (fixed: { messageId: string; date: Date }) => [
    {
      from: { name: "Weekly ML News", address: "news@example.org" },
      to: "reader@example.com",
      subject: "Issue #72: モデルと データ",
      html: "<p>Hello <b>there</b> – ünïcödé</p>",
      text: "Hello there – ünïcödé",
      listUnsubscribeUrl: "https://news.example.org/unsubscribe?token=abc.def",
      headers: { "X-Test-Copy": "yes" },
      ...fixed,
    },
    {
      from: "news@example.org",
      to: ["a@example.com", "b@example.com"],
      subject: "s",
      html: "",
      text: "",
      ...fixed,
    },
  ];

  it("composes the same messages", async () => {
    const fixed = { messageId: "<1.abc@example.org>", date: new Date("2026-01-05T09:00:00Z") };
    for (const input of inputsOf(fixed)) {
      expect(strip(await bundled.composeMessage(input))).toBe(strip(await composeMessage(input)));
    }
  });
});

describe("HTML (sanitize-html on htmlparser2's Parser alone)", () => {
  const CORPUS = [
    '<p>Hi <a href="/x" onclick="alert(1)">link</a><script>alert(1)</script></p>',
    '<img src="a.png" srcset="a.png 1x, b.png 2x" width="1" height="1"><img src="https://e.x/p.jpg" alt="&quot;x&quot;">',
    "<table><tr><td colspan=2>&amp; &lt; &gt; &nbsp; &eacute; &#x1F600; &bogus;</td></tr></table>",
    '<div style="color:red"><p>unclosed <b>bold <i>both</p></div><![CDATA[ x ]]><!-- c -->',
    '<a href="javascript:alert(1)">x</a><a href="mailto:a@b.c">m</a><a href="//evil.example">p</a>',
    "<svg><script>1</script></svg><math><mi>x</mi></math><template><p>t</p></template>",
    "<p>a<br>b<br/>c</p><pre>  code\n  </pre><h1>H</h1><iframe src=x></iframe><noscript>n</noscript>",
    "<<p>>text</p></p></div>&",
  ];
  const PIECES = [
    "<p>",
    "</p>",
    "<a href='",
    '<a href="',
    "https://e.x/",
    "javascript:",
    "'>",
    '">',
    "</a>",
    "<img src=",
    " width=1",
    "/>",
    ">",
    "<",
    "<script>",
    "</script>",
    "<style>",
    "</style>",
    "&amp;",
    "&lt;",
    "&#",
    "&notanentity;",
    "<!--",
    "-->",
    "<![CDATA[",
    "]]>",
    "<b>",
    "</i>",
    "<table><tr><td>",
    " onload=x ",
    "\n",
    "é",
    "日本",
  ];
  const htmlish = fc.array(fc.oneof(fc.constantFrom(...PIECES), fc.string({ maxLength: 4 })), {
    maxLength: 40,
  });

  it("sanitises HTML-like input the same way (sanitize-html behind the editor's Markdown)", () => {
    const utm = { source: "weekly", medium: "email", campaign: "issue-72" };
    fc.assert(
      fc.property(htmlish, (parts) => {
        const md = parts.join("");
        expect(bundled.renderBlock(md, utm)).toBe(renderBlock(md, utm));
        expect(bundled.renderComment(md, utm)).toBe(renderComment(md, utm));
      }),
      RUNS,
    );
  });

  it("renders the editor's Markdown the same way", () => {
    const utm = { source: "weekly", medium: "email", campaign: "issue-72" };
    for (const md of [
      "Hello **world** and [a link](https://example.com/?a=1) <b>raw</b>\n\n- one\n- two",
      "[x](javascript:alert(1)) `code` _em_ https://bare.example/path",
      ...CORPUS,
    ]) {
      expect(bundled.renderBlock(md, utm)).toBe(renderBlock(md, utm));
      expect(bundled.renderComment(md, null)).toBe(renderComment(md, null));
    }
    fc.assert(
      fc.property(htmlish, (parts) => {
        const md = parts.join("");
        expect(bundled.renderBlock(md, utm)).toBe(renderBlock(md, utm));
      }),
      RUNS,
    );
  });
});

describe("zod (without z.compile and z.fromJSONSchema)", () => {
  const schema = (zz: typeof z) =>
    zz.object({
      url: zz.url(),
      email: zz.email().optional(),
      n: zz.coerce.number().int().min(1).max(10),
      tags: zz.array(zz.enum(["a", "b"])).default([]),
      when: zz.iso.datetime({ offset: true }).nullable(),
    });

  it("parses and reports errors the same way, in English", () => {
    for (const value of [
      { url: "https://e.x", n: "3", when: null },
      { url: "nope", email: "x", n: 0, tags: ["c"], when: "yesterday" },
      {},
      null,
    ]) {
      const a = schema(bundled.z).safeParse(value);
      const b = schema(z).safeParse(value);
      expect(JSON.parse(JSON.stringify(a))).toEqual(JSON.parse(JSON.stringify(b)));
    }
    expect(bundled.z.toJSONSchema(schema(bundled.z))).toEqual(z.toJSONSchema(schema(z)));
  });

  it("says so if the left-out APIs are ever called", () => {
    expect(() => bundled.z.compile(bundled.z.string())).toThrow(
      /z\.compile is left out of the Lambda bundles/,
    );
    expect(() => bundled.z.fromJSONSchema({ type: "string" })).toThrow(/z\.fromJSONSchema is left out/);
  });
});

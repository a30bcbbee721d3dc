/**
 * esbuild plugins for the Lambda bundles, to keep each under DESIGN.md's 1 MiB budget (the API's
 * under 900 KiB). Measured with `npm run synth` and an esbuild metafile of functions/api.ts built
 * with these options (bytes in the output per input package):
 *
 * - the API bundle was 1.35 MiB, of which zod's 40 locale files were ~270 KiB and postcss +
 *   source-map-js ~180 KiB; neither is ever used at run time (zodEnglishOnly, noPostcss);
 * - then 1,021 KiB, of which nodemailer's table of 1,000 MIME types was 74 KiB (nodemailerMimeTypes),
 *   sanitize-html's own copy of htmlparser2's package index, with domutils, dom-serializer and a
 *   third copy of entities it never calls, ~100 KiB (sanitizeHtmlParserOnly), and two zod APIs
 *   nothing calls, `z.compile` 31 KiB and `z.fromJSONSchema` 12 KiB (zodUnusedApis).
 *
 * `stacks/bundle.test.ts` builds code through these plugins and checks it answers as unbundled.
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { FunctionProps } from "sst/constructs";

/** esbuild's Plugin as SST's own esbuild version types it. */
type Plugin = NonNullable<NonNullable<NonNullable<FunctionProps["nodejs"]>["esbuild"]>["plugins"]>[number];

const here = dirname(fileURLToPath(import.meta.url));

/**
 * zod re-exports every locale (`z.locales`) from its namespace object, which defeats tree
 * shaking. Error messages only ever use English (zod's default `config(en())`), so the index of
 * locales becomes English only.
 */
export const zodEnglishOnly: Plugin = {
  name: "zod-english-only",
  setup(build) {
    build.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[\\/]zod[\\/]v4[\\/]/.test(args.importer)
        ? { path: "zod-locales-en", namespace: "wkn-stub" }
        : undefined,
    );
    build.onLoad({ filter: /^zod-locales-en$/, namespace: "wkn-stub" }, () => ({
      contents: 'export { default as en } from "zod/v4/locales/en.js";',
      resolveDir: here,
      loader: "js",
    }));
  },
};

/**
 * sanitize-html imports postcss only to filter `style` attributes, which our sanitiser settings
 * never allow (the attribute is dropped before parsing). The stub throws if that ever changes,
 * and sanitize-html then drops the attribute: safe either way.
 */
export const noPostcss: Plugin = {
  name: "no-postcss",
  setup(build) {
    build.onResolve({ filter: /^postcss$/ }, () => ({ path: "postcss", namespace: "wkn-stub" }));
    build.onLoad({ filter: /^postcss$/, namespace: "wkn-stub" }, () => ({
      contents:
        'export function parse() { throw new Error("style attributes are not parsed in Lambda bundles"); }',
      loader: "js",
    }));
  },
};

/**
 * nodemailer looks MIME types up by file extension (and back) only for attachments and for parts
 * without a content type. Our mail (mail/compose.ts) has neither: text and HTML parts get their
 * types from MailComposer itself. The full table (74 KiB minified) becomes the few types a mail
 * part could plausibly take; an unknown one is `application/octet-stream` / `bin`, as before.
 */
export const nodemailerMimeTypes: Plugin = {
  name: "nodemailer-mime-types",
  setup(build) {
    build.onResolve({ filter: /(^|[\\/])mime-types\.js$/ }, (args) =>
      /[\\/]nodemailer[\\/]/.test(args.importer)
        ? { path: "nodemailer-mime-types", namespace: "wkn-stub" }
        : undefined,
    );
    build.onLoad({ filter: /^nodemailer-mime-types$/, namespace: "wkn-stub" }, () => ({
      contents: NODEMAILER_MIME_TYPES,
      loader: "js",
    }));
  },
};

const NODEMAILER_MIME_TYPES = `
const types = [
  ["txt", "text/plain"], ["html", "text/html"], ["htm", "text/html"], ["ics", "text/calendar"],
  ["csv", "text/csv"], ["css", "text/css"], ["json", "application/json"], ["xml", "application/xml"],
  ["pdf", "application/pdf"], ["zip", "application/zip"], ["eml", "message/rfc822"],
  ["png", "image/png"], ["jpg", "image/jpeg"], ["jpeg", "image/jpeg"], ["gif", "image/gif"],
  ["webp", "image/webp"], ["svg", "image/svg+xml"], ["bin", "application/octet-stream"],
];
const byExtension = new Map(types);
const byType = new Map(types.map(([e, t]) => [t, e]).reverse());
export function detectMimeType(filename) {
  if (!filename) return "application/octet-stream";
  const base = String(filename).split(/[\\\\/]/).pop();
  const dot = base.lastIndexOf(".");
  const ext = (dot > 0 ? base.slice(dot + 1) : base).split("?").shift().trim().toLowerCase();
  return byExtension.get(ext) ?? "application/octet-stream";
}
export function detectExtension(mimeType) {
  if (!mimeType) return "bin";
  const t = String(mimeType).toLowerCase().trim().split(";")[0].trim();
  return byType.get(t) ?? (t.split("/")[0] === "text" ? "txt" : "bin");
}
`;

/**
 * sanitize-html uses one thing from htmlparser2, its `Parser` (`new htmlparser.Parser(...)`), but
 * requires the package's CommonJS index, which esbuild cannot shake: with it come domhandler,
 * domutils, dom-serializer and dom-serializer's own entities (~100 KiB). Its import of
 * htmlparser2 becomes that same package's Parser module: the very code it runs unbundled.
 */
export const sanitizeHtmlParserOnly: Plugin = {
  name: "sanitize-html-parser-only",
  setup(build) {
    build.onResolve({ filter: /^htmlparser2$/ }, async (args) => {
      if (!/[\\/]sanitize-html[\\/]index\.js$/.test(args.importer) || args.pluginData === "wkn") return;
      const index = await build.resolve("htmlparser2", {
        kind: args.kind,
        resolveDir: args.resolveDir,
        pluginData: "wkn",
      });
      if (index.errors.length > 0 || !/[\\/]index\.js$/.test(index.path)) return index;
      return { path: join(dirname(index.path), "Parser.js") };
    });
  },
};

/**
 * zod's namespace object (`z`) holds every API, so esbuild keeps them all. Two are never called by
 * us or by the libraries on zod (@hono/zod-openapi, zod-to-openapi, @hono/zod-validator): the
 * schema compiler `z.compile` (an opt-in fast path; parsing never goes through it) and
 * `z.fromJSONSchema`. They become stubs with the same exports that throw if ever called; a new
 * export in a zod upgrade fails the build (esbuild: no matching export), not a request.
 */
export const zodUnusedApis: Plugin = {
  name: "zod-unused-apis",
  setup(build) {
    const stubs: Record<string, { importer: RegExp; contents: string }> = {
      "./compile.js": {
        importer: /[\\/]zod[\\/]v4[\\/]core[\\/]index\.js$/,
        contents: `${unused("z.compile")}
export const INVALID = Symbol.for("zod.compile.invalid");
export class ZodCompileAsyncError extends Error {}
export class ZodCompileUnsupportedError extends Error {}
export const compile = unused;
export const compileFn = unused;
export const withParser = unused;`,
      },
      "./from-json-schema.js": {
        importer: /[\\/]zod[\\/]v4[\\/]classic[\\/]external\.js$/,
        contents: `${unused("z.fromJSONSchema")}
export const fromJSONSchema = unused;`,
      },
    };
    build.onResolve({ filter: /^\.\/(compile|from-json-schema)\.js$/ }, (args) =>
      stubs[args.path]?.importer.test(args.importer)
        ? { path: `zod-${args.path.slice(2)}`, namespace: "wkn-stub" }
        : undefined,
    );
    build.onLoad({ filter: /^zod-(compile|from-json-schema)\.js$/, namespace: "wkn-stub" }, (args) => ({
      contents: stubs[`./${args.path.slice(4)}`]!.contents,
      loader: "js",
    }));
  },
};

/**
 * The esbuild options SST 2 builds an ESM function with (sst/runtime/handlers/node.js), for the
 * checks that rebuild code as the functions are built (stacks/bundle.test.ts, `npm run synth --
 * --why`). Run them with SST's own esbuild (see `sstEsbuild`).
 */
export function functionBuildOptions(nodejs: NonNullable<FunctionProps["nodejs"]>) {
  const { external = [], plugins = [], ...override } = nodejs.esbuild ?? {};
  return {
    platform: "node" as const,
    format: "esm" as const,
    target: "esnext",
    mainFields: ["module", "main"],
    keepNames: true,
    bundle: true,
    minify: nodejs.minify,
    external: ["sharp", "pg-native", ...(nodejs.install ?? []), ...external],
    // SST's own: with splitting, an output directory and `.mjs` chunks beside the entry
    splitting: nodejs.splitting,
    outExtension: nodejs.splitting ? { ".js": ".mjs" } : undefined,
    plugins,
    banner: {
      js: [
        `import { createRequire as topLevelCreateRequire } from 'module';`,
        `const require = topLevelCreateRequire(import.meta.url);`,
        `import { fileURLToPath as topLevelFileUrlToPath, URL as topLevelURL } from "url"`,
        `const __dirname = topLevelFileUrlToPath(new topLevelURL(".", import.meta.url))`,
      ].join("\n"),
    },
    ...override,
  };
}

/**
 * The AWS SDK (external: Lambda's runtime provides it) is CommonJS. An ESM bundle's `import` of it
 * makes Node translate each package it names for ESM (cjs-module-lexer over the package's whole
 * source, the ESM loader's resolution) before running it; `require` runs it directly. Measured on
 * Node 20 in fresh processes: `@aws-sdk/client-dynamodb` 41 ms required against 60-65 ms
 * imported, `@aws-sdk/lib-dynamodb` after it 1.2 ms against 6-10 ms. Each import of an `@aws-sdk/*`
 * package becomes a module that requires it (with SST's banner `require`, from the bundle's own
 * directory, as the import did); a dynamic `import()` of one stays on first use.
 */
export const awsSdkRequired: Plugin = {
  name: "aws-sdk-required",
  setup(build) {
    build.onResolve({ filter: /^@aws-sdk\// }, (args) =>
      args.namespace === "aws-sdk-required"
        ? { path: args.path, external: true }
        : { path: args.path, namespace: "aws-sdk-required" },
    );
    build.onLoad({ filter: /.*/, namespace: "aws-sdk-required" }, (args) => ({
      contents: `module.exports = require(${JSON.stringify(args.path)});`,
      loader: "js",
    }));
  },
};

const unused = (api: string) =>
  `function unused() { throw new Error("${api} is left out of the Lambda bundles (stacks/bundle.ts)"); }`;

export const BUNDLE_PLUGINS = [
  awsSdkRequired,
  zodEnglishOnly,
  zodUnusedApis,
  noPostcss,
  nodemailerMimeTypes,
  sanitizeHtmlParserOnly,
];

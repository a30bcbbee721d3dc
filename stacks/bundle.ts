/**
 * esbuild plugins for the Lambda bundles, to keep each under DESIGN.md's 1 MiB budget (measured
 * with `npm run synth`: the API bundle was 1.35 MiB, of which zod's 40 locale files were ~270 KiB
 * and postcss + source-map-js ~180 KiB; neither is ever used at run time).
 */
import { dirname } from "node:path";
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

export const BUNDLE_PLUGINS = [zodEnglishOnly, noPostcss];

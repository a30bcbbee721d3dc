/**
 * Reading a platform's listing through the guarded fetcher (ctx.fetch): JSON under the parse
 * depth bound, HTML as an element tree. A body that is not what the platform serves is this
 * source's error, named after the platform, never an empty list.
 */
import type { Ctx } from "../../../context.js";
import { decodeBody } from "../../../encoding/index.js";
import { parseJson } from "../../../parse/json.js";
import { SourceError } from "../types.js";
import { type El, parseHtmlTree } from "./html.js";

export async function getJson(ctx: Ctx, platform: string, url: string): Promise<unknown> {
  const res = await ctx.fetch(url, { accept: "application/json" });
  try {
    return parseJson(res.body.toString("utf8"));
  } catch {
    throw new SourceError(`${platform} answered ${url} with something that is not JSON`);
  }
}

export async function getHtml(ctx: Ctx, url: string): Promise<El> {
  const res = await ctx.fetch(url, { accept: "text/html" });
  return parseHtmlTree(decodeBody(res.body, { contentType: res.contentType, kind: "html" }).text);
}

/** The listing no longer looks as the adapter expects: said loudly, so the editor sees the source fail. */
export const shapeChanged = (platform: string, url: string, what: string): SourceError =>
  new SourceError(
    `${platform}: ${url} no longer has the expected shape (${what}); the ${platform} adapter needs updating`,
  );

/** A JSON object (not an array), else undefined. */
export const obj = (v: unknown): Record<string, unknown> | undefined =>
  v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;

/** A URL with one query parameter set (the listing's page). */
export function withParam(url: string, name: string, value: string): string {
  const u = new URL(url);
  u.searchParams.set(name, value);
  return u.toString();
}

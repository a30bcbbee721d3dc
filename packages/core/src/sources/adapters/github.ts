/**
 * GitHub releases of one repository. With `GITHUB_TOKEN`: the REST API (30 newest, ETag so a
 * repeat poll is a free 304, drafts left out, prereleases flagged). Without: the public
 * `releases.atom` through the feed parser (about 10 entries, no prerelease flag). Releases are
 * titled `<owner>/<repo> <tag or release name>` (DESIGN.md "Contract details").
 */
import MarkdownIt from "markdown-it";
import type { Ctx } from "../../context.js";
import { htmlToText } from "../../feed/html.js";
import { ParseLimitError } from "../../parse/limits.js";
import type { SourceRecord } from "../../store/sources.js";
import { pollFeedDocument } from "./feed.js";
import { type AdapterResult, type Candidate, type SourceAdapter, SourceError } from "./types.js";

export const GITHUB_API_VERSION = "2022-11-28";
const PER_PAGE = 30;
/** Release notes can be huge; the description keeps ~300 characters of them. */
const MAX_BODY_CHARS = 20_000;

const markdown = new MarkdownIt({ html: true, linkify: false });

/**
 * Release notes (GitHub-flavoured markdown, raw HTML allowed) as plain text. Notes past the parse
 * limits (hostile nesting) lose their description, not the whole poll: the release still counts.
 */
export function markdownToText(md: string): string {
  try {
    return htmlToText(markdown.render(md.slice(0, MAX_BODY_CHARS)));
  } catch (e) {
    if (e instanceof ParseLimitError) return "";
    throw e;
  }
}

/** The web origin of a GitHub API URL: api.github.com → github.com; GHE `https://host/api/v3` → `https://host`. */
export function githubWebUrl(apiUrl: string): string {
  const u = new URL(apiUrl);
  if (u.hostname === "api.github.com") return "https://github.com";
  const path = u.pathname.replace(/\/+$/, "").replace(/\/api\/v3$/, "");
  return `${u.origin}${path}`;
}

const str = (v: unknown): string | undefined =>
  typeof v === "string" && v.trim() !== "" ? v.trim() : undefined;

/** One release of the REST API as a candidate, or why it is left out. */
export function releaseToCandidate(repo: string, raw: unknown): Candidate | "draft" | "no-link" {
  if (!raw || typeof raw !== "object") return "no-link";
  const r = raw as Record<string, unknown>;
  if (r.draft === true) return "draft";
  const tag = str(r.tag_name);
  const name = str(r.name);
  const url =
    str(r.html_url) ??
    (tag ? `https://github.com/${repo}/releases/tag/${encodeURIComponent(tag)}` : undefined);
  if (!url || !(tag || name)) return "no-link";
  const body = str(r.body);
  const author =
    r.author && typeof r.author === "object" ? str((r.author as Record<string, unknown>).login) : undefined;
  return {
    url,
    title: `${repo} ${tag ?? name}`,
    description: body ? markdownToText(body) || null : null,
    imageUrl: null,
    siteName: "GitHub",
    author: author ?? null,
    publishedAt: str(r.published_at) ?? str(r.created_at) ?? null,
    kind: "release",
    facts: { prerelease: r.prerelease === true, ...(tag ? { tag } : {}) },
  };
}

/** A release page URL's tag: `…/releases/tag/<tag>`. */
function tagFromUrl(url: string): string | undefined {
  const m = /\/releases\/tag\/([^/?#]+)/.exec(url);
  if (!m) return undefined;
  try {
    return decodeURIComponent(m[1]!);
  } catch {
    return m[1];
  }
}

async function pollRest(ctx: Ctx, source: SourceRecord, repo: string, token: string): Promise<AdapterResult> {
  const res = await ctx.fetch(`${ctx.config.githubApiUrl}/repos/${repo}/releases?per_page=${PER_PAGE}`, {
    accept: "application/vnd.github+json",
    headers: { Authorization: `Bearer ${token}`, "X-GitHub-Api-Version": GITHUB_API_VERSION },
    etag: source.etag,
    lastModified: source.lastModified,
  });
  const validators = { etag: res.etag, lastModified: res.lastModified };
  if (res.notModified) return { notModified: true, validators, maxAgeSeconds: res.maxAgeSeconds };
  let list: unknown;
  try {
    list = JSON.parse(res.body.toString("utf8"));
  } catch {
    throw new SourceError(`GitHub answered ${res.url} with something that is not JSON`);
  }
  if (!Array.isArray(list))
    throw new SourceError(`GitHub answered ${res.url} with something that is not a release list`);
  const entries: Candidate[] = [];
  let skipped = 0;
  for (const raw of list) {
    const c = releaseToCandidate(repo, raw);
    if (c === "no-link") skipped++;
    else if (c !== "draft") entries.push(c);
  }
  return { notModified: false, entries, validators, maxAgeSeconds: res.maxAgeSeconds, skipped };
}

function pollAtom(ctx: Ctx, source: SourceRecord, repo: string): Promise<AdapterResult> {
  const url = `${githubWebUrl(ctx.config.githubApiUrl)}/${repo}/releases.atom`;
  return pollFeedDocument(ctx, url, source, (e) => {
    const tag = tagFromUrl(e.url);
    const label = tag ?? e.title;
    if (!label) return null;
    return {
      url: e.url,
      title: `${repo} ${label}`,
      description: e.summaryText || null,
      imageUrl: null, // the feed's media:thumbnail is the author's avatar, not a picture of the release
      siteName: "GitHub",
      author: e.author,
      publishedAt: e.publishedAt ?? e.updatedAt,
      kind: "release",
      facts: tag ? { tag } : {},
    };
  });
}

export const githubAdapter: SourceAdapter = {
  async poll(ctx, source) {
    if (!source.repo) throw new SourceError("this GitHub source has no repository");
    const token = ctx.config.githubToken;
    return token ? pollRest(ctx, source, source.repo, token) : pollAtom(ctx, source, source.repo);
  },
};

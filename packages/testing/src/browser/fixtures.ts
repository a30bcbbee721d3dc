/**
 * The outside world of the browser suite, on loopback: two feeds (RSS 2.0 and Atom, ten entries,
 * some with Japanese titles) and the article pages they link to, each with Open Graph tags so the
 * runtime's unfurl gives the cards a picture and a description.
 *
 * Pictures: the page's CSP allows images from `https:` only (and the mail is read the same way),
 * so og:image names `https://${IMAGE_HOST}/…`, which the browser context answers itself
 * (`routeImages`): nothing leaves the machine and nothing is blocked by the CSP.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { solidPng } from "@wkn/core/media/testing";
import type { BrowserContext } from "playwright-core";

export const IMAGE_HOST = "images.example.com";

export interface Entry {
  slug: string;
  title: string;
  description: string;
  /** Hours before the start of the run. */
  hoursAgo: number;
  /** The card picture's colour (RGB). */
  colour: [number, number, number];
}

/** "Loopback ML Blog" (RSS 2.0). */
export const BLOG_ENTRIES: Entry[] = [
  {
    slug: "sparse-attention-long-context",
    title: "Sparse attention for million-token contexts",
    description:
      "A block-sparse attention kernel that keeps quality at one million tokens while halving memory.",
    hoursAgo: 3,
    colour: [37, 99, 235],
  },
  {
    slug: "llm-japanese-benchmark",
    title: "日本語LLMベンチマーク2026年版を公開",
    description: "国内外の大規模言語モデル32種を、読解・要約・敬語の3分野で比較しました。",
    hoursAgo: 6,
    colour: [220, 38, 38],
  },
  {
    slug: "diffusion-distillation",
    title: "Distilling diffusion models into four sampling steps",
    description: "Consistency distillation recipes that keep FID within 5% of the teacher.",
    hoursAgo: 12,
    colour: [5, 150, 105],
  },
  {
    slug: "rlhf-reward-hacking",
    title: "Reward hacking in RLHF, measured",
    description: "How often policies exploit reward models, and three cheap mitigations.",
    hoursAgo: 20,
    colour: [217, 119, 6],
  },
  {
    slug: "tabular-foundation-model",
    title: "A foundation model for tabular data beats gradient boosting on 40 Kaggle sets",
    description: "Pre-trained on synthetic tables, fine-tuned in minutes.",
    hoursAgo: 30,
    colour: [124, 58, 237],
  },
  {
    slug: "kaggle-grandmaster-interview",
    title: "Kaggleグランドマスターに聞く：特徴量エンジニアリングの今",
    description: "コンペで勝ち続けるための検証設計と、LLM時代の特徴量の作り方について伺いました。",
    hoursAgo: 40,
    colour: [8, 145, 178],
  },
];

/** "研究ノート" (Atom). */
export const NOTES_ENTRIES: Entry[] = [
  {
    slug: "vision-transformer-pruning",
    title: "Vision Transformerの構造化プルーニング",
    description: "精度をほぼ落とさずに推論を2倍速くする手法を解説します。",
    hoursAgo: 8,
    colour: [190, 24, 93],
  },
  {
    slug: "speech-recognition-dialects",
    title: "方言に強い音声認識モデルの作り方",
    description: "関西弁・東北弁を含む200時間のコーパスで学習した結果を紹介します。",
    hoursAgo: 16,
    colour: [22, 163, 74],
  },
  {
    slug: "graph-neural-networks-chemistry",
    title: "Graph neural networks for reaction yield prediction",
    description: "Message passing over reaction graphs, evaluated on a new open dataset.",
    hoursAgo: 26,
    colour: [234, 88, 12],
  },
  {
    slug: "quantization-4bit",
    title: "4-bit quantization without calibration data",
    description: "Weight-only quantization that needs no sample inputs, with open kernels.",
    hoursAgo: 50,
    colour: [71, 85, 105],
  },
];

/** A page the editor adds by hand ("add a link by URL"); in no feed. */
export const ADDED_PAGE = {
  slug: "open-weights-release",
  title: "Open weights: a 7B model trained on 10T tokens",
  description: "Released under Apache-2.0 with the full training recipe and data mix.",
  siteName: "Loopback Research",
  colour: [15, 118, 110] as [number, number, number],
};

const escapeXml = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** A solid-colour PNG (w×h), made at run time so the suite needs no binary files. */
export { solidPng } from "@wkn/core/media/testing";

const ALL_PAGES = [...BLOG_ENTRIES, ...NOTES_ENTRIES, { ...ADDED_PAGE, hoursAgo: 0 }];

/** Answers the card pictures in `context` (any path under IMAGE_HOST: `/<slug>.png`). */
export async function routeImages(context: BrowserContext): Promise<void> {
  const colours = new Map(ALL_PAGES.map((p) => [p.slug, p.colour]));
  await context.route(`https://${IMAGE_HOST}/**`, (route) => {
    const slug = new URL(route.request().url()).pathname.replace(/^\//, "").replace(/\.png$/, "");
    return route.fulfill({
      status: 200,
      contentType: "image/png",
      headers: { "cache-control": "max-age=3600" },
      body: solidPng(120, 80, colours.get(slug) ?? [100, 116, 139]),
    });
  });
}

export interface FeedServer {
  url: string;
  blogFeed: string;
  notesFeed: string;
  /** The article page of `slug`. */
  pageUrl(slug: string): string;
  /** How many times each path was requested. */
  hits: Map<string, number>;
  close(): Promise<void>;
}

/** Serves the feeds and the pages on 127.0.0.1 (a free port). Dates are relative to `now`. */
export async function startFeedServer(now = new Date()): Promise<FeedServer> {
  const hits = new Map<string, number>();
  let base = "";
  const at = (hoursAgo: number) => new Date(now.getTime() - hoursAgo * 3_600_000);

  const rss = () =>
    [
      '<?xml version="1.0" encoding="UTF-8"?>',
      '<rss version="2.0"><channel>',
      "<title>Loopback ML Blog</title>",
      `<link>${base}/</link>`,
      "<description>Machine learning notes from the loopback lab.</description>",
      "<language>en</language>",
      ...BLOG_ENTRIES.map((e) =>
        [
          "<item>",
          `<title>${escapeXml(e.title)}</title>`,
          `<link>${base}/posts/${e.slug}</link>`,
          `<guid isPermaLink="false">blog-${e.slug}</guid>`,
          `<pubDate>${at(e.hoursAgo).toUTCString()}</pubDate>`,
          `<description>${escapeXml(e.description)}</description>`,
          "</item>",
        ].join(""),
      ),
      "</channel></rss>",
    ].join("\n");

  const atom = () =>
    [
      '<?xml version="1.0" encoding="UTF-8"?>',
      '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="ja">',
      "<title>研究ノート</title>",
      `<id>${base}/notes</id>`,
      `<link href="${base}/notes"/>`,
      `<updated>${at(0).toISOString()}</updated>`,
      ...NOTES_ENTRIES.map((e) =>
        [
          "<entry>",
          `<title>${escapeXml(e.title)}</title>`,
          `<id>${base}/posts/${e.slug}</id>`,
          `<link rel="alternate" href="${base}/posts/${e.slug}"/>`,
          `<published>${at(e.hoursAgo).toISOString()}</published>`,
          `<updated>${at(e.hoursAgo).toISOString()}</updated>`,
          `<summary>${escapeXml(e.description)}</summary>`,
          "<author><name>研究チーム</name></author>",
          "</entry>",
        ].join(""),
      ),
      "</feed>",
    ].join("\n");

  const page = (p: { slug: string; title: string; description: string; siteName?: string }) =>
    [
      "<!doctype html>",
      '<html lang="en"><head><meta charset="utf-8">',
      `<title>${escapeXml(p.title)}</title>`,
      `<meta property="og:title" content="${escapeXml(p.title)}">`,
      `<meta property="og:description" content="${escapeXml(p.description)}">`,
      // The feeds' posts: a picture on this server, which the runtime hosts as a thumbnail (the
      // editor's page then shows /media/…). The page added by hand keeps one on IMAGE_HOST, which
      // the runtime cannot reach: its card shows the publisher's picture and says why the mail has none.
      p.slug === ADDED_PAGE.slug
        ? `<meta property="og:image" content="https://${IMAGE_HOST}/${p.slug}.png">`
        : `<meta property="og:image" content="${base}/images/${p.slug}.png">`,
      `<meta property="og:site_name" content="${escapeXml(p.siteName ?? "Loopback ML Blog")}">`,
      `<meta property="og:url" content="${base}/posts/${p.slug}">`,
      "</head><body>",
      `<h1>${escapeXml(p.title)}</h1><p>${escapeXml(p.description)}</p>`,
      "</body></html>",
    ].join("\n");

  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const send = (status: number, type: string, body: string) => {
      res.writeHead(status, { "content-type": type, "cache-control": "no-cache" });
      res.end(body);
    };
    if (path === "/feeds/blog.xml") return send(200, "application/rss+xml; charset=utf-8", rss());
    if (path === "/feeds/notes.atom") return send(200, "application/atom+xml; charset=utf-8", atom());
    const m = /^\/posts\/([a-z0-9-]+)$/.exec(path);
    const found = m && ALL_PAGES.find((p) => p.slug === m[1]);
    if (found) return send(200, "text/html; charset=utf-8", page(found));
    const img = /^\/images\/([a-z0-9-]+)\.png$/.exec(path);
    const pictured = img && ALL_PAGES.find((p) => p.slug === img[1]);
    if (pictured) {
      res.writeHead(200, { "content-type": "image/png" });
      return res.end(solidPng(1200, 630, pictured.colour));
    }
    return send(404, "text/plain; charset=utf-8", "not found");
  };

  const server: Server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    blogFeed: `${base}/feeds/blog.xml`,
    notesFeed: `${base}/feeds/notes.atom`,
    pageUrl: (slug) => `${base}/posts/${slug}`,
    hits,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

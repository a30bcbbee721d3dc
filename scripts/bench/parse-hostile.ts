/**
 * `npx tsx scripts/bench/parse-hostile.ts [--runs N]`
 *
 * Hostile documents against a normal one, side by side in one run (DESIGN.md data flow 3:
 * "parsing is bounded in time and nesting depth"). Each document goes through what the pipeline
 * runs on it: `parseFeed` on the bytes of a feed; `decodeBody` + `extractMetadata` on a page, as
 * the unfurler does. For each: the median time (wall and CPU) over N runs, its ratio to the time
 * of parsing a normal ~1 MB feed, what came out, and the longest event-loop stall observed
 * (monitorEventLoopDelay) while it was parsed. Goals: failing the 200k-deep feed and the
 * 600k-deep page costs at most 2× the normal feed; every deep document fails with the parse
 * bound's message; the shallow hostile ones (each was quadratic somewhere) read, or fail within
 * the bounds. The last line is a JSON summary; the exit code is 1 when a goal is missed.
 */
import { monitorEventLoopDelay } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { parseArgs } from "node:util";
import { decodeBody } from "@wkn/core/encoding";
import { parseFeed } from "@wkn/core/feed";
import { extractMetadata } from "@wkn/core/items/metadata";
import { cpuMs } from "@wkn/core/parse/limits";
import { deepFeed, deepHtmlTitleFeed, deepJsonFeed, deepPage, deepTitleFeed } from "@wkn/core/parse/testing";
import { round, table } from "./frame.js";

interface Case {
  name: string;
  body: Buffer;
  run: (body: Buffer) => unknown;
  /** "parses": must read; "fails": must fail with a parse bound's message; "bounded": either. */
  expect: "parses" | "fails" | "bounded";
  /** Held to the ≤ 2× goal. */
  goal?: boolean;
}

const feed = (body: Buffer) =>
  parseFeed({ body, contentType: "application/rss+xml", url: "https://b.example/feed" });
const page = (body: Buffer) =>
  extractMetadata(decodeBody(body, { contentType: "text/html", kind: "html" }).text, "https://b.example/p");

/** A ~1 MB RSS feed like a blog's full-content feed: paragraphs, links, pictures, lists, code. */
function normalFeed(bytes = 1_000_000): string {
  const post = (n: number) =>
    `<h2>Part ${n}: what we measured</h2>` +
    `<p>We trained <a href="https://models.example/m${n}">model ${n}</a> on <em>three</em> data sets &amp; compared ` +
    `the results with last week's run. The <strong>validation loss</strong> fell by ${n % 7}.${n % 10}%.</p>` +
    `<figure><img src="/img/${n}.png" alt="Loss curve ${n}" width="600" height="300"><figcaption>Loss, run ${n}</figcaption></figure>` +
    `<ul><li>batch size 256</li><li>learning rate 3e-4</li><li>warm-up: 1,000 steps</li></ul>` +
    `<pre><code>python train.py --run ${n} --epochs 10</code></pre>` +
    `<p>Read <a href="https://blog.example/notes/${n}">the notes</a> or the <a href="/faq">FAQ</a>.</p>`;
  const items: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const content = Array.from({ length: 12 }, (_, k) => post(i * 12 + k)).join("");
    const it =
      `<item><title>Post ${i}: notes on small models &amp; big data</title>` +
      `<link>https://blog.example/posts/${i}</link><guid isPermaLink="false">post-${i}</guid>` +
      `<dc:creator>Jane Doe</dc:creator><category>ml</category><category>training</category>` +
      `<pubDate>Mon, 05 Jan 2026 ${String(i % 24).padStart(2, "0")}:00:00 GMT</pubDate>` +
      `<description>What we learned in experiment ${i}.</description>` +
      `<content:encoded><![CDATA[${content}]]></content:encoded></item>\n`;
    items.push(it);
    size += it.length;
  }
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" ` +
    `xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>Blog</title><link>https://blog.example/</link>\n` +
    `${items.join("")}</channel></rss>`
  );
}

const buf = (s: string) => Buffer.from(s, "utf8");
const LIMIT = /nests deeper than 512|more than 100000 elements|ms of CPU time/;

function cases(): Case[] {
  const dates = "<pubDate>bad</pubDate>".repeat(90_000);
  const item = (inner: string) =>
    `<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><item><link>https://e.example/1</link>${inner}</item></channel></rss>`;
  return [
    { name: "normal feed", body: buf(normalFeed()), run: feed, expect: "parses" },
    { name: "feed 200k deep", body: buf(deepFeed(200_000)), run: feed, expect: "fails", goal: true },
    { name: "page 600k deep", body: buf(deepPage(600_000)), run: page, expect: "fails", goal: true },
    { name: "title 100k deep (XML)", body: buf(deepTitleFeed(100_000)), run: feed, expect: "fails" },
    { name: "title 100k deep (HTML)", body: buf(deepHtmlTitleFeed(100_000)), run: feed, expect: "fails" },
    { name: "JSON Feed 200k deep", body: buf(deepJsonFeed(200_000)), run: feed, expect: "fails" },
    // Shallow: each used to be quadratic in its size somewhere past the XML parser.
    { name: "90k dates in an entry", body: buf(item(dates)), run: feed, expect: "parses" },
    {
      name: "'<a ' × 300k title",
      body: buf(item(`<title>${"&lt;a ".repeat(300_000)}</title>`)),
      run: feed,
      expect: "parses",
    },
    {
      name: "'a@' × 300k author",
      body: buf(item(`<author>${"a@".repeat(300_000)}</author>`)),
      run: feed,
      expect: "parses",
    },
    {
      name: "40k tracking pixels",
      body: buf(
        item(
          `<description><![CDATA[${'a<img src="https://t.example/p.gif" width="1">'.repeat(40_000)}]]></description>`,
        ),
      ),
      run: feed,
      expect: "parses",
    },
    // Bounded by the element count: 300k empty elements.
    { name: "300k flat elements", body: buf(item("<x/>".repeat(300_000))), run: feed, expect: "fails" },
    // Unmatched end tags under 511 open elements: O(depth) each, no element: bounded by CPU time.
    {
      name: "end tags at depth 511",
      body: buf(item(`${"<x>".repeat(508)}${"</y>".repeat(500_000)}`)),
      run: feed,
      expect: "bounded",
    },
  ];
}

interface Result {
  name: string;
  mb: number;
  wallMs: number;
  cpuMs: number;
  stallMs: number;
  outcome: string;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Runs `c` once inside a window watched by an event-loop delay histogram. */
async function measureOnce(c: Case): Promise<{ wall: number; cpu: number; stall: number; outcome: string }> {
  const h = monitorEventLoopDelay({ resolution: 5 });
  h.enable();
  await sleep(20);
  let wall = 0;
  let cpu = 0;
  let outcome = "ok";
  await new Promise<void>((resolve) =>
    setTimeout(() => {
      const c0 = cpuMs();
      const t0 = performance.now();
      try {
        c.run(c.body);
      } catch (e) {
        outcome = `${(e as Error).name}: ${(e as Error).message}`;
      }
      wall = performance.now() - t0;
      cpu = cpuMs() - c0;
      resolve();
    }, 1),
  );
  await sleep(20);
  h.disable();
  return { wall, cpu, stall: h.max / 1e6, outcome };
}

async function benchParseHostile(runs: number): Promise<{ results: Result[]; ok: boolean; lines: string[] }> {
  const results: Result[] = [];
  const problems: string[] = [];
  const all = cases();
  for (const c of all) {
    await measureOnce(c); // warm-up
    const walls: number[] = [];
    const cpus: number[] = [];
    let stall = 0;
    let outcome = "";
    for (let i = 0; i < runs; i++) {
      const m = await measureOnce(c);
      walls.push(m.wall);
      cpus.push(m.cpu);
      stall = Math.max(stall, m.stall);
      outcome = m.outcome;
    }
    results.push({
      name: c.name,
      mb: round(c.body.length / 1e6, 2),
      wallMs: round(median(walls), 1),
      cpuMs: round(median(cpus), 1),
      stallMs: round(stall, 1),
      outcome,
    });
    const bound = outcome.startsWith("FeedError: ") || outcome.startsWith("ParseLimitError: ");
    const expected = { parses: outcome === "ok", fails: bound && LIMIT.test(outcome), bounded: true }[
      c.expect
    ];
    if (!expected) problems.push(`${c.name}: unexpected outcome "${outcome}"`);
  }
  const normal = results[0]!;
  const ratioOf = (r: Result) => round(r.wallMs / normal.wallMs, 2);
  for (const [i, c] of all.entries()) {
    const r = results[i]!;
    if (c.goal && ratioOf(r) > 2) problems.push(`${c.name}: ${ratioOf(r)}× the normal feed (goal ≤ 2×)`);
  }
  const lines = [
    ...table(
      ["document", "MB", "wall ms", "CPU ms", "× normal", "max stall ms", "outcome"],
      results.map((r) => [r.name, r.mb, r.wallMs, r.cpuMs, ratioOf(r), r.stallMs, r.outcome.slice(0, 70)]),
    ),
    `deep feed: ${ratioOf(results[1]!)}× and deep page: ${ratioOf(results[2]!)}× the normal feed (goal ≤ 2×)`,
    ...problems.map((p) => `MISSED ${p}`),
  ];
  return { results: results.map((r) => ({ ...r, ratio: ratioOf(r) })), ok: problems.length === 0, lines };
}

const { values } = parseArgs({ options: { runs: { type: "string", default: "5" } } });
const { results, ok, lines } = await benchParseHostile(Number(values.runs));
for (const l of lines) console.log(l);
console.log(JSON.stringify({ parseHostile: { ok, results } }));
process.exitCode = ok ? 0 : 1;

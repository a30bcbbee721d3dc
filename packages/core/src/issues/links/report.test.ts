/**
 * An issue's links: found in items and in the editor's markdown, checked at send start (dead and
 * off-site links refuse the send unless ignored; timeouts and 5xx never do), shown in the preview.
 */
import { startTestEnv, type TestEnv } from "@wkn/testing";
import { recordingJobs } from "@wkn/testing/mail";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Ctx } from "../../context.js";
import { DomainError } from "../../errors.js";
import { closeServers, serve } from "../../fetch/testing.js";
import { storeItems, testItem } from "../../items/testing.js";
import { startSend } from "../../mail/send.js";
import { createDraft, updateDraft } from "../drafts.js";
import { annotatePreview } from "./annotate.js";
import { issueLinks } from "./extract.js";

let env: TestEnv;
beforeAll(async () => {
  env = await startTestEnv();
});
afterEach(closeServers);
afterAll(() => env.close());

const FAST = { timeoutMs: 250 };

async function site() {
  const server = await serve((req, res) => {
    if (req.url === "/gone") return res.writeHead(410).end();
    if (req.url === "/broken") return res.writeHead(503).end();
    if (req.url === "/slow") return; // never answers
    res.writeHead(200).end();
  });
  return (p: string) => `${server.origin}${p}`;
}

/** A draft whose section holds one item per URL; `intro` as given. */
async function draft(ctx: Ctx, urls: string[], intro = "") {
  const items = await storeItems(
    ctx,
    urls.map((u) => testItem(u, { status: "selected" })),
  );
  const { number } = await createDraft(ctx, { intro });
  await updateDraft(ctx, number, { intro, sections: [{ heading: "News", itemIds: items.map((i) => i.id) }] });
  return { number, ids: items.map((i) => i.id) };
}

describe("issueLinks", () => {
  it("finds item URLs and the http(s) links of the intro, section bodies and comments, once each", () => {
    const links = issueLinks({
      intro: "See [the paper](https://a.example/paper) and https://b.example/x. Mail me@c.example",
      sections: [
        {
          heading: "One",
          body: "[again](https://a.example/paper) [js](javascript:alert(1))",
          itemIds: ["i1", "gone"],
        },
      ],
      cards: new Map([
        ["i1", { url: "https://d.example/post", comment: "via <https://e.example/?a=1&b=2>" }],
      ]),
    });
    expect(links).toEqual([
      { url: "https://a.example/paper", itemId: null, place: "intro" },
      { url: "https://b.example/x", itemId: null, place: "intro" },
      { url: "https://d.example/post", itemId: "i1", place: "sections.0.itemIds.0" },
      { url: "https://e.example/?a=1&b=2", itemId: "i1", place: "sections.0.itemIds.0" },
    ]);
  });
});

describe("startSend with the link check", () => {
  it("refuses dead and off-site links (409 dead_links, naming their places) and leaves the draft", async () => {
    const u = await site();
    const { jobs, enqueued } = recordingJobs();
    const ctx = await env.ctx({ jobs });
    const { number } = await draft(
      ctx,
      [u("/fine"), u("/gone")],
      "Also [this](http://no-such-host.invalid/x).",
    );
    const err = await startSend(ctx, number, { links: { ignoreDeadLinks: false, ...FAST } }).catch((e) => e);
    expect(err).toBeInstanceOf(DomainError);
    expect(err).toMatchObject({ code: "dead_links", kind: "conflict" });
    expect(err.message).toContain(u("/gone"));
    expect(err.message).toContain("ignoreDeadLinks");
    expect(err.details.map((d: { field: string }) => d.field)).toEqual(["intro", "sections.0.itemIds.1"]);
    expect((await ctx.store.issues.mustGet(number)).status).toBe("draft");
    expect(enqueued).toEqual([]);

    const sending = await startSend(ctx, number, { links: { ignoreDeadLinks: true } });
    expect(sending.status).toBe("sending");
    expect(enqueued).toHaveLength(1);
  });

  it("sends when links only time out or answer 5xx: reported, not counted as dead", async () => {
    const u = await site();
    const { jobs } = recordingJobs();
    const ctx = await env.ctx({ jobs });
    const { number } = await draft(ctx, [u("/slow"), u("/broken"), u("/fine")]);
    const issue = await startSend(ctx, number, { links: { ignoreDeadLinks: false, ...FAST } });
    expect(issue.status).toBe("sending");
    const checks = await ctx.store.linkChecks.getMany([u("/slow"), u("/broken")]);
    expect(checks.get(u("/slow"))).toMatchObject({ status: "error" });
    expect(checks.get(u("/broken"))).toMatchObject({ status: "error", httpStatus: 503 });
  });
});

describe("annotatePreview", () => {
  const html =
    '<html><body style="x"><table><tr><td class="card" data-item="i1" style="y">A</td></tr>' +
    '<tr><td class="card" data-item="i2" style="y">B</td></tr></table></body></html>';
  const entry = { httpStatus: null, finalUrl: null, checkedAt: "2026-03-02T10:00:00.000Z" };

  it("puts each problem inside its item's card and a summary at the top; leaves a clean issue alone", () => {
    const out = annotatePreview(html, [
      { ...entry, url: "https://a.example/", itemId: "i1", status: "ok", reason: "reachable" },
      { ...entry, url: "https://b.example/<x>", itemId: "i2", status: "dead", reason: "404 Not Found" },
      { ...entry, url: "https://c.example/", itemId: null, status: "error", reason: "server error 500" },
    ]);
    expect(out).toContain('data-item="i1" style="y">A<');
    expect(out).toMatch(
      /data-item="i2" style="y"><div class="link-check link-dead"[^>]*><strong>Dead link<\/strong>: https:\/\/b\.example\/&lt;x&gt;/,
    );
    expect(out).toMatch(
      /<body style="x"><div class="link-report"[^>]*>Link check: 3 links, 1 dead, 0 moved off-site, 1 not checkable\. Sending is refused/,
    );
    expect(out).toContain("https://c.example/ &mdash; server error 500");
    const clean = [
      { ...entry, url: "https://a.example/", itemId: "i1", status: "ok" as const, reason: "reachable" },
    ];
    expect(annotatePreview(html, clean)).toBe(html);
  });
});

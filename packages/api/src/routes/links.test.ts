/**
 * Link health through the API: the preview checks a draft's links and shows the problems next to
 * their items, `GET /api/issues/:id` reports them (`linkReport`), and `/send` refuses dead links
 * (409 `dead_links`) unless `{"ignoreDeadLinks": true}`. Loopback servers (ALLOW_PRIVATE_NETWORK=1).
 */
import { closeServers, serve } from "@wkn/core/fetch/testing";
import { storeItems, testItem } from "@wkn/core/items/testing";
import { startTestEnv, type TestEnv } from "@wkn/testing";
import { testClient } from "@wkn/testing/api";
import { recordingJobs } from "@wkn/testing/mail";
import { DomUtils, parseDocument } from "htmlparser2";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

let env: TestEnv;
beforeAll(async () => {
  env = await startTestEnv();
});
afterEach(closeServers);
afterAll(() => env.close());

const NOW = "2026-03-02T10:00:00.000Z";

async function setup() {
  const other = await serve((_req, res) => res.writeHead(200).end());
  const site = await serve((req, res) => {
    if (req.url === "/missing") return res.writeHead(404).end();
    if (req.url === "/gone") return res.writeHead(410).end();
    if (req.url === "/moved-away")
      return res.writeHead(301, { location: `http://localhost:${other.port}/landing` }).end();
    res.writeHead(200).end();
  });
  const u = (p: string) => `${site.origin}${p}`;
  const { jobs, enqueued } = recordingJobs();
  const ctx = await env.ctx({ jobs, now: () => new Date(NOW) });
  const t = testClient(ctx);
  const items = await storeItems(ctx, [
    testItem(u("/fine"), { status: "selected", comment: "Background: [slides](" + u("/gone") + ")" }),
    testItem(u("/missing"), { status: "selected" }),
    testItem(u("/moved-away"), { status: "selected" }),
  ]);
  const ids = items.map((i) => i.id) as [string, string, string];
  const { number } = (await (await t.post("/api/issues", {})).json()) as { number: number };
  const put = await t.put(`/api/issues/${number}`, {
    intro: "Welcome.",
    sections: [{ heading: "News", itemIds: ids }],
  });
  expect(put.status).toBe(200);
  return { t, u, ids, number, site, enqueued };
}

type Entry = {
  url: string;
  itemId: string | null;
  status: string;
  httpStatus: number | null;
  reason: string;
  checkedAt: string | null;
};

describe("link health", () => {
  it("is unchecked until previewed, then shown in the preview and in linkReport", async () => {
    const { t, u, ids, number } = await setup();
    const before = (await (await t.get(`/api/issues/${number}`)).json()) as { linkReport: Entry[] };
    expect(before.linkReport.map((e) => e.status)).toEqual([
      "unchecked",
      "unchecked",
      "unchecked",
      "unchecked",
    ]);

    const preview = await t.get(`/api/issues/${number}/preview`);
    expect(preview.status).toBe(200);
    const doc = parseDocument(await preview.text());
    const card = (id: string) =>
      DomUtils.findOne((el) => el.attribs["data-item"] === id, doc.children, true)!;
    const notes = (id: string) =>
      DomUtils.findAll((el) => (el.attribs.class ?? "").startsWith("link-check"), card(id).children).map(
        (el) => DomUtils.textContent(el),
      );
    expect(notes(ids[0])).toEqual([`Dead link: ${u("/gone")} — 410 Gone`]);
    expect(notes(ids[1])).toEqual([`Dead link: ${u("/missing")} — 404 Not Found`]);
    expect(notes(ids[2])[0]).toMatch(
      /^Moved off-site: .* redirects to another site: http:\/\/localhost:\d+\/landing$/,
    );
    const banner = DomUtils.findOne((el) => el.attribs.class === "link-report", doc.children, true);
    expect(DomUtils.textContent(banner!)).toMatch(
      /^Link check: 4 links, 2 dead, 1 moved off-site, 0 not checkable/,
    );

    const after = (await (await t.get(`/api/issues/${number}`)).json()) as { linkReport: Entry[] };
    expect(after.linkReport).toEqual([
      {
        url: u("/fine"),
        itemId: ids[0],
        status: "ok",
        httpStatus: 200,
        reason: "reachable",
        finalUrl: null,
        checkedAt: NOW,
      },
      {
        url: u("/gone"),
        itemId: ids[0],
        status: "dead",
        httpStatus: 410,
        reason: "410 Gone",
        finalUrl: null,
        checkedAt: NOW,
      },
      {
        url: u("/missing"),
        itemId: ids[1],
        status: "dead",
        httpStatus: 404,
        reason: "404 Not Found",
        finalUrl: null,
        checkedAt: NOW,
      },
      expect.objectContaining({ url: u("/moved-away"), itemId: ids[2], status: "offsite", httpStatus: 200 }),
    ]);
    // The list of issues stays light: no report there.
    const list = (await (await t.get("/api/issues")).json()) as { issues: object[] };
    expect(list.issues[0]).not.toHaveProperty("linkReport");
  });

  it("refuses to send dead links (409 dead_links naming them) unless ignoreDeadLinks, checking once per hour", async () => {
    const { t, u, number, site, enqueued } = await setup();
    const refused = await t.post(`/api/issues/${number}/send`);
    expect(refused.status).toBe(409);
    const { error } = (await refused.json()) as {
      error: { code: string; message: string; details: { field: string; message: string }[] };
    };
    expect(error.code).toBe("dead_links");
    for (const p of ["/gone", "/missing", "/moved-away"]) expect(error.message).toContain(u(p));
    expect(error.details.map((d) => d.field)).toEqual([
      "sections.0.itemIds.0",
      "sections.0.itemIds.1",
      "sections.0.itemIds.2",
    ]);
    expect(enqueued).toEqual([]);
    const requests = site.requests.length;

    // Checked within the hour: the second refusal fetches nothing.
    expect((await t.post(`/api/issues/${number}/send`, {})).status).toBe(409);
    expect(site.requests.length).toBe(requests);

    const form = await t.post(`/api/issues/${number}/send`, "ignoreDeadLinks=true", {
      "content-type": "application/x-www-form-urlencoded",
    });
    expect(form.status).toBe(415);
    const bad = await t.post(`/api/issues/${number}/send`, { ignoreDeadLinks: "yes" });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.details[0].field).toBe("ignoreDeadLinks");

    const sent = await t.post(`/api/issues/${number}/send`, { ignoreDeadLinks: true });
    expect(sent.status).toBe(202);
    expect((await sent.json()).status).toBe("sending");
    expect(enqueued).toHaveLength(1);
  });

  it("sends an issue whose links are fine without being asked", async () => {
    const { t, ids, number } = await setup();
    // Only the first item, without its comment's dead link.
    expect((await t.patch(`/api/items/${ids[0]}`, { comment: "" })).status).toBe(200);
    await t.patch(`/api/issues/${number}`, { sections: [{ heading: "News", itemIds: [ids[0]] }] });
    const res = await t.post(`/api/issues/${number}/send`);
    expect(res.status, await res.clone().text()).toBe(202);
  });
});

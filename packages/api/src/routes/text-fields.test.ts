/**
 * Control characters in what the editor types (rules in @wkn/core/control-chars): refused with a
 * 400 naming the field in every one-line field, stripped from multi-line text.
 */
import { storeItems, testItem } from "@wkn/core/items/testing";
import { startTestEnv, type TestEnv } from "@wkn/testing";
import { testClient } from "@wkn/testing/api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

let env: TestEnv;
beforeAll(async () => {
  env = await startTestEnv();
});
afterAll(() => env.close());

/** NUL, ESC (a terminal escape), DEL, C1 NEL and CSI, and the line breaks a single line cannot hold. */
const BAD = ["\u0000", "\u001b[2J", "\u007f", "\u0085", "\u009b", "\n", "\r", "\u2028", "\u2029"];
const DIRTY = "One\u0000 \u001b[1mtwo\u009b\u007f\r\nthree\rfour\u2028five\u0007\tsix";
const CLEAN = "One [1mtwo\nthree\nfour\nfive\tsix";

async function setup() {
  const ctx = await env.ctx();
  const t = testClient(ctx);
  const [item] = await storeItems(ctx, [testItem("https://blog.example/a")]);
  const issue = (await (await t.post("/api/issues", {})).json()) as { number: number };
  const source = (await (await t.post("/api/sources", { kind: "kaggle" })).json()) as { id: string };
  return { t, itemId: item!.id, itemUrl: item!.url, n: issue.number, sourceId: source.id };
}

type Env = Awaited<ReturnType<typeof setup>>;

/** One-line fields: [name, request for a value, the field the 400 names]. */
const ONE_LINE: [string, (e: Env, v: string) => Response | Promise<Response>, string][] = [
  ["new issue title", (e, v) => e.t.post("/api/issues", { title: v }), "title"],
  ["issue title", (e, v) => e.t.put(`/api/issues/${e.n}`, { title: v }), "title"],
  ["issue subject", (e, v) => e.t.put(`/api/issues/${e.n}`, { subject: v }), "subject"],
  [
    "section heading",
    (e, v) => e.t.put(`/api/issues/${e.n}`, { sections: [{ heading: `News ${v}`, itemIds: [] }] }),
    "sections.0.heading",
  ],
  [
    "new source name",
    (e, v) => e.t.post("/api/sources", { kind: "kaggle", search: "by name", name: v }),
    "name",
  ],
  ["Kaggle search", (e, v) => e.t.post("/api/sources", { kind: "kaggle", search: v }), "search"],
  ["Kaggle category", (e, v) => e.t.post("/api/sources", { kind: "kaggle", category: v }), "category"],
  ["source name", (e, v) => e.t.patch(`/api/sources/${e.sourceId}`, { name: `Kaggle ${v}` }), "name"],
  ["item title", (e, v) => e.t.patch(`/api/items/${e.itemId}`, { title: `Post ${v}` }), "title"],
  ["item section", (e, v) => e.t.patch(`/api/items/${e.itemId}`, { section: v }), "section"],
  ["new link section", (e, v) => e.t.post("/api/items", { url: e.itemUrl, section: v }), "section"],
];

describe("one-line fields", () => {
  it("refuse control characters and line breaks with a 400 naming the field", async () => {
    const e = await setup();
    for (const [name, request, field] of ONE_LINE) {
      for (const bad of BAD) {
        const res = await request(e, `a${bad}b`);
        const label = `${name} ${JSON.stringify(bad)}`;
        expect(res.status, label).toBe(400);
        const { error } = await res.json();
        expect(
          error.details.map((d: { field: string }) => d.field),
          label,
        ).toContain(field);
        expect(error.message, label).toMatch(/single line|control characters \(U\+[0-9A-F]{4} at \d+\)/);
      }
    }
  });

  it("take ordinary text, a tab and any script", async () => {
    const e = await setup();
    for (const [name, request] of ONE_LINE) {
      expect([200, 201], name).toContain((await request(e, "Ünïcode 機械学習 🚀\tok")).status);
    }
  });
});

describe("multi-line text", () => {
  it("has control characters stripped and line breaks made LF: issue intro and section body", async () => {
    const { t, n } = await setup();
    const created = await (await t.post("/api/issues", { intro: DIRTY })).json();
    expect(created.intro).toBe(CLEAN);
    const put = await t.put(`/api/issues/${n}`, {
      intro: DIRTY,
      sections: [{ heading: "News", body: DIRTY, itemIds: [] }],
    });
    expect(put.status).toBe(200);
    expect(await put.json()).toMatchObject({ intro: CLEAN, sections: [{ heading: "News", body: CLEAN }] });
  });

  it("has control characters stripped: item comment and description, a new link's comment", async () => {
    const { t, itemId, itemUrl } = await setup();
    const added = await t.post("/api/items", { url: itemUrl, comment: DIRTY });
    expect(added.status).toBe(200);
    expect((await added.json()).comment).toBe(CLEAN);
    const res = await t.patch(`/api/items/${itemId}`, { comment: `${DIRTY}!`, description: DIRTY });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ comment: `${CLEAN}!`, description: CLEAN });
  });
});

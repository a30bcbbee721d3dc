import { DeleteCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import type { Ctx } from "@wkn/core/context";
import { snapshotIssue } from "@wkn/core/issues";
import { storeItems, testItem } from "@wkn/core/items/testing";
import { keys } from "@wkn/core/store/keys";
import { rawDbOf } from "@wkn/core/store/raw";
import { startTestEnv, TEST_TOKEN, type TestEnv } from "@wkn/testing";
import { testClient } from "@wkn/testing/api";
import { loseAnswers } from "@wkn/testing/faults/lost-answer";
import { DomUtils, parseDocument } from "htmlparser2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

let env: TestEnv;
beforeAll(async () => {
  env = await startTestEnv();
});
afterAll(() => env.close());

type Issue = {
  id: string;
  number: number;
  title: string;
  subject: string;
  intro: string;
  status: string;
  sections: unknown[];
  delivery: unknown;
};
type ErrorBody = { error: { code: string; details?: { field: string; message: string }[] } };
const fields = (e: ErrorBody) => (e.error.details ?? []).map((d) => d.field);

async function setup(env: TestEnv) {
  const ctx = await env.ctx({ env: { PUBLIC_BASE_URL: "https://news.example.org" } });
  const items = await storeItems(ctx, [
    testItem("https://blog.example/a", { title: "Post A", status: "selected", comment: "Read **this**." }),
    testItem("https://blog.example/b", {
      title: "Post B",
      imageUrl: "https://img.example/b.png",
      thumbnail: `${"c".repeat(64)}.jpg`,
      thumbnailAt: "2024-05-02T00:00:00.000Z",
    }),
    testItem("https://blog.example/c", { title: "Post C", status: "rejected" }),
  ]);
  return { ctx, t: testClient(ctx), ids: items.map((i) => i.id) as [string, string, string] };
}

async function startSending(ctx: Ctx, n: number) {
  await ctx.store.issues.transition(n, "draft", "sending");
  await snapshotIssue(ctx, n);
}

describe("POST /api/issues", () => {
  it("creates drafts with the next number; concurrent editors get different numbers", async () => {
    const { t } = await setup(env);
    const res = await Promise.all(Array.from({ length: 8 }, () => t.post("/api/issues", {})));
    expect(res.map((r) => r.status)).toEqual(Array(8).fill(201));
    const issues = (await Promise.all(res.map((r) => r.json()))) as Issue[];
    expect(issues.map((i) => i.number).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    for (const i of issues) {
      expect(i).toMatchObject({
        id: String(i.number),
        title: `Weekly Kaggle News #${i.number}`,
        subject: `Weekly Kaggle News #${i.number}`,
        status: "draft",
        sections: [],
        intro: "",
        sentAt: null,
        delivery: { total: 0, sent: 0, failed: 0, pending: 0, ambiguous: 0 },
      });
    }
    const named = await t.post("/api/issues", { title: "Special edition", intro: "Hello" });
    expect(await named.json()).toMatchObject({
      number: 9,
      title: "Special edition",
      subject: "Special edition",
      intro: "Hello",
    });
    // no body at all
    const bare = await t.app.request("http://localhost/api/issues", {
      method: "POST",
      headers: { authorization: `Bearer ${TEST_TOKEN}` },
    });
    expect(bare.status).toBe(201);
    expect(((await bare.json()) as Issue).number).toBe(10);
  });

  it("rejects a bad body with 400 naming the field", async () => {
    const { t } = await setup(env);
    for (const [body, field] of [
      [{ title: "x".repeat(201) }, "title"],
      [{ intro: "x".repeat(20_001) }, "intro"],
      [{ title: "a\nb" }, "title"],
      // an unknown field: the request body as a whole
      [{ number: 5 }, "json"],
    ] as const) {
      const res = await t.post("/api/issues", body);
      expect(res.status, JSON.stringify(body).slice(0, 50)).toBe(400);
      expect(fields((await res.json()) as ErrorBody)).toContain(field);
    }
  });
});

describe("PUT /api/issues/:id", () => {
  it("replaces title, subject, intro and ordered sections of a draft", async () => {
    const { t, ids } = await setup(env);
    const { number } = (await (
      await t.post("/api/issues", { title: "Draft", intro: "Old intro" })
    ).json()) as Issue;
    const sections = [
      { heading: "Articles", body: "Two *good* reads.", itemIds: [ids[1], ids[0]] },
      { heading: "Competitions", itemIds: [] },
    ];
    const res = await t.put(`/api/issues/${number}`, { title: "Weekly #1", intro: "New intro", sections });
    expect(res.status).toBe(200);
    const issue = (await res.json()) as Issue;
    expect(issue).toMatchObject({
      id: String(number),
      title: "Weekly #1",
      subject: "Weekly #1",
      intro: "New intro",
      status: "draft",
      sections,
    });
    expect(await (await t.get(`/api/issues/${number}`)).json()).toMatchObject({
      title: "Weekly #1",
      sections,
    });

    // PUT replaces every field: left out means default
    const reset = (await (await t.put(`/api/issues/${number}`, { subject: "Read me" })).json()) as Issue;
    expect(reset).toMatchObject({
      title: `Weekly Kaggle News #${number}`,
      subject: "Read me",
      intro: "",
      sections: [],
    });
  });

  it("answers 400 naming unknown, rejected and repeated item ids", async () => {
    const { t, ids } = await setup(env);
    const { number } = (await (await t.post("/api/issues", {})).json()) as Issue;
    const res = await t.put(`/api/issues/${number}`, {
      sections: [
        { heading: "A", itemIds: [ids[0], ids[1], "f".repeat(32)] },
        { heading: "B", itemIds: [ids[2], ids[0]] },
      ],
    });
    expect(res.status).toBe(400);
    const err = (await res.json()) as ErrorBody;
    expect(err.error.code).toBe("invalid_request");
    expect(fields(err)).toEqual(["sections.0.itemIds.2", "sections.1.itemIds.0", "sections.1.itemIds.1"]);
    expect(err.error.details?.[0]?.message).toContain("unknown item");
    expect(err.error.details?.[1]?.message).toContain("rejected");
    expect(err.error.details?.[2]?.message).toContain("already in the issue");
    // nothing was written
    expect(((await (await t.get(`/api/issues/${number}`)).json()) as Issue).sections).toEqual([]);
  });

  it("limits sizes with 400s naming the field", async () => {
    const { t, ids } = await setup(env);
    const { number } = (await (await t.post("/api/issues", {})).json()) as Issue;
    const many = Array.from({ length: 101 }, (_, i) => `id${i}`);
    const cases: [unknown, string][] = [
      [{ title: "x".repeat(201) }, "title"],
      [{ subject: "x".repeat(201) }, "subject"],
      [{ intro: "x".repeat(20_001) }, "intro"],
      [{ sections: [{ heading: "A", body: "x".repeat(20_001), itemIds: [] }] }, "sections.0.body"],
      [{ sections: [{ heading: "", itemIds: [] }] }, "sections.0.heading"],
      [{ sections: Array.from({ length: 21 }, () => ({ heading: "A", itemIds: [] })) }, "sections"],
      [{ sections: [{ heading: "A", itemIds: many }] }, "sections.0.itemIds"],
      [
        {
          sections: [
            { heading: "A", itemIds: many.slice(0, 60) },
            { heading: "B", itemIds: many.slice(60, 101) },
          ],
        },
        "sections",
      ],
      [{ sections: [{ heading: "A", itemIds: [ids[0]], extra: 1 }] }, "sections.0"],
      [{ status: "sent" }, "json"],
    ];
    for (const [body, field] of cases) {
      const res = await t.put(`/api/issues/${number}`, body);
      expect(res.status, field).toBe(400);
      expect(fields((await res.json()) as ErrorBody), field).toContain(field);
    }
  });

  it("answers 409 once the issue is sending or sent, and 404 for an unknown issue", async () => {
    const { ctx, t, ids } = await setup(env);
    const { number } = (await (await t.post("/api/issues", {})).json()) as Issue;
    await t.put(`/api/issues/${number}`, { sections: [{ heading: "A", itemIds: [ids[0]] }] });
    await startSending(ctx, number);
    const res = await t.put(`/api/issues/${number}`, { title: "Too late" });
    expect(res.status).toBe(409);
    expect(((await res.json()) as ErrorBody).error.code).toBe("conflict");
    await ctx.store.issues.transition(number, "sending", "sent", { sentAt: "2024-05-03T00:00:00.000Z" });
    expect((await t.put(`/api/issues/${number}`, { title: "Too late" })).status).toBe(409);
    // state before body: a sent issue with a bad body is still a conflict
    expect(
      (await t.put(`/api/issues/${number}`, { sections: [{ heading: "A", itemIds: ["nope"] }] })).status,
    ).toBe(409);

    expect((await t.put("/api/issues/999", { title: "x" })).status).toBe(404);
    expect((await t.put("/api/issues/abc", { title: "x" })).status).toBe(404);
  });
});

describe("GET /api/issues", () => {
  it("lists newest first and reads one with delivery counts", async () => {
    const { ctx, t, ids } = await setup(env);
    for (let i = 0; i < 3; i++) await t.post("/api/issues", {});
    const list = (await (await t.get("/api/issues")).json()) as { issues: Issue[] };
    expect(list.issues.map((i) => i.number)).toEqual([3, 2, 1]);

    await t.put("/api/issues/2", { sections: [{ heading: "A", itemIds: [ids[0]] }] });
    await startSending(ctx, 2);
    const put = (Item: Record<string, unknown>) =>
      rawDbOf(ctx.store).doc.send(new PutCommand({ TableName: rawDbOf(ctx.store).table, Item }));
    for (const [i, status] of ["sent", "sent", "failed", "claimed"].entries()) {
      await put({
        ...keys.delivery(2, `sub${i}`),
        issueNumber: 2,
        subscriberId: `sub${i}`,
        email: `s${i}@example.com`,
        status,
        claimedAt: "2024-05-03T00:00:00.000Z",
      });
    }
    const one = (await (await t.get("/api/issues/2")).json()) as Issue;
    expect(one).toMatchObject({
      id: "2",
      status: "sending",
      delivery: { total: 4, sent: 2, failed: 1, pending: 1 },
    });
    expect(one).not.toHaveProperty("snapshot");
    expect(((await (await t.get("/api/issues/1")).json()) as Issue).delivery).toEqual({
      total: 0,
      sent: 0,
      failed: 0,
      pending: 0,
      ambiguous: 0,
      paused: null,
      lastError: null,
    });

    expect((await t.get("/api/issues/99")).status).toBe(404);
    expect((await t.get("/api/issues/0")).status).toBe(404);
    expect((await t.get("/api/issues/x1")).status).toBe(404);
    expect((await t.app.request("http://localhost/api/issues")).status).toBe(401);
  });
});

describe("GET /api/issues/:id/preview", () => {
  it("returns the email HTML with a sample unsubscribe link", async () => {
    const { t, ids } = await setup(env);
    const { number } = (await (await t.post("/api/issues", { intro: "Welcome." })).json()) as Issue;
    await t.put(`/api/issues/${number}`, {
      intro: "Welcome.",
      sections: [{ heading: "Reads", itemIds: [ids[0], ids[1]] }],
    });
    const res = await t.get(`/api/issues/${number}/preview`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    const doc = parseDocument(await res.text());
    const byClass = (c: string) => DomUtils.findAll((el) => el.attribs.class === c, doc.children);
    expect(byClass("card-title").map((a) => DomUtils.textContent(a))).toEqual(["Post A", "Post B"]);
    // our hosted copy, never the publisher's picture
    expect(byClass("card-image")[0]?.attribs.src).toBe(
      `https://news.example.org/media/${"c".repeat(64)}.jpg`,
    );
    expect(DomUtils.textContent(byClass("card-comment")[0]!)).toBe("Read this.");
    expect(byClass("unsubscribe")[0]?.attribs.href).toBe(
      "https://news.example.org/unsubscribe?token=preview",
    );
    expect(byClass("web-version")[0]?.attribs.href).toBe(`https://news.example.org/issues/${number}`);
    expect(new URL(byClass("card-title")[0]!.attribs.href!).searchParams.get("utm_campaign")).toBe(
      `issue-${number}`,
    );

    expect((await t.get("/api/issues/77/preview")).status).toBe(404);
  });

  it("refuses (400, naming it) a draft holding an item rejected after it was put in", async () => {
    const { t, ids } = await setup(env);
    const { number } = (await (await t.post("/api/issues", {})).json()) as Issue;
    await t.put(`/api/issues/${number}`, { sections: [{ heading: "Reads", itemIds: [ids[0], ids[1]] }] });
    expect((await t.patch(`/api/items/${ids[1]}`, { status: "rejected" })).status).toBe(200);
    for (const res of [
      await t.get(`/api/issues/${number}/preview`),
      await t.post(`/api/issues/${number}/send`),
    ]) {
      expect(res.status).toBe(400);
      const body = (await res.json()) as ErrorBody;
      expect(body.error.details?.[0]).toMatchObject({
        field: "sections.0.itemIds.1",
        message: expect.stringContaining(ids[1]),
      });
    }
    expect(((await (await t.get(`/api/issues/${number}`)).json()) as Issue).status).toBe("draft");
  });

  it("shows a sending issue from its snapshot, not from edited items", async () => {
    const { ctx, t, ids } = await setup(env);
    const { number } = (await (await t.post("/api/issues", {})).json()) as Issue;
    await t.put(`/api/issues/${number}`, { sections: [{ heading: "Reads", itemIds: [ids[0]] }] });
    await startSending(ctx, number);
    const patched = await t.patch(`/api/items/${ids[0]}`, { title: "Renamed later" });
    expect(patched.status).toBe(200);
    const html = await (await t.get(`/api/issues/${number}/preview`)).text();
    expect(html).toContain("Post A");
    expect(html).not.toContain("Renamed later");
  });
});

describe("PATCH /api/issues/:id", () => {
  it("changes only the fields given; the others (intro included) keep their value", async () => {
    const { t, ids } = await setup(env);
    const { number } = (await (
      await t.post("/api/issues", { title: "Draft", intro: "Keep me" })
    ).json()) as Issue;
    const sections = [{ heading: "Reads", body: "Two of them.", itemIds: [ids[0], ids[1]] }];
    const withSections = await t.patch(`/api/issues/${number}`, { sections });
    expect(withSections.status).toBe(200);
    expect(await withSections.json()).toMatchObject({ title: "Draft", intro: "Keep me", sections });

    const renamed = (await (await t.patch(`/api/issues/${number}`, { title: "Weekly 9" })).json()) as Issue;
    expect(renamed).toMatchObject({ title: "Weekly 9", subject: "Draft", intro: "Keep me", sections });
    expect(await (await t.get(`/api/issues/${number}`)).json()).toMatchObject({
      title: "Weekly 9",
      intro: "Keep me",
      sections,
    });
    // empty means the default: the default title, a subject equal to the title
    expect(await (await t.patch(`/api/issues/${number}`, { subject: "" })).json()).toMatchObject({
      title: "Weekly 9",
      subject: "Weekly 9",
    });
    expect(await (await t.patch(`/api/issues/${number}`, { title: "", intro: "" })).json()).toMatchObject({
      title: `Weekly Kaggle News #${number}`,
      subject: "Weekly 9",
      intro: "",
      sections,
    });
    // an empty patch changes nothing and answers the issue
    expect(await (await t.patch(`/api/issues/${number}`, {})).json()).toMatchObject({ sections });
  });

  it("keeps every field when several are changed at once by separate requests", async () => {
    const { t, ids } = await setup(env);
    for (let round = 0; round < 5; round++) {
      const { number } = (await (await t.post("/api/issues", {})).json()) as Issue;
      const sections = [{ heading: `Round ${round}`, itemIds: [ids[round % 2]] }];
      const res = await Promise.all([
        t.patch(`/api/issues/${number}`, { title: `Title ${round}` }),
        t.patch(`/api/issues/${number}`, { subject: `Subject ${round}` }),
        t.patch(`/api/issues/${number}`, { intro: `Intro ${round}` }),
        t.patch(`/api/issues/${number}`, { sections }),
      ]);
      expect(res.map((r) => r.status)).toEqual([200, 200, 200, 200]);
      expect(await (await t.get(`/api/issues/${number}`)).json()).toMatchObject({
        title: `Title ${round}`,
        subject: `Subject ${round}`,
        intro: `Intro ${round}`,
        sections,
      });
    }
  });

  it("refuses a subject defaulted from a title that changed since it was read (409, saying so)", async () => {
    const { ctx, t } = await setup(env);
    const { number } = (await (await t.post("/api/issues", { title: "Before" })).json()) as Issue;
    await t.patch(`/api/issues/${number}`, { title: "After" });
    // what patchDraft writes for `subject: ""` when it read the title "Before"
    const stale = ctx.store.issues.patchDraft(number, { subject: "Before" }, "2024-05-03T00:00:00.000Z", {
      title: "Before",
    });
    await expect(stale).rejects.toMatchObject({
      kind: "conflict",
      message: expect.stringMatching(/changed/),
    });
    expect(((await (await t.get(`/api/issues/${number}`)).json()) as Issue).subject).toBe("Before");
  });

  it("validates as PUT does: 400 naming rejected, removed and repeated items and bad fields", async () => {
    const { ctx, t, ids } = await setup(env);
    const { number } = (await (await t.post("/api/issues", { intro: "Intro" })).json()) as Issue;
    const gone = await storeItems(ctx, [testItem("https://blog.example/gone", { status: "selected" })]);
    await rawDbOf(ctx.store).doc.send(
      new DeleteCommand({ TableName: rawDbOf(ctx.store).table, Key: keys.item(gone[0]!.id) }),
    );
    const res = await t.patch(`/api/issues/${number}`, {
      sections: [
        { heading: "A", itemIds: [ids[0], ids[2]] },
        { heading: "B", itemIds: [gone[0]!.id, ids[0]] },
      ],
    });
    expect(res.status).toBe(400);
    const err = (await res.json()) as ErrorBody;
    expect(fields(err)).toEqual(["sections.0.itemIds.1", "sections.1.itemIds.0", "sections.1.itemIds.1"]);
    expect(err.error.details?.[0]?.message).toContain("rejected");
    expect(err.error.details?.[1]?.message).toContain("unknown item");

    for (const [body, field] of [
      [{ title: "a\nb" }, "title"],
      [{ subject: "x".repeat(201) }, "subject"],
      [{ sections: [{ heading: "", itemIds: [] }] }, "sections.0.heading"],
      [{ status: "sent" }, "json"],
    ] as const) {
      const bad = await t.patch(`/api/issues/${number}`, body);
      expect(bad.status, field).toBe(400);
      expect(fields((await bad.json()) as ErrorBody), field).toContain(field);
    }
    // nothing was written
    expect(await (await t.get(`/api/issues/${number}`)).json()).toMatchObject({
      intro: "Intro",
      sections: [],
    });
  });

  it("answers 409 unless a draft, 404 for an unknown issue", async () => {
    const { ctx, t, ids } = await setup(env);
    const { number } = (await (await t.post("/api/issues", {})).json()) as Issue;
    await t.patch(`/api/issues/${number}`, { sections: [{ heading: "A", itemIds: [ids[0]] }] });
    await startSending(ctx, number);
    const res = await t.patch(`/api/issues/${number}`, { intro: "Too late" });
    expect(res.status).toBe(409);
    expect(((await res.json()) as ErrorBody).error.code).toBe("conflict");
    expect((await t.patch("/api/issues/999", { intro: "x" })).status).toBe(404);
    expect((await t.patch("/api/issues/abc", { intro: "x" })).status).toBe(404);
  });
});

describe("DELETE /api/issues/:id", () => {
  it("deletes a draft (its items keep their status); 404 after", async () => {
    const { t, ids } = await setup(env);
    const { number } = (await (await t.post("/api/issues", {})).json()) as Issue;
    await t.patch(`/api/issues/${number}`, { sections: [{ heading: "A", itemIds: [ids[0], ids[1]] }] });
    const res = await t.del(`/api/issues/${number}`);
    expect(res.status).toBe(204);
    expect(await res.text()).toBe("");
    expect((await t.get(`/api/issues/${number}`)).status).toBe(404);
    expect((await t.del(`/api/issues/${number}`)).status).toBe(404);
    expect(((await (await t.get(`/api/items/${ids[0]}`)).json()) as { status: string }).status).toBe(
      "selected",
    );
    expect(((await (await t.get(`/api/items/${ids[1]}`)).json()) as { status: string }).status).toBe("new");
    expect((await t.get("/api/issues")).status).toBe(200);
    expect(((await (await t.get("/api/issues")).json()) as { issues: Issue[] }).issues).toEqual([]);
  });

  it("answers 409 for a sending, paused or sent issue, 404 for an unknown one", async () => {
    const { ctx, t, ids } = await setup(env);
    for (const status of ["sending", "paused", "sent"] as const) {
      const { number } = (await (await t.post("/api/issues", {})).json()) as Issue;
      await t.patch(`/api/issues/${number}`, { sections: [{ heading: "A", itemIds: [ids[0]] }] });
      await startSending(ctx, number);
      if (status !== "sending") await ctx.store.issues.transition(number, "sending", status);
      const res = await t.del(`/api/issues/${number}`);
      expect(res.status, status).toBe(409);
      expect(((await res.json()) as ErrorBody).error.code).toBe("conflict");
      expect(((await (await t.get(`/api/issues/${number}`)).json()) as Issue).status).toBe(status);
    }
    expect((await t.del("/api/issues/999")).status).toBe(404);
    expect((await t.del("/api/issues/x")).status).toBe(404);
  });

  it("gives the newest draft's number back, never an older or a sent issue's", async () => {
    const { ctx, t, ids } = await setup(env);
    const create = async () => ((await (await t.post("/api/issues", {})).json()) as Issue).number;
    expect(await create()).toBe(1);
    await t.patch("/api/issues/1", { sections: [{ heading: "A", itemIds: [ids[0]] }] });
    await startSending(ctx, 1);
    await ctx.store.issues.transition(1, "sending", "sent", { sentAt: "2024-05-03T00:00:00.000Z" });

    expect(await create()).toBe(2);
    expect((await t.del("/api/issues/2")).status).toBe(204);
    expect(await create()).toBe(2); // the newest: given back

    expect(await create()).toBe(3);
    expect((await t.del("/api/issues/2")).status).toBe(204);
    expect(await create()).toBe(4); // an older draft: its number stays unused
    expect(
      ((await (await t.get("/api/issues")).json()) as { issues: Issue[] }).issues.map((i) => i.number),
    ).toEqual([4, 3, 1]);
  });

  it("gives a deleted draft's number back when the delete's answer was lost", async () => {
    const { ctx, t } = await setup(env);
    const create = async () => ((await (await t.post("/api/issues", {})).json()) as Issue).number;
    expect(await create()).toBe(1);
    const net = loseAnswers(ctx);
    net.loseNext("DeleteItemCommand");
    // The table deleted it; the SDK's second try finds nothing: a 404, and the number is free.
    expect((await t.del("/api/issues/1")).status).toBe(404);
    expect(net.lost()).toBe(1);
    expect(await create()).toBe(1);
  });
});

describe("POST /api/issues {fromSelected: true}", () => {
  async function selecting(env: TestEnv, lang?: "ja") {
    let now = Date.parse("2024-05-10T00:00:00.000Z");
    const ctx = await env.ctx({
      now: () => new Date(now),
      env: lang ? { NEWSLETTER_LANG: lang } : {},
    });
    const t = testClient(ctx);
    const items = await storeItems(ctx, [
      testItem("https://blog.example/a"),
      testItem("https://github.com/o/r/releases/v1", { kind: "release" }),
      testItem("https://blog.example/deep", { section: "Deep dives" }),
      testItem("https://comp.example/c", { kind: "competition" }),
      testItem("https://blog.example/deep2", { section: "Deep dives" }),
      // selected before selectedAt was recorded: ordered by discoveredAt, i.e. first
      testItem("https://old.example/link", {
        kind: "link",
        status: "selected",
        discoveredAt: "2024-05-01T00:00:00.000Z",
      }),
      testItem("https://blog.example/not-selected"),
      testItem("https://blog.example/rejected", { status: "rejected" }),
    ]);
    const [a, rel, deep, comp, deep2, old] = items.map((i) => i.id) as string[];
    const select = async (id: string) => {
      now += 60_000;
      expect((await t.patch(`/api/items/${id}`, { status: "selected" })).status).toBe(200);
    };
    return { ctx, t, select, ids: { a: a!, rel: rel!, deep: deep!, comp: comp!, deep2: deep2!, old: old! } };
  }

  it("fills the sections from the selection: by section, else a heading by kind, in selection order", async () => {
    const { t, select, ids } = await selecting(env);
    for (const id of [ids.deep, ids.rel, ids.a, ids.deep2, ids.comp]) await select(id);
    const res = await t.post("/api/issues", { fromSelected: true, title: "From the selection" });
    expect(res.status).toBe(201);
    const issue = (await res.json()) as Issue;
    expect(issue).toMatchObject({ number: 1, title: "From the selection", status: "draft" });
    expect(issue.sections).toEqual([
      { heading: "Links", itemIds: [ids.old] },
      { heading: "Deep dives", itemIds: [ids.deep, ids.deep2] },
      { heading: "Releases", itemIds: [ids.rel] },
      { heading: "Articles", itemIds: [ids.a] },
      { heading: "Competitions", itemIds: [ids.comp] },
    ]);
    // the draft previews: what it holds is valid
    expect((await t.get("/api/issues/1/preview")).status).toBe(200);
  });

  it("leaves out items another draft holds, and answers 400 naming fromSelected when none is left", async () => {
    const { t, select, ids } = await selecting(env);
    await select(ids.a);
    const first = (await (await t.post("/api/issues", { fromSelected: true })).json()) as Issue;
    expect(first.sections.flatMap((s) => (s as { itemIds: string[] }).itemIds)).toEqual([ids.old, ids.a]);
    await select(ids.rel);
    const second = (await (await t.post("/api/issues", { fromSelected: true })).json()) as Issue;
    expect(second.sections).toEqual([{ heading: "Releases", itemIds: [ids.rel] }]);

    const none = await t.post("/api/issues", { fromSelected: true });
    expect(none.status).toBe(400);
    expect(fields((await none.json()) as ErrorBody)).toEqual(["fromSelected"]);
    // no number was taken by the refused request
    expect(((await (await t.post("/api/issues", {})).json()) as Issue).number).toBe(3);
    expect((await t.post("/api/issues", { fromSelected: "yes" })).status).toBe(400);
  });

  it("orders by the latest selection (a reselected item moves back) and names default sections in Japanese", async () => {
    const { t, select, ids } = await selecting(env, "ja");
    await select(ids.a);
    await select(ids.comp);
    // deselected and selected again: selected now, after comp
    expect(
      ((await (await t.patch(`/api/items/${ids.a}`, { status: "new" })).json()) as { selectedAt?: string })
        .selectedAt,
    ).toBeUndefined();
    await select(ids.a);
    await select(ids.rel);
    const issue = (await (await t.post("/api/issues", { fromSelected: true })).json()) as Issue;
    expect(issue.sections).toEqual([
      { heading: "リンク", itemIds: [ids.old] },
      { heading: "コンペ", itemIds: [ids.comp] },
      { heading: "記事", itemIds: [ids.a] },
      { heading: "リリース", itemIds: [ids.rel] },
    ]);
  });
});

describe("framing the preview", () => {
  it("is sandboxed and frameable by our own origin only; other responses keep the defaults", async () => {
    const { t, ids } = await setup(env);
    const { number } = (await (await t.post("/api/issues", {})).json()) as Issue;
    await t.patch(`/api/issues/${number}`, { sections: [{ heading: "A", itemIds: [ids[0]] }] });
    const res = await t.get(`/api/issues/${number}/preview`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-security-policy")).toBe(
      "sandbox; default-src 'none'; img-src https: http: data:; style-src 'unsafe-inline'; frame-ancestors 'self'",
    );
    expect(res.headers.get("x-frame-options")).toBe("SAMEORIGIN");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff"); // the app's defaults still apply

    const json = await t.get(`/api/issues/${number}`);
    expect(json.headers.get("content-security-policy")).toBeNull();
    expect(json.headers.get("x-frame-options")).toBe("SAMEORIGIN");
  });
});

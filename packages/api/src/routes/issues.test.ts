import { PutCommand } from "@aws-sdk/lib-dynamodb";
import type { Ctx } from "@wkn/core/context";
import { snapshotIssue } from "@wkn/core/issues";
import { storeItems, testItem } from "@wkn/core/items/testing";
import { keys } from "@wkn/core/store/keys";
import { startTestEnv, TEST_TOKEN, type TestEnv } from "@wkn/core/testing";
import { DomUtils, parseDocument } from "htmlparser2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testClient } from "../testing.js";

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
    testItem("https://blog.example/b", { title: "Post B", imageUrl: "https://img.example/b.png" }),
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
      ctx.store.db.doc.send(new PutCommand({ TableName: ctx.store.db.table, Item }));
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
    expect(byClass("card-image")[0]?.attribs.src).toBe("https://img.example/b.png");
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

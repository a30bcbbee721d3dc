/**
 * Sending freezes an issue: after the snapshot, edits of its items change neither the mail nor
 * the web version; its items become "used" and move to that listing.
 */

import { startTestEnv, type TestEnv } from "@wkn/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Ctx } from "../context.js";
import { ConflictError } from "../errors.js";
import { storeItems, testItem } from "../items/testing.js";
import { renderIssueMail, webVersionOf } from "./content.js";
import { createDraft, updateDraft } from "./drafts.js";
import { markItemsUsed, snapshotIssue } from "./snapshot.js";

let env: TestEnv;
beforeAll(async () => {
  env = await startTestEnv();
});
afterAll(() => env.close());

const UNSUB = "https://news.example.org/unsubscribe?token=t";

async function issueWithItems(ctx: Ctx) {
  const [a, b] = await storeItems(ctx, [
    testItem("https://blog.example/a", { title: "Original A", comment: "First take", status: "selected" }),
    testItem("https://blog.example/b", {
      title: "Original B",
      kind: "release",
      tag: "v1.0",
      sourceIds: ["s1", "s2"],
    }),
  ]);
  const issue = await createDraft(ctx, {});
  await updateDraft(ctx, issue.number, { sections: [{ heading: "News", itemIds: [a!.id, b!.id] }] });
  return { n: issue.number, a: a!, b: b! };
}

describe("snapshotIssue", () => {
  it("freezes the cards: later item edits change neither the mail nor the web version", async () => {
    const ctx = await env.ctx();
    const { n, a } = await issueWithItems(ctx);
    // while a draft, rendering follows the items
    const current = (await ctx.store.items.get(a.id))!;
    await ctx.store.items.update(current, { title: "Edited in draft" });
    expect((await renderIssueMail(ctx, n)).html(UNSUB)).toContain("Edited in draft");

    await ctx.store.issues.transition(n, "draft", "sending");
    const snap = await snapshotIssue(ctx, n);
    expect(snap.items.map((c) => c.title)).toEqual(["Edited in draft", "Original B"]);
    expect(snap.items[1]).toMatchObject({ kind: "release", tag: "v1.0", url: "https://blog.example/b" });

    const after = (await ctx.store.items.get(a.id))!;
    await ctx.store.items.update(after, { title: "Edited after sending", comment: "Second take" });
    const mail = await renderIssueMail(ctx, n);
    expect(mail.html(UNSUB)).toContain("Edited in draft");
    expect(mail.html(UNSUB)).not.toContain("Edited after sending");
    expect(mail.text(UNSUB)).toContain("First take");
    expect(await webVersionOf(ctx, n)).not.toContain("Second take");

    // a second call (a retried send) keeps the first snapshot
    expect(await snapshotIssue(ctx, n)).toEqual(snap);
  });

  it("refuses a draft", async () => {
    const ctx = await env.ctx();
    const { n } = await issueWithItems(ctx);
    await expect(snapshotIssue(ctx, n)).rejects.toBeInstanceOf(ConflictError);
  });
});

describe("markItemsUsed", () => {
  it("sets the issue's items to used and moves them between listings", async () => {
    const ctx = await env.ctx();
    const { n, a, b } = await issueWithItems(ctx);
    await ctx.store.issues.transition(n, "draft", "sending");
    expect(await markItemsUsed(ctx, n)).toBe(2);
    expect((await ctx.store.items.get(a.id))?.status).toBe("used");
    expect((await ctx.store.items.get(b.id))?.status).toBe("used");
    const used = await ctx.store.items.list({ status: "used", limit: 10 });
    expect(used.items.map((i) => i.id).sort()).toEqual([a.id, b.id].sort());
    expect((await ctx.store.items.list({ status: "selected", limit: 10 })).items).toEqual([]);
    expect((await ctx.store.items.list({ status: "new", limit: 10 })).items).toEqual([]);
    // also under its further source
    const bySource = await ctx.store.items.list({ status: "used", sourceId: "s2", limit: 10 });
    expect(bySource.items.map((i) => i.id)).toEqual([b.id]);
    // again: nothing left to change
    expect(await markItemsUsed(ctx, n)).toBe(0);
  });
});

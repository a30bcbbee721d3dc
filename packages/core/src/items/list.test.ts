/**
 * Listing through the store against dynalite: every filter is a Query on an index whose cost
 * follows the page, not the table (observed on the real requests), pages chain without gaps, and
 * items found by several sources are listed under each of them.
 */
import { PutCommand } from "@aws-sdk/lib-dynamodb";
import { startTestEnv, type TestEnv } from "@wkn/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Ctx } from "../context.js";
import type { Item } from "../model/index.js";
import { batchPutAll } from "../store/batch.js";
import { itemRecord } from "../store/items.js";
import { keys } from "../store/keys.js";
import { rawDbOf } from "../store/raw.js";
import { editItem } from "./edit.js";
import { listItems } from "./list.js";
import { observeDb, testItem } from "./testing.js";

let env: TestEnv;
beforeAll(async () => {
  env = await startTestEnv();
});
afterAll(() => env.close());

const day = (d: number, h = 0) => new Date(Date.UTC(2024, 4, d, h)).toISOString();

async function put(ctx: Ctx, items: Item[]) {
  await batchPutAll(rawDbOf(ctx.store), items.map(itemRecord));
}

async function allPages(ctx: Ctx, q: Parameters<typeof listItems>[1]) {
  const ids: string[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await listItems(ctx, { ...q, cursor });
    ids.push(...page.items.map((i) => i.id));
    cursor = page.nextCursor ?? undefined;
    pages++;
  } while (cursor && pages < 100);
  return { ids, pages };
}

describe("listing cost", () => {
  it("reads only the matching partition and date range, whatever else the table holds", async () => {
    const ctx = await env.ctx();
    const bulk = Array.from({ length: 300 }, (_, i) =>
      testItem(`https://bulk.example/${i}`, { publishedAt: day(1 + (i % 20), i % 24) }),
    );
    const selected = [1, 2, 3].map((i) =>
      testItem(`https://pick.example/${i}`, { status: "selected", publishedAt: day(i) }),
    );
    const releases = [1, 2].map((i) =>
      testItem(`https://github.com/o/r/releases/v${i}`, {
        kind: "release",
        sourceIds: ["gh"],
        publishedAt: day(10 + i),
      }),
    );
    await put(ctx, [...bulk, ...selected, ...releases]);
    const obs = observeDb(ctx);

    expect((await listItems(ctx, { status: "selected" })).items).toHaveLength(3);
    // one Query on an index, then one BatchGetItem of the records behind the page (store/confirm.ts)
    expect(obs.seen.map((s) => s.command)).toEqual(["QueryCommand", "BatchGetItemCommand"]);
    expect(obs.seen[0]?.index).toBeTruthy();
    expect(obs.scanned()).toBe(3);

    obs.reset();
    expect((await listItems(ctx, { kind: "release" })).items.map((i) => i.kind)).toEqual([
      "release",
      "release",
    ]);
    expect(obs.scanned()).toBe(2);

    obs.reset();
    expect((await listItems(ctx, { sourceId: "gh" })).items).toHaveLength(2);
    expect(obs.scanned()).toBe(2);

    obs.reset();
    const oneDay = await listItems(ctx, { from: "2024-05-05", to: "2024-05-05", limit: 100 });
    const expected = bulk.filter((i) => i.publishedAt!.startsWith("2024-05-05")).length;
    expect(oneDay.items).toHaveLength(expected);
    expect(oneDay.items.every((i) => i.publishedAt!.startsWith("2024-05-05"))).toBe(true);
    expect(obs.scanned()).toBe(expected);
    expect(obs.seen.map((s) => s.command)).toEqual(["QueryCommand", "BatchGetItemCommand"]);
  });

  it("bounds a text search per page and lets the cursor carry on", async () => {
    const ctx = await env.ctx();
    const items = Array.from({ length: 200 }, (_, i) =>
      testItem(`https://many.example/${i}`, {
        publishedAt: new Date(Date.UTC(2024, 0, 1) + i * 3_600_000).toISOString(),
        title: i < 3 ? `Rare needle ${i}` : `Ordinary post ${i}`,
      }),
    );
    await put(ctx, items);
    const obs = observeDb(ctx);
    const first = await ctx.store.items.list({ status: "new", terms: ["needle"], limit: 5, maxReads: 1 });
    expect(first.items).toEqual([]); // the oldest three match; one read only reaches the newest ones
    expect(first.nextCursor).not.toBeNull();
    expect(obs.seen).toHaveLength(1);
    const found: string[] = [];
    let cursor: string | null = first.nextCursor;
    for (let n = 0; cursor && n < 20; n++) {
      const page = await ctx.store.items.list({
        status: "new",
        terms: ["needle"],
        limit: 5,
        maxReads: 1,
        cursor,
      });
      found.push(...page.items.map((i) => i.title));
      cursor = page.nextCursor;
    }
    expect(found).toEqual(["Rare needle 2", "Rare needle 1", "Rare needle 0"]);
  });
});

describe("pagination", () => {
  it("walks every page newest first with no duplicates or gaps, with and without filters", async () => {
    const ctx = await env.ctx();
    const items = Array.from({ length: 37 }, (_, i) =>
      testItem(`https://pages.example/${i}`, {
        // pairs share a timestamp: ties are ordered by id
        publishedAt: i % 5 === 0 ? null : day(1 + Math.floor(i / 2)),
        discoveredAt: day(25, i % 24),
        title: i % 3 === 0 ? `Kaggle 入門 ${i}` : `Post ${i}`,
      }),
    );
    await put(ctx, items);
    const order = (list: Item[]) =>
      list
        .map((i) => ({ id: i.id, key: `${i.publishedAt ?? i.discoveredAt}#${i.id}` }))
        .sort((a, b) => (a.key < b.key ? 1 : -1))
        .map((i) => i.id);

    const all = await allPages(ctx, { limit: 5 });
    expect(all.ids).toEqual(order(items));
    expect(all.pages).toBe(8);

    const searched = await allPages(ctx, { limit: 4, q: "kaggle" });
    expect(searched.ids).toEqual(order(items.filter((i) => i.title.startsWith("Kaggle"))));

    const ranged = await allPages(ctx, { limit: 3, from: "2024-05-03", to: "2024-05-10T23:59:59Z" });
    const inRange = items.filter((i) => {
      const d = i.publishedAt ?? i.discoveredAt;
      return d >= "2024-05-03" && d <= "2024-05-10T23:59:59.999Z";
    });
    expect(ranged.ids).toEqual(order(inRange));
    expect(inRange.length).toBeGreaterThan(5);
  });
});

describe("items of several sources", () => {
  it("lists an item under every source that found it, following its status", async () => {
    const ctx = await env.ctx();
    const item = testItem("https://shared.example/post", {
      sourceIds: ["a"],
      title: "Shared post about diffusion",
    });
    await put(ctx, [item, testItem("https://only-b.example/x", { sourceIds: ["b"] })]);
    expect(await ctx.store.items.addSource(item.id, "b")).toBe(true);
    expect(await ctx.store.items.addSource(item.id, "b")).toBe(false);
    expect((await ctx.store.items.get(item.id))?.sourceIds).toEqual(["a", "b"]);

    const ofB = await listItems(ctx, { sourceId: "b" });
    expect(ofB.items.map((i) => i.id).sort()).toEqual(
      [item.id, testItem("https://only-b.example/x").id].sort(),
    );
    expect(ofB.items.find((i) => i.id === item.id)).toMatchObject({
      title: "Shared post about diffusion",
      sourceIds: ["a", "b"],
    });
    expect((await listItems(ctx, { sourceId: "b", q: "diffusion" })).items.map((i) => i.id)).toEqual([
      item.id,
    ]);
    expect((await listItems(ctx, { sourceId: "b", q: "diffusion", kind: "release" })).items).toEqual([]);

    await editItem(ctx, item.id, { status: "selected" });
    expect((await listItems(ctx, { sourceId: "b" })).items.map((i) => i.id)).not.toContain(item.id);
    expect((await listItems(ctx, { sourceId: "b", status: "selected" })).items.map((i) => i.id)).toEqual([
      item.id,
    ]);
    expect((await listItems(ctx, { sourceId: "a", status: "selected" })).items.map((i) => i.id)).toEqual([
      item.id,
    ]);
  });

  it("never shows an item under a status it left, and repairs a lagging pointer", async () => {
    const ctx = await env.ctx();
    const item = testItem("https://lag.example/post", { sourceIds: ["a", "c"], status: "rejected" });
    await put(ctx, [item]);
    // A pointer written with the status the item had a moment ago (a crash between the two writes).
    await rawDbOf(ctx.store).doc.send(
      new PutCommand({
        TableName: rawDbOf(ctx.store).table,
        Item: {
          ...keys.itemSourceLink(item.id, "c", "new", item.publishedAt!),
          itemId: item.id,
          sourceId: "c",
        },
      }),
    );
    expect((await listItems(ctx, { sourceId: "c", status: "new" })).items).toEqual([]);
    expect((await listItems(ctx, { sourceId: "c", status: "rejected" })).items.map((i) => i.id)).toEqual([
      item.id,
    ]);
  });
});

describe("listItems validation", () => {
  it("names the offending field", async () => {
    const ctx = await env.ctx();
    const bad: [Parameters<typeof listItems>[1], string][] = [
      [{ limit: 101 }, "limit"],
      [{ limit: 0 }, "limit"],
      [{ from: "yesterday" }, "from"],
      [{ to: "2024-02-30" }, "to"],
      [{ from: "2024-05-02", to: "2024-05-01" }, "to"],
      [{ status: "done" as never }, "status"],
      [{ kind: "video" as never }, "kind"],
      [{ q: "x".repeat(201) }, "q"],
    ];
    for (const [input, field] of bad) {
      await expect(listItems(ctx, input), JSON.stringify(input)).rejects.toMatchObject({
        kind: "invalid",
        details: [{ field }],
      });
    }
  });
});

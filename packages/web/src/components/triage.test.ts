import { describe, expect, it } from "vitest";
import type { Item, ItemStatus } from "../types.js";
import { changeable, insertByDate, moveCounts, restore, settleLimit, withStatus } from "./triage.js";

const item = (id: string, day: number, status: ItemStatus = "new"): Item => ({
  id,
  url: `https://example.com/${id}`,
  canonicalUrl: `https://example.com/${id}`,
  title: id,
  description: null,
  imageUrl: null,
  siteName: null,
  domain: "example.com",
  kind: "article",
  sourceIds: [],
  author: null,
  publishedAt: `2024-05-${String(day).padStart(2, "0")}T00:00:00.000Z`,
  discoveredAt: "2024-06-01T00:00:00.000Z",
  status,
  comment: null,
  section: null,
});

const ids = (list: Item[]) => list.map((i) => i.id);

describe("status changes", () => {
  const list = [item("a", 9), item("b", 8), item("c", 7, "used"), item("d", 6)];

  it("changes only shown items that are neither already there nor used", () => {
    expect(ids(changeable(list, ["a", "c", "x"], "selected"))).toEqual(["a"]);
    expect(ids(changeable([item("a", 1, "selected")], ["a"], "selected"))).toEqual([]);
  });

  it("drops the cards in the new tab and keeps them elsewhere", () => {
    const changed = changeable(list, ["a", "d"], "rejected");
    expect(ids(withStatus(list, changed, "rejected", true))).toEqual(["b", "c"]);
    const kept = withStatus(list, changed, "rejected", false);
    expect(kept.map((i) => i.status)).toEqual(["rejected", "new", "used", "rejected"]);
    expect(list[0]!.status).toBe("new");
  });

  it("puts cards back where their date puts them, or in place", () => {
    const gone = withStatus(list, [list[1]!], "selected", true);
    expect(ids(restore(gone, [list[1]!], true))).toEqual(["a", "b", "c", "d"]);
    expect(ids(restore(gone, [list[1]!], false))).toEqual(["a", "c", "d"]);
    const shown = withStatus(list, [list[0]!], "selected", false);
    expect(restore(shown, [list[0]!], true)[0]!.status).toBe("new");
    expect(ids(insertByDate([], item("z", 1)))).toEqual(["z"]);
    expect(ids(insertByDate(list, item("z", 1)))).toEqual(["a", "b", "c", "d", "z"]);
    expect(ids(insertByDate(list, item("z", 30)))).toEqual(["z", "a", "b", "c", "d"]);
  });

  it("moves counts", () => {
    const c = { new: 3, selected: 0, rejected: 1, used: 0 };
    expect(moveCounts(c, ["new", "new"], "rejected")).toEqual({ new: 1, selected: 0, rejected: 3, used: 0 });
    expect(moveCounts(c, ["rejected"], "rejected")).toEqual(c);
    expect(moveCounts(c, ["selected"], "new").selected).toBe(0);
  });
});

describe("settleLimit", () => {
  it("keeps every outcome in order with a bounded number running", async () => {
    let running = 0;
    let most = 0;
    const out = await settleLimit([1, 2, 3, 4, 5], 2, async (n) => {
      running++;
      most = Math.max(most, running);
      await new Promise((r) => setTimeout(r, 5));
      running--;
      if (n === 3) throw new Error("three");
      return n * 10;
    });
    expect(most).toBe(2);
    expect(out.map((r) => r.status)).toEqual([
      "fulfilled",
      "fulfilled",
      "rejected",
      "fulfilled",
      "fulfilled",
    ]);
    expect(out[1]).toEqual({ status: "fulfilled", value: 20 });
  });
});

import { describe, expect, it } from "vitest";
import { addItem, dropIndex, findItem, move, moveItem, removeItem, shiftItem } from "./issue-reorder.js";

const secs = () => [
  { heading: "A", itemIds: ["a1", "a2", "a3"] },
  { heading: "B", itemIds: ["b1"] },
  { heading: "C", itemIds: [] as string[] },
];

describe("move", () => {
  it("moves up, down, and clamps", () => {
    expect(move([1, 2, 3], 0, 2)).toEqual([2, 3, 1]);
    expect(move([1, 2, 3], 2, 0)).toEqual([3, 1, 2]);
    expect(move([1, 2, 3], 1, 0)).toEqual([2, 1, 3]);
    expect(move([1, 2, 3], 2, 9)).toEqual([1, 2, 3]);
    expect(move([1, 2, 3], 0, -1)).toEqual([1, 2, 3]);
    expect(move([1, 2, 3], 5, 0)).toEqual([1, 2, 3]);
  });
  it("never mutates its input", () => {
    const l = [1, 2, 3];
    move(l, 0, 2);
    expect(l).toEqual([1, 2, 3]);
  });
});

describe("items", () => {
  it("finds an item", () => {
    expect(findItem(secs(), "b1")).toEqual({ section: 1, index: 0 });
    expect(findItem(secs(), "zz")).toBeUndefined();
  });
  it("shifts within a section and stops at the ends", () => {
    expect(shiftItem(secs(), "a2", -1)[0]!.itemIds).toEqual(["a2", "a1", "a3"]);
    expect(shiftItem(secs(), "a2", 1)[0]!.itemIds).toEqual(["a1", "a3", "a2"]);
    expect(shiftItem(secs(), "a1", -1)[0]!.itemIds).toEqual(["a1", "a2", "a3"]);
    expect(shiftItem(secs(), "a3", 1)[0]!.itemIds).toEqual(["a1", "a2", "a3"]);
  });
  it("moves to another section, appended or at a place", () => {
    const s = moveItem(secs(), "a2", 2);
    expect(s.map((x) => x.itemIds)).toEqual([["a1", "a3"], ["b1"], ["a2"]]);
    const t = moveItem(secs(), "a1", 1, 0);
    expect(t.map((x) => x.itemIds)).toEqual([["a2", "a3"], ["a1", "b1"], []]);
    expect(t[1]!.heading).toBe("B");
  });
  it("moves within a section to the index given", () => {
    expect(moveItem(secs(), "a1", 0, 2)[0]!.itemIds).toEqual(["a2", "a3", "a1"]);
  });
  it("ignores unknown items and sections", () => {
    expect(moveItem(secs(), "zz", 1)).toEqual(secs());
    expect(moveItem(secs(), "a1", 7)).toEqual(secs());
  });
  it("removes and adds, never twice", () => {
    expect(removeItem(secs(), "a2")[0]!.itemIds).toEqual(["a1", "a3"]);
    expect(addItem(secs(), "n1", 2)[2]!.itemIds).toEqual(["n1"]);
    expect(addItem(secs(), "a1", 2)[2]!.itemIds).toEqual([]);
    expect(addItem(secs(), "n1", 0, 1)[0]!.itemIds).toEqual(["a1", "n1", "a2", "a3"]);
  });
});

describe("dropIndex", () => {
  it("accounts for the dragged element leaving its place", () => {
    // [x0, x1, x2]: drag x0 onto x2's bottom half → end (index 2 after removal)
    expect(dropIndex(2, false, 0)).toBe(2);
    // drag x2 onto x0's top half → 0
    expect(dropIndex(0, true, 2)).toBe(0);
    // drag x0 onto x1's top half → stays at 0
    expect(dropIndex(1, true, 0)).toBe(0);
    // from another list: before or after the target
    expect(dropIndex(1, true)).toBe(1);
    expect(dropIndex(1, false)).toBe(2);
  });
});

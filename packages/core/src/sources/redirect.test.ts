import { describe, expect, it } from "vitest";
import { permanentTarget, redirectStep } from "./redirect.js";

const hop = (status: number, location: string) => ({ url: "https://old.example/feed", status, location });
const NOW = "2026-03-01T00:00:00.000Z";

describe("permanentTarget", () => {
  it("is the end of the leading run of 301/308 hops", () => {
    expect(permanentTarget([])).toBeUndefined();
    expect(permanentTarget(undefined)).toBeUndefined();
    expect(permanentTarget([hop(301, "https://a.example/")])).toBe("https://a.example/");
    expect(permanentTarget([hop(301, "https://a.example/"), hop(308, "https://b.example/")])).toBe(
      "https://b.example/",
    );
    // a temporary hop after a permanent one: the permanent target is the new address
    expect(permanentTarget([hop(308, "https://a.example/"), hop(302, "https://b.example/")])).toBe(
      "https://a.example/",
    );
    for (const status of [302, 303, 307])
      expect(
        permanentTarget([hop(status, "https://a.example/"), hop(301, "https://b.example/")]),
      ).toBeUndefined();
  });
});

describe("redirectStep", () => {
  it("moves only when two polls in a row were sent to the same target", () => {
    const first = redirectStep(undefined, [hop(301, "https://a.example/")], NOW);
    expect(first).toEqual({ kind: "pending", pendingMove: { url: "https://a.example/", seenAt: NOW } });
    const pending = { url: "https://a.example/", seenAt: NOW };
    expect(redirectStep(pending, [hop(308, "https://a.example/")], NOW)).toEqual({
      kind: "move",
      to: "https://a.example/",
    });
    // another target starts over; no redirect forgets the sighting; nothing pending, nothing to do
    expect(redirectStep(pending, [hop(301, "https://b.example/")], NOW)).toEqual({
      kind: "pending",
      pendingMove: { url: "https://b.example/", seenAt: NOW },
    });
    expect(redirectStep(pending, [], NOW)).toEqual({ kind: "pending", pendingMove: null });
    expect(redirectStep(pending, [hop(302, "https://a.example/")], NOW)).toEqual({
      kind: "pending",
      pendingMove: null,
    });
    expect(redirectStep(undefined, [hop(307, "https://a.example/")], NOW)).toEqual({ kind: "none" });
  });
});

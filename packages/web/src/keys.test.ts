import { describe, expect, it } from "vitest";
import { composing, isTyping, keyAction, step } from "./keys.js";

const body = { tagName: "BODY", closest: () => null };

describe("keyAction", () => {
  it("maps the single keys", () => {
    expect(keyAction({ key: "j", target: body })).toBe("next");
    expect(keyAction({ key: "k", target: body })).toBe("prev");
    expect(keyAction({ key: "s", target: body })).toBe("select");
    expect(keyAction({ key: "x", target: body })).toBe("reject");
    expect(keyAction({ key: "u", target: body })).toBe("undo");
    expect(keyAction({ key: "c", target: body })).toBe("comment");
    expect(keyAction({ key: "/", target: body })).toBe("search");
    expect(keyAction({ key: "?", target: body })).toBe("help");
    expect(keyAction({ key: "q", target: body })).toBeNull();
    expect(keyAction({ key: "J", target: body })).toBeNull();
  });

  it("ignores keys while typing", () => {
    for (const tagName of ["INPUT", "TEXTAREA", "SELECT", "input"])
      expect(keyAction({ key: "s", target: { tagName } })).toBeNull();
    expect(keyAction({ key: "s", target: { tagName: "DIV", isContentEditable: true } })).toBeNull();
  });

  it("ignores keys with modifiers, during IME composition and inside a dialog", () => {
    expect(keyAction({ key: "s", ctrlKey: true, target: body })).toBeNull();
    expect(keyAction({ key: "s", metaKey: true, target: body })).toBeNull();
    expect(keyAction({ key: "s", altKey: true, target: body })).toBeNull();
    expect(keyAction({ key: "s", isComposing: true, target: body })).toBeNull();
    expect(keyAction({ key: "Process", keyCode: 229, target: body })).toBeNull();
    const inDialog = { tagName: "BUTTON", closest: (s: string) => (s === "dialog" ? {} : null) };
    expect(keyAction({ key: "j", target: inDialog })).toBeNull();
  });

  it("works with a card or a button focused", () => {
    expect(keyAction({ key: "x", target: { tagName: "ARTICLE", closest: () => null } })).toBe("reject");
    expect(keyAction({ key: "x", target: { tagName: "BUTTON", closest: () => null } })).toBe("reject");
    expect(keyAction({ key: "x", target: null })).toBe("reject");
  });
});

describe("isTyping / composing", () => {
  it("reads the target and the IME state", () => {
    expect(isTyping(undefined)).toBe(false);
    expect(isTyping({ tagName: "A" })).toBe(false);
    expect(isTyping({ tagName: "TEXTAREA" })).toBe(true);
    expect(composing({ isComposing: true })).toBe(true);
    expect(composing({ keyCode: 229 })).toBe(true);
    expect(composing({ keyCode: 13 })).toBe(false);
  });
});

describe("step", () => {
  it("moves within the list without wrapping", () => {
    expect(step(-1, 1, 3)).toBe(0);
    expect(step(-1, -1, 3)).toBe(2);
    expect(step(0, 1, 3)).toBe(1);
    expect(step(2, 1, 3)).toBe(2);
    expect(step(0, -1, 3)).toBe(0);
    expect(step(5, 1, 3)).toBe(0);
    expect(step(0, 1, 0)).toBe(-1);
  });
});

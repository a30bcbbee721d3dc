import { describe, expect, it } from "vitest";
import { ApiError } from "../api.js";
import { problemAt, problemsOf } from "./issue-errors.js";

describe("problemAt", () => {
  const err = new ApiError(400, "invalid_request", "bad", [
    { field: "sections.0.heading", message: "empty" },
    { field: "sections.1.itemIds.2", message: "rejected" },
  ] as never);
  it("reads the contract's `field` key", () => {
    expect(problemsOf(err)).toHaveLength(2);
    expect(problemAt(err, "sections.0.heading")).toBe("empty");
  });
  it("finds a problem inside a path unless exact", () => {
    expect(problemAt(err, "sections.1")).toBe("rejected");
    expect(problemAt(err, "sections.1", true)).toBeUndefined();
    expect(problemAt(err, "title")).toBeUndefined();
  });
  it("reads the `path` key too, and ignores other errors", () => {
    const e = new ApiError(400, "x", "y", [{ path: "to.0", message: "bad address" }] as never);
    expect(problemAt(e, "to.0")).toBe("bad address");
    expect(problemAt(new Error("z"), "to.0")).toBeUndefined();
  });
});

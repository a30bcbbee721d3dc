import type { JobKind } from "@wkn/core/jobs";
import { describe, expect, it } from "vitest";
import * as z from "zod/mini";
import { jobParser } from "./jobs.js";

/** The schemas as they were before the hand checks: the parser must answer exactly as they do. */
const reference: Record<JobKind, z.ZodMiniType> = {
  poll: z.object({ sourceId: z.string().check(z.minLength(1)) }),
  unfurl: z.object({ itemId: z.string().check(z.minLength(1)) }),
  send: z.object({ issueNumber: z.int().check(z.positive()) }),
  confirm: z.object({ email: z.string().check(z.minLength(3), z.maxLength(320)) }),
};

const values: unknown[] = [
  null,
  [],
  ["a"],
  "a",
  7,
  true,
  {},
  { sourceId: "a" },
  { sourceId: "" },
  { sourceId: 7 },
  { sourceId: "a", extra: 1 },
  { itemId: "i-1" },
  { itemId: null },
  { issueNumber: 7 },
  { issueNumber: "7" },
  { issueNumber: 0 },
  { issueNumber: -0 },
  { issueNumber: -3 },
  { issueNumber: 1.5 },
  { issueNumber: 2 ** 53 },
  { issueNumber: 1e300 },
  { issueNumber: 7, more: [1] },
  { email: "a@b" },
  { email: "ab" },
  { email: `${"a".repeat(310)}@example.c` },
  { email: `${"a".repeat(320)}@example.com` },
  { email: "x@y.z", sourceId: "a" },
];

describe("jobParser", () => {
  for (const kind of Object.keys(reference) as JobKind[]) {
    it(`answers as the zod schema of "${kind}" jobs does`, async () => {
      const parse = jobParser(kind);
      for (const value of values) {
        const body = JSON.stringify(value);
        const expected = reference[kind].safeParse(value);
        if (expected.success) {
          await expect(parse(body), body).resolves.toStrictEqual(expected.data);
        } else {
          await expect(parse(body), body).rejects.toThrow(expected.error.message);
        }
      }
    });
  }

  it("rejects a body that is not JSON as JSON.parse does", async () => {
    await expect(jobParser("poll")("not json")).rejects.toThrow(SyntaxError);
  });
});

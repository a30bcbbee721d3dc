/** Drafts made through core directly (not only through the API's schemas) hold no control characters. */

import { startTestEnv, type TestEnv } from "@wkn/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDraft, type DraftInput, updateDraft } from "./drafts.js";

let env: TestEnv;
beforeAll(async () => {
  env = await startTestEnv();
});
afterAll(() => env.close());

describe("drafts", () => {
  it("refuse control characters in title, subject and headings, and strip them from intro and bodies", async () => {
    const ctx = await env.ctx();
    await expect(createDraft(ctx, { title: "Weekly\u001b[2J" })).rejects.toThrow(/^title: must not contain/);
    const draft = await createDraft(ctx, { title: " Weekly\t#1 ", intro: "Hi\u0000 there\r\n" });
    expect(draft).toMatchObject({ title: "Weekly\t#1", intro: "Hi there" });
    for (const [input, field] of [
      [{ subject: "Read\u0085me" }, "subject"],
      [{ title: "a\nb" }, "title"],
      [
        {
          sections: [
            { heading: "ok", itemIds: [] },
            { heading: "News\u0000", itemIds: [] },
          ],
        },
        "sections.1.heading",
      ],
    ] as [DraftInput, string][]) {
      await expect(updateDraft(ctx, draft.number, input)).rejects.toMatchObject({ details: [{ field }] });
    }
    const updated = await updateDraft(ctx, draft.number, {
      intro: "\u009bIntro\u2028more",
      sections: [{ heading: "News", body: "Body\u0007\r\n", itemIds: [] }],
    });
    expect(updated).toMatchObject({ intro: "Intro\nmore", sections: [{ heading: "News", body: "Body" }] });
  });
});

/** A draft's preview queues the hosting of pictures its items never had hosted (older items, lost jobs). */

import { startTestEnv, type TestEnv } from "@wkn/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { storeItems, testItem } from "../items/testing.js";
import type { JobKind, JobPayloads, Jobs } from "../jobs/index.js";
import { previewIssue } from "./content.js";
import { createDraft, updateDraft } from "./drafts.js";

let env: TestEnv;
beforeAll(async () => {
  env = await startTestEnv();
});
afterAll(() => env.close());

describe("previewing a draft", () => {
  it("queues the thumbnail step for its items with an unhosted picture, and only those", async () => {
    const queued: { kind: JobKind; payload: JobPayloads[JobKind] }[] = [];
    const jobs: Jobs = {
      async enqueue(kind, payload) {
        queued.push({ kind, payload });
      },
    };
    const ctx = await env.ctx({ jobs });
    const [old, hosted, bare] = await storeItems(ctx, [
      testItem("https://blog.example/old", { status: "selected", imageUrl: "https://img.example/old.png" }),
      testItem("https://blog.example/hosted", {
        status: "selected",
        imageUrl: "https://img.example/h.png",
        thumbnail: `${"b".repeat(64)}.jpg`,
        thumbnailAt: "2024-05-02T00:00:00.000Z",
      }),
      testItem("https://blog.example/bare", { status: "selected" }),
    ]);
    const { number } = await createDraft(ctx, {});
    await updateDraft(ctx, number, {
      sections: [{ heading: "News", itemIds: [old!.id, hosted!.id, bare!.id] }],
    });
    const html = await previewIssue(ctx, number);
    expect(queued).toEqual([{ kind: "unfurl", payload: { itemId: old!.id } }]);
    // meanwhile the preview shows the hosted one only, never a publisher's URL
    expect(html).toContain(`/media/${"b".repeat(64)}.jpg`);
    expect(html).not.toContain("img.example");
  });
});

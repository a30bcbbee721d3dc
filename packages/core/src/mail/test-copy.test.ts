import { startTestEnv, type TestEnv } from "@wkn/testing";
import { mailCtx, readyDraft, type SesHandle, startSes } from "@wkn/testing/mail";
import PostalMime from "postal-mime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NotFoundError, ValidationError } from "../errors.js";
import { sendTestCopy, TEST_HEADER } from "./test-copy.js";

let env: TestEnv;
let handle: SesHandle;
// The 1st SendRawEmail call is throttled (retried), the 3rd refused.
const faults: Record<number, "Throttling" | "MessageRejected"> = { 1: "Throttling", 3: "MessageRejected" };
beforeAll(async () => {
  env = await startTestEnv();
  handle = await startSes(100, ({ action, n }) => (action === "SendRawEmail" ? (faults[n] ?? null) : null));
});
afterAll(async () => {
  await handle.close();
  await env.close();
});

describe("sendTestCopy", () => {
  it("sends each address one marked copy, retrying Throttling and reporting a refusal", async () => {
    const ctx = await mailCtx(env, handle.ses);
    const n = await readyDraft(ctx);
    const result = await sendTestCopy(ctx, n, [
      "one@example.org",
      "ONE@example.org",
      "two@example.org",
      "three@example.org",
    ]);
    expect(result.sent.map((s) => s.to)).toEqual(["one@example.org", "three@example.org"]);
    expect(result.failed).toEqual([
      { to: "two@example.org", error: expect.stringMatching(/^MessageRejected/) },
    ]);
    const messages = handle.ses.messages();
    expect(messages.map((m) => m.destinations[0])).toEqual(["one@example.org", "three@example.org"]);
    const mail = await PostalMime.parse(messages[0]!.raw);
    expect(mail.subject).toMatch(/^\[TEST\] /);
    expect(mail.headers.find((h) => h.key === TEST_HEADER.toLowerCase())?.value).toBe("1");
    expect(await ctx.store.deliveries.list(n)).toEqual([]);
  });

  it("names the bad address by its place and refuses an unknown issue", async () => {
    const ctx = await mailCtx(env, handle.ses);
    const n = await readyDraft(ctx);
    const e = await sendTestCopy(ctx, n, ["ok@example.org", "nope"]).catch((x) => x);
    expect(e).toBeInstanceOf(ValidationError);
    expect(e.details[0].field).toBe("to.1");
    await expect(sendTestCopy(ctx, n, [])).rejects.toBeInstanceOf(ValidationError);
    await expect(sendTestCopy(ctx, 4242, ["ok@example.org"])).rejects.toBeInstanceOf(NotFoundError);
  });
});

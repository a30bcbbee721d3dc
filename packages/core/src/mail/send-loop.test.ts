/** The SES call timeout: a stall of the event loop must not turn an answered call into an ambiguous one. */

import { SESClient } from "@aws-sdk/client-ses";
import { type SesHandle, startSes } from "@wkn/testing/mail";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LOCAL_CREDENTIALS } from "../store/client.js";
import { answerWithin } from "./send-loop.js";
import { sendRaw } from "./ses.js";

let handle: SesHandle;
beforeAll(async () => {
  handle = await startSes(100);
});
afterAll(() => handle.close());

const RAW = Buffer.from("From: a@news.example.org\r\nTo: b@example.com\r\nSubject: x\r\n\r\nhello\r\n");

/** Holds the one thread, as a long synchronous parse would. */
function stall(ms: number) {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // busy
  }
}

describe("answerWithin", () => {
  it("reads an answer that arrived during a stall longer than the timeout instead of giving up", async () => {
    const ses = new SESClient({
      region: "us-east-1",
      endpoint: handle.ses.endpoint,
      credentials: LOCAL_CREDENTIALS,
      maxAttempts: 1,
    });
    const ctx = { ses, config: { fromEmail: "a@news.example.org" } } as Parameters<typeof sendRaw>[0];
    const call = answerWithin(sendRaw(ctx, RAW, ["b@example.com"]), 400);
    stall(1500); // the timeout's whole budget, three times over, without a turn of the loop
    await expect(call).resolves.toMatch(/./);
    expect(handle.ses.messages()).toHaveLength(1);
    ses.destroy();
  });

  it("still gives up on a call that gets no answer while the loop is free", async () => {
    const never = new Promise<string>(() => {});
    await expect(answerWithin(never, 200)).rejects.toMatchObject({ name: "TimeoutError" });
  });
});

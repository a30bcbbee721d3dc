/** The SES call timeout: a stall of the event loop must not turn an answered call into an ambiguous one. */

import { SESClient } from "@aws-sdk/client-ses";
import { startTestEnv, type TestEnv } from "@wkn/testing";
import { addActive, mailCtx, perDestination, readyDraft, type SesHandle, startSes } from "@wkn/testing/mail";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderIssueMail } from "../issues/content.js";
import { LOCAL_CREDENTIALS } from "../store/client.js";
import { Pacer } from "./pacer.js";
import { startSend } from "./send.js";
import { answerWithin, sendToAll } from "./send-loop.js";
import { sendRaw } from "./ses.js";

let handle: SesHandle;
let env: TestEnv;
beforeAll(async () => {
  handle = await startSes(100);
  env = await startTestEnv();
});
afterAll(async () => {
  await handle.close();
  await env.close();
});

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

describe("sendToAll pacing", () => {
  it("sends no message on a slot that came before the message was ready", async () => {
    const local = await startSes(1000);
    try {
      const ctx = await mailCtx(env, local.ses);
      const issueNumber = await readyDraft(ctx);
      const subs = await addActive(ctx, 3);
      await startSend(ctx, issueNumber);
      // What happened, in order: a slot granted, a message handed to SES.
      const events: ("slot" | "cancel" | "send")[] = [];
      ctx.ses.middlewareStack.add(
        (next, context) => async (args) => {
          if (context.commandName === "SendRawEmailCommand") events.push("send");
          return next(args);
        },
        { step: "initialize", name: "recordSends" },
      );
      // The claims wait until both senders have taken a slot and found nothing to send.
      let open = () => {};
      const claimsMayGo = new Promise<void>((r) => {
        open = r;
      });
      let granted = 0;
      const pacer = new (class extends Pacer {
        override async slot() {
          events.push("slot");
          if (++granted === 2) open();
          return { done: () => {}, cancel: () => void events.push("cancel") };
        }
      })({ maxRate: 4 }); // two senders
      const result = await sendToAll(
        {
          ctx,
          issueNumber,
          runner: "test",
          mail: await renderIssueMail(ctx, issueNumber),
          pacer,
          shouldStop: async () => null,
          pastDeadline: () => false,
          acceptedBefore: false,
          onClaim: () => claimsMayGo,
        },
        subs.map((s) => ({ id: s.id, email: s.email })),
      );
      expect(result).toMatchObject({ claimed: 3, sent: 3 });
      expect([...perDestination(local.ses).values()]).toEqual([1, 1, 1]);
      // The two slots that found nothing were given back, and every message went out on a
      // slot of its own taken after them: the early slots were not kept for a burst.
      expect(events.slice(0, 4).sort()).toEqual(["cancel", "cancel", "slot", "slot"]);
      let live = 0;
      for (const e of events.slice(4)) {
        if (e === "slot") live++;
        else if (e === "cancel") live--;
        else expect(live--).toBeGreaterThan(0);
      }
      expect(events.filter((e) => e === "send")).toHaveLength(3);
    } finally {
      await local.close();
    }
  });
});

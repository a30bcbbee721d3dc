/** The confirm job against dynalite and the local SES endpoint, with SES's answers injected per call. */
import type { SesFault } from "@wkn/local/ses";
import { startTestEnv, type TestEnv } from "@wkn/testing";
import { perDestination, type SesHandle, startSes } from "@wkn/testing/mail";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Ctx } from "../context.js";
import { subscriberIdOf } from "../subscribers/address.js";
import { addSubscriber, suppressAddress } from "../subscribers/manage.js";
import { addressBucket, CONFIRM_LEASE_MS, ConfirmJobError, runConfirmJob } from "./confirm-job.js";

let env: TestEnv;
const handles: SesHandle[] = [];
beforeAll(async () => {
  env = await startTestEnv();
});
afterAll(async () => {
  await Promise.all(handles.map((h) => h.close()));
  await env.close();
});

/** A fresh table and SES endpoint; `fault` sees SendRawEmail calls numbered from 1. */
async function setup(fault?: (n: number) => ReturnType<SesFault>) {
  const handle = await startSes(
    100,
    fault && (({ action, n }) => (action === "SendRawEmail" ? fault(n) : null)),
  );
  handles.push(handle);
  const clock = { now: Date.parse("2026-03-02T09:00:00Z") };
  const ctx = await env.ctx({
    env: {
      SES_ENDPOINT: handle.ses.endpoint,
      SES_MAX_SEND_RATE: "100",
      FROM_EMAIL: "newsletter@news.example.org",
      PUBLIC_BASE_URL: "https://news.example.org",
    },
    now: () => new Date(clock.now),
  });
  return { ctx, ses: handle.ses, clock };
}

const status = async (ctx: Ctx, email: string) =>
  (await ctx.store.subscribers.get(subscriberIdOf(email)))?.status;

/** Runs the job until the address's limit stops it; how many mails it sent meanwhile. */
async function mailsLeftToday(ctx: Ctx, email: string): Promise<number> {
  for (let sent = 0; sent < 5; sent++) {
    const { outcome } = await runConfirmJob(ctx, { email });
    if (outcome === "address_rate_limited") return sent;
    expect(outcome).toBe("confirmation_sent");
  }
  throw new Error("no limit");
}

describe("runConfirmJob", () => {
  it("mails a new address and makes it pending; an active or suppressed one gets nothing", async () => {
    const { ctx, ses } = await setup();
    const r = await runConfirmJob(ctx, { email: "ann@example.com" });
    expect(r).toMatchObject({
      outcome: "confirmation_sent",
      subscriberId: subscriberIdOf("ann@example.com"),
    });
    expect(r.messageId).toEqual(expect.any(String));
    expect(await status(ctx, "ann@example.com")).toBe("pending");
    await addSubscriber(ctx, "bob@example.com");
    await suppressAddress(ctx, "cy@example.com", "Permanent bounce");
    for (let i = 0; i < 4; i++) {
      expect((await runConfirmJob(ctx, { email: "bob@example.com" })).outcome).toBe("already_active");
      expect((await runConfirmJob(ctx, { email: "cy@example.com" })).outcome).toBe("suppressed");
    }
    expect([...perDestination(ses).keys()]).toEqual(["ann@example.com"]);
    expect(await status(ctx, "cy@example.com")).toBe("suppressed");
  });

  it("retries Throttling inside the job", async () => {
    const { ctx, ses } = await setup((n) => (n === 1 ? "Throttling" : null));
    expect((await runConfirmJob(ctx, { email: "ann@example.com" })).outcome).toBe("confirmation_sent");
    expect(ses.stats()).toMatchObject({ throttled: 1, accepted: 1 });
    expect(await mailsLeftToday(ctx, "ann@example.com")).toBe(2);
  });

  it("throws when SES stays busy, and its retry resumes the same attempt", async () => {
    const { ctx, ses } = await setup((n) => (n <= 5 ? "Throttling" : null));
    const error = await runConfirmJob(ctx, { email: "ann@example.com" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfirmJobError);
    expect(error).toMatchObject({ kind: "transient", message: expect.stringMatching(/retried later/) });
    expect(ses.stats()).toMatchObject({ throttled: 5, accepted: 0 });
    expect(await status(ctx, "ann@example.com")).toBe("pending");
    // the retry: sent, and it was still the first of the day's three attempts
    expect((await runConfirmJob(ctx, { email: "ann@example.com" })).outcome).toBe("confirmation_sent");
    expect(await mailsLeftToday(ctx, "ann@example.com")).toBe(2);
  });

  it("gives the attempt back when SES refuses the recipient", async () => {
    const { ctx, ses } = await setup((n) => (n <= 3 ? "MessageRejected" : null));
    for (let i = 0; i < 3; i++) {
      const r = await runConfirmJob(ctx, { email: "ann@example.com" });
      expect(r).toMatchObject({
        outcome: "recipient_refused",
        error: expect.stringMatching(/^MessageRejected/),
      });
    }
    expect(ses.stats()).toMatchObject({ rejected: 3, accepted: 0 }); // refused at once, not retried
    // three failures used up nothing: a fourth request the same day is mailed, and two more
    expect(await mailsLeftToday(ctx, "ann@example.com")).toBe(3);
  });

  it("throws an account fault with its reason, and the retry once it is fixed costs no other attempt", async () => {
    const { ctx, ses } = await setup((n) => (n <= 2 ? "AccountSendingPaused" : null));
    for (let i = 0; i < 2; i++) {
      const error = await runConfirmJob(ctx, { email: "ann@example.com" }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConfirmJobError);
      expect(error).toMatchObject({
        kind: "account",
        code: "sending_paused",
        message: expect.stringMatching(/paused sending .*Re-enable sending in SES/),
      });
    }
    expect(ses.stats()).toMatchObject({ rejected: 2, accepted: 0 }); // not retried inside the job
    expect(await mailsLeftToday(ctx, "ann@example.com")).toBe(3);
  });

  it("neither resends nor throws when SES may have taken the mail, and keeps the attempt", async () => {
    const { ctx, ses } = await setup((n) => (n === 1 ? "ResetAfterRequest" : null));
    const r = await runConfirmJob(ctx, { email: "ann@example.com" });
    expect(r.outcome).toBe("ambiguous");
    expect(ses.stats()).toMatchObject({ reset: 1, accepted: 0 });
    expect(await mailsLeftToday(ctx, "ann@example.com")).toBe(2);
  });

  it("sends nothing while another run holds the attempt, nor after that run died holding it", async () => {
    const { ctx, ses, clock } = await setup();
    const id = subscriberIdOf("ann@example.com");
    const rule = { limit: 3, windowSeconds: 86_400 };
    await ctx.store.rateLimits.claimAttempt(
      addressBucket(id),
      rule,
      clock.now,
      "crashed-run",
      CONFIRM_LEASE_MS,
    );
    clock.now += 1000;
    expect((await runConfirmJob(ctx, { email: "ann@example.com" })).outcome).toBe("in_flight");
    clock.now += CONFIRM_LEASE_MS; // its lease lapsed: it may have sent the mail before it died
    expect((await runConfirmJob(ctx, { email: "ann@example.com" })).outcome).toBe("ambiguous");
    expect(ses.messages()).toEqual([]);
    // a later request is mailed; the dead run's attempt still counts
    expect(await mailsLeftToday(ctx, "ann@example.com")).toBe(2);
  });

  it("refuses a payload that is not an address (a retry cannot fix it)", async () => {
    const { ctx } = await setup();
    await expect(runConfirmJob(ctx, { email: "not an address" })).rejects.toMatchObject({ kind: "invalid" });
  });
});

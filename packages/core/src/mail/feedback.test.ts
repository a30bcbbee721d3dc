/**
 * SES feedback (fixtures in testdata/ses, in the shapes SES publishes): permanent bounces and
 * complaints suppress addresses for good and the next issue skips them; everything else changes
 * nothing.
 */
import { readFileSync } from "node:fs";
import { startTestEnv, type TestEnv } from "@wkn/testing";
import { mailCtx, perDestination, readyDraft, type SesHandle, startSes } from "@wkn/testing/mail";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Ctx } from "../context.js";
import { ConflictError } from "../errors.js";
import { subscriberIdOf } from "../subscribers/address.js";
import { addSubscriber } from "../subscribers/manage.js";
import { runConfirmJob } from "./confirm-job.js";
import { handleSesNotification } from "./feedback.js";
import { runSend, startSend } from "./send.js";

const fixture = (name: string) =>
  readFileSync(new URL(`./testdata/ses/${name}.json`, import.meta.url), "utf8");

let env: TestEnv;
let sesHandle: SesHandle;
beforeAll(async () => {
  env = await startTestEnv();
  sesHandle = await startSes(500);
});
afterAll(async () => {
  await sesHandle.close();
  await env.close();
});

const PEOPLE = ["ann", "bob", "cat", "dan", "eve", "fay"] as const;

async function withSubscribers(): Promise<Ctx> {
  const ctx = await mailCtx(env, sesHandle.ses);
  for (const p of PEOPLE) await addSubscriber(ctx, `${p}@example.com`);
  return ctx;
}

const statusOf = async (ctx: Ctx, email: string) =>
  (await ctx.store.subscribers.get(subscriberIdOf(email)))?.status;

describe("handleSesNotification", () => {
  it("suppresses every recipient of a permanent bounce, addresses normalised", async () => {
    const ctx = await withSubscribers();
    expect(await handleSesNotification(ctx, fixture("bounce-permanent"))).toEqual({ suppressed: 2 });
    expect(await statusOf(ctx, "ann@example.com")).toBe("suppressed");
    expect(await statusOf(ctx, "bob@example.com")).toBe("suppressed");
    const ann = await ctx.store.subscribers.get(subscriberIdOf("ann@example.com"));
    expect(ann?.suppressedReason).toMatch(/bounce/);
    expect(ann?.suppressedAt).not.toBeNull();
    // the same notice again (SNS delivers at least once) changes nothing more
    expect(await handleSesNotification(ctx, fixture("bounce-permanent"))).toEqual({ suppressed: 0 });
  });

  it("keeps the address on a transient or undetermined bounce", async () => {
    const ctx = await withSubscribers();
    expect(await handleSesNotification(ctx, fixture("bounce-transient"))).toEqual({ suppressed: 0 });
    expect(await handleSesNotification(ctx, fixture("bounce-undetermined"))).toEqual({ suppressed: 0 });
    expect(await statusOf(ctx, "cat@example.com")).toBe("active");
  });

  it("suppresses on a complaint, in the identity and the configuration-set shapes", async () => {
    const ctx = await withSubscribers();
    expect(await handleSesNotification(ctx, fixture("complaint-abuse"))).toEqual({ suppressed: 1 });
    expect(await handleSesNotification(ctx, fixture("event-bounce-permanent"))).toEqual({ suppressed: 1 });
    expect(await statusOf(ctx, "dan@example.com")).toBe("suppressed");
    expect(await statusOf(ctx, "eve@example.com")).toBe("suppressed");
    expect((await ctx.store.subscribers.get(subscriberIdOf("dan@example.com")))?.suppressedReason).toMatch(
      /complaint/,
    );
  });

  it("ignores deliveries, not-spam reports, unknown types and fields, and garbage", async () => {
    const ctx = await withSubscribers();
    expect(await handleSesNotification(ctx, fixture("delivery"))).toEqual({ suppressed: 0 });
    expect(await handleSesNotification(ctx, fixture("complaint-not-spam"))).toEqual({ suppressed: 0 });
    const open = JSON.stringify({
      eventType: "Open",
      open: { ipAddress: "192.0.2.1" },
      mail: { destination: ["fay@example.com"] },
    });
    expect(await handleSesNotification(ctx, open)).toEqual({ suppressed: 0 });
    expect(await handleSesNotification(ctx, "not json at all")).toEqual({ suppressed: 0 });
    expect(await handleSesNotification(ctx, "null")).toEqual({ suppressed: 0 });
    const odd = JSON.parse(fixture("bounce-permanent"));
    odd.bounce.bouncedRecipients = [{ emailAddress: 42 }, {}, { emailAddress: "Fay <FAY@example.com>" }];
    odd.somethingNew = { field: true };
    expect(await handleSesNotification(ctx, JSON.stringify(odd))).toEqual({ suppressed: 1 });
    expect(await statusOf(ctx, "fay@example.com")).toBe("suppressed");
  });

  it("creates a suppressed record for an address we never had, so nothing can subscribe it later", async () => {
    const ctx = await withSubscribers();
    expect(await handleSesNotification(ctx, fixture("event-complaint"))).toEqual({ suppressed: 1 });
    expect(await statusOf(ctx, "stranger@example.net")).toBe("suppressed");
    await expect(addSubscriber(ctx, "Stranger@example.net")).rejects.toBeInstanceOf(ConflictError);
    const r = await runConfirmJob(ctx, { email: "stranger@example.net" });
    expect(r.outcome).toBe("suppressed");
    expect(await statusOf(ctx, "stranger@example.net")).toBe("suppressed");
  });
});

it("the next issue skips suppressed addresses and keeps the ones with a transient bounce", async () => {
  const before = sesHandle.ses.messages().length;
  const ctx = await withSubscribers();
  for (const f of [
    "bounce-permanent",
    "bounce-transient",
    "bounce-undetermined",
    "complaint-abuse",
    "complaint-not-spam",
    "event-bounce-permanent",
    "event-complaint",
    "delivery",
  ]) {
    await handleSesNotification(ctx, fixture(f));
  }
  const n = await readyDraft(ctx);
  await startSend(ctx, n);
  const result = await runSend(ctx, n);
  expect(result).toMatchObject({ status: "sent", delivery: { total: 2, sent: 2 } });
  const sent = sesHandle.ses.messages().slice(before);
  expect(sent.flatMap((m) => m.destinations).sort()).toEqual(["cat@example.com", "fay@example.com"]);
  expect(perDestination(sesHandle.ses).get("ann@example.com")).toBeUndefined();
});

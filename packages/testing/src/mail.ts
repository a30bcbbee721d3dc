/**
 * Test helpers for sending: a context on a fresh table wired to a local SES endpoint, an issue
 * ready to send, active subscribers in bulk, and what the endpoint received per address.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Ctx } from "@wkn/core/context";
import { createDraft, updateDraft } from "@wkn/core/issues/drafts";
import { storeItems, testItem } from "@wkn/core/items/testing";
import type { JobKind, JobPayloads, Jobs } from "@wkn/core/jobs";
import type { Subscriber } from "@wkn/core/model";
import { newSubscriber } from "@wkn/core/subscribers/manage";
import { type LocalSes, type SesAccount, type SesFault, startLocalSes } from "@wkn/local/ses";
import type { TestEnv } from "./index.js";

export const MAIL_ENV = {
  FROM_EMAIL: "newsletter@news.example.org",
  PUBLIC_BASE_URL: "https://news.example.org",
  NEWSLETTER_NAME: "Weekly Kaggle News",
};

export interface SesHandle {
  ses: LocalSes;
  close(): Promise<void>;
}

/** A local SES endpoint on a temporary outbox; `account` sets its verified identities, quota, pause. */
export async function startSes(
  maxSendRate: number,
  fault?: SesFault,
  account: SesAccount = {},
): Promise<SesHandle> {
  const outboxDir = await mkdtemp(join(tmpdir(), "wkn-outbox-"));
  const ses = await startLocalSes({ outboxDir, maxSendRate, fault, ...account });
  return {
    ses,
    async close() {
      await ses.close();
      await rm(outboxDir, { recursive: true, force: true });
    },
  };
}

/** Jobs that are only recorded (the test runs them itself). */
export function recordingJobs() {
  const enqueued: { kind: JobKind; payload: unknown }[] = [];
  const jobs: Jobs = {
    async enqueue<K extends JobKind>(kind: K, payload: JobPayloads[K]) {
      enqueued.push({ kind, payload });
    },
  };
  return { jobs, enqueued };
}

export async function mailCtx(
  env: TestEnv,
  ses: Pick<LocalSes, "endpoint">,
  opts: { jobs?: Jobs; env?: Record<string, string>; now?: () => Date } = {},
): Promise<Ctx> {
  return env.ctx({
    env: { ...MAIL_ENV, SES_ENDPOINT: ses.endpoint, ...opts.env },
    jobs: opts.jobs,
    now: opts.now,
  });
}

/**
 * A clock the test moves: `sleep` advances it instead of waiting, so leases expire and backoffs
 * pass when the test says, never because the machine was slow.
 */
export function testClock(start = Date.parse("2026-01-05T09:00:00Z")) {
  let t = start;
  return {
    now: () => new Date(t),
    ms: () => t,
    advance(ms: number) {
      t += ms;
    },
    async sleep(ms: number) {
      t += Math.max(0, ms);
    },
  };
}

/** Runs the send jobs a recording runner collected until none is left (at most `max` runs). */
export async function drainSendJobs(
  enqueued: { kind: JobKind; payload: unknown }[],
  run: (issueNumber: number) => Promise<unknown>,
  max = 10,
): Promise<unknown[]> {
  const results: unknown[] = [];
  for (let i = 0; i < max; i++) {
    const job = enqueued.shift();
    if (!job) return results;
    if (job.kind === "send") results.push(await run((job.payload as { issueNumber: number }).issueNumber));
  }
  throw new Error(`more than ${max} send jobs: the send does not settle`);
}

/** A draft with two items in one section: something to send. Returns its number. */
export async function readyDraft(ctx: Ctx, tag = "a"): Promise<number> {
  const items = await storeItems(ctx, [
    testItem(`https://blog.example/${tag}/one`, {
      title: `Post one ${tag}`,
      comment: "Worth a read",
      status: "selected",
    }),
    testItem(`https://blog.example/${tag}/two`, { title: `Post two ${tag}`, status: "selected" }),
  ]);
  const issue = await createDraft(ctx, { intro: "Hello readers" });
  await updateDraft(ctx, issue.number, { sections: [{ heading: "News", itemIds: items.map((i) => i.id) }] });
  return issue.number;
}

/** `count` active subscribers `<prefix><i>@example.com`, stored in batches. */
export async function addActive(ctx: Ctx, count: number, prefix = "reader"): Promise<Subscriber[]> {
  const now = ctx.now().toISOString();
  const subs = Array.from({ length: count }, (_, i) =>
    newSubscriber(`${prefix}${i}@example.com`, "active", "import", now),
  );
  await ctx.store.subscribers.putMany(subs);
  return subs;
}

/** How many accepted messages each destination received. */
export function perDestination(ses: {
  messages(): readonly { destinations: readonly string[] }[];
}): Map<string, number> {
  const counts = new Map<string, number>();
  for (const m of ses.messages()) for (const d of m.destinations) counts.set(d, (counts.get(d) ?? 0) + 1);
  return counts;
}

/** A claim left by a runner that died between claiming `sub` and recording SES's answer. */
export async function claimByDeadRunner(
  ctx: Ctx,
  issueNumber: number,
  sub: Pick<Subscriber, "id" | "email">,
) {
  await ctx.store.deliveries.claim({
    issueNumber,
    subscriberId: sub.id,
    email: sub.email,
    status: "claimed",
    claimedAt: ctx.now().toISOString(),
    sentAt: null,
    messageId: null,
    error: null,
    runner: "a-runner-that-died",
  });
}

/**
 * Sending an issue to every active subscriber, exactly once each (DESIGN.md step 8).
 *
 * - `startSend` moves the issue draft → sending once (a conditional update: a second or
 *   concurrent call gets 409), freezes its content (snapshot) and enqueues the send job.
 * - `runSend` is the job. One runner at a time holds the issue's lease (`SENDJOB`: owner and
 *   expiry, renewed while it runs); another runner waits for the lease only as long as it takes
 *   to see whether the holder is alive. The runner reads the issue's deliveries once, reports the
 *   claims of a runner that died between claim and settle as ambiguous (never sends them again),
 *   and sends to the rest through the pipeline in send-loop.ts. With a deadline (Lambda) it stops
 *   claiming at the deadline, lets the messages in flight finish, frees the lease and enqueues a
 *   continuation. When every delivery is settled the issue becomes "sent".
 * - `resumeSends` enqueues every issue left in "sending" (the local runtime calls it at start-up).
 */
import { randomBytes } from "node:crypto";
import { GetSendQuotaCommand } from "@aws-sdk/client-ses";
import type { Ctx } from "../context.js";
import { ConflictError, ValidationError } from "../errors.js";
import { renderIssueMail } from "../issues/content.js";
import { getIssue } from "../issues/drafts.js";
import { markItemsUsed, snapshotIssue } from "../issues/snapshot.js";
import type { Issue } from "../model/index.js";
import { countDeliveries, type DeliveryRecord, type SendCounts } from "../store/deliveries.js";
import type { IssueRecord } from "../store/issues.js";
import { Pacer, sleep } from "./pacer.js";
import { answerWithin, type Recipient, SES_CALL_TIMEOUT_MS, sendToAll } from "./send-loop.js";

/** How long a runner's lease lasts without renewal; it is renewed every third of it. */
export const DEFAULT_LEASE_MS = 30_000;
/** How often the pace is re-read from GetSendQuota during a long send. */
const QUOTA_REFRESH_MS = 60_000;

export interface RunSendOptions {
  /** Epoch ms: claim nobody new from then on; the rest goes to a continuation job. */
  deadline?: number;
  /** Lease duration (tests shorten it). */
  leaseMs?: number;
  /** How long one SES call may take before its delivery is given up as ambiguous (tests shorten it). */
  sesTimeoutMs?: number;
}

export interface AmbiguousDelivery {
  subscriberId: string;
  email: string;
  error: string | null;
}

export type RunSendResult =
  /** Every delivery settled; the issue is sent. */
  | { status: "sent"; delivery: SendCounts; ambiguous: AmbiguousDelivery[] }
  /** The deadline came first; a continuation job was enqueued. */
  | { status: "continued"; delivery: SendCounts }
  /** Another runner holds the issue's lease and is alive. */
  | { status: "busy" }
  /** Nothing to do: the issue is unknown, a draft, or sent already. */
  | { status: "not_sending" };

const hasContent = (rec: Pick<IssueRecord, "sections">): boolean =>
  rec.sections.some((s) => s.itemIds.length > 0 || Boolean(s.body?.trim()));

/**
 * Starts sending an issue: draft → sending exactly once, the snapshot taken, the job enqueued.
 * 404 unknown; 409 when it is not a draft (a second or concurrent call); 400 (`sections`) when
 * it has nothing to send.
 */
export async function startSend(ctx: Ctx, issueNumber: number): Promise<Issue> {
  const rec = await ctx.store.issues.mustGet(issueNumber);
  if (rec.status !== "draft") throw new ConflictError(`issue ${issueNumber} is ${rec.status}, not draft`);
  if (!hasContent(rec)) throw new ValidationError("sections", "the issue has no items or text to send");
  await ctx.store.issues.transition(issueNumber, "draft", "sending", { updatedAt: ctx.now().toISOString() });
  try {
    await snapshotIssue(ctx, issueNumber);
  } catch (e) {
    // Nothing was enqueued or frozen: give the draft back so the editor can fix it.
    await ctx.store.issues.transition(issueNumber, "sending", "draft", {
      updatedAt: ctx.now().toISOString(),
    });
    throw e;
  }
  // Should this fail, the issue stays "sending" and resumeSends picks it up (local start-up).
  await ctx.jobs.enqueue("send", { issueNumber });
  ctx.log.info("issue sending", { issue: issueNumber });
  return getIssue(ctx, issueNumber);
}

/** Issues left in "sending" by a crash or restart: enqueued again; returns their numbers. */
export async function resumeSends(ctx: Ctx): Promise<number[]> {
  const recs = await ctx.store.issues.listByStatus("sending");
  const numbers = recs.map((r) => r.number).sort((a, b) => a - b);
  for (const issueNumber of numbers) await ctx.jobs.enqueue("send", { issueNumber });
  return numbers;
}

/** The account's send rate (GetSendQuota), or SES_MAX_SEND_RATE when SES will not say. */
async function sendQuota(
  ctx: Ctx,
  timeoutMs: number,
): Promise<{ maxSendRate: number; remaining24h: number | null }> {
  try {
    const q = await answerWithin(ctx.ses.send(new GetSendQuotaCommand({})), timeoutMs);
    const maxSendRate = q.MaxSendRate && q.MaxSendRate > 0 ? q.MaxSendRate : ctx.config.sesMaxSendRate;
    const remaining24h =
      typeof q.Max24HourSend === "number" && q.Max24HourSend >= 0
        ? Math.max(0, q.Max24HourSend - (q.SentLast24Hours ?? 0))
        : null;
    return { maxSendRate, remaining24h };
  } catch (e) {
    ctx.log.warn("GetSendQuota failed; pacing at SES_MAX_SEND_RATE", { error: e });
    return { maxSendRate: ctx.config.sesMaxSendRate, remaining24h: null };
  }
}

/**
 * Waits for the issue's lease: taken at once when free, expired or ours; when another runner
 * holds it, watched until it either expires (the holder is gone: take it) or is renewed (the
 * holder is alive: leave the issue to it). Returns the lease's expiry, or undefined.
 */
async function takeLease(ctx: Ctx, n: number, runner: string, leaseMs: number, deadline?: number) {
  let seen: { owner: string | null; leaseUntil: number } | undefined;
  for (;;) {
    const now = ctx.now().getTime();
    const r = await ctx.store.deliveries.acquireLease(n, runner, now, leaseMs);
    if (r.acquired) return r.leaseUntil;
    if (seen && (r.lease.owner !== seen.owner || r.lease.leaseUntil !== seen.leaseUntil)) return undefined;
    seen = r.lease;
    const wait = Math.min(r.lease.leaseUntil - now + 50, leaseMs / 3);
    if (deadline !== undefined && now + wait >= deadline) return undefined;
    await sleep(wait);
  }
}

/** Renews the lease every third of its duration while the run goes on. */
function keepLease(
  ctx: Ctx,
  n: number,
  runner: string,
  leaseMs: number,
  leaseUntil: number,
  total: () => number,
) {
  let validUntil = leaseUntil;
  let lost = false;
  let renewing = false;
  const timer = setInterval(async () => {
    if (renewing || lost) return;
    renewing = true;
    const until = ctx.now().getTime() + leaseMs;
    try {
      if (await ctx.store.deliveries.renewLease(n, runner, until, total())) validUntil = until;
      else {
        lost = true;
        ctx.log.warn("send lease lost to another runner", { issue: n, runner });
      }
    } catch (e) {
      ctx.log.warn("send lease not renewed", { issue: n, runner, error: e });
    } finally {
      renewing = false;
    }
  }, leaseMs / 3);
  return {
    /** False once the lease is lost or about to lapse (renewals failing): claim nobody new. */
    held: () => !lost && ctx.now().getTime() < validUntil - leaseMs / 4,
    lost: () => lost,
    stop: () => clearInterval(timer),
  };
}

const newRunnerId = () => randomBytes(8).toString("hex");

/**
 * Sends an issue in "sending" to every active subscriber not yet claimed. Safe to call again,
 * concurrently, or after a crash: see the module comment.
 */
export async function runSend(
  ctx: Ctx,
  issueNumber: number,
  opts: RunSendOptions = {},
): Promise<RunSendResult> {
  const leaseMs = opts.leaseMs ?? DEFAULT_LEASE_MS;
  const runner = newRunnerId();
  const log = (msg: string, fields: Record<string, unknown> = {}) =>
    ctx.log.info(msg, { issue: issueNumber, runner, ...fields });

  const before = await ctx.store.issues.get(issueNumber);
  if (before?.status !== "sending") {
    log("send job: nothing to do", { status: before?.status ?? "unknown" });
    return { status: "not_sending" };
  }
  const leaseUntil = await takeLease(ctx, issueNumber, runner, leaseMs, opts.deadline);
  if (leaseUntil === undefined) {
    log("send job: another runner is sending this issue");
    return { status: "busy" };
  }

  let planned = 0;
  const lease = keepLease(ctx, issueNumber, runner, leaseMs, leaseUntil, () => planned);
  let quotaTimer: NodeJS.Timeout | undefined;
  try {
    // The holder before us may have finished the issue while we waited.
    if ((await ctx.store.issues.get(issueNumber))?.status !== "sending") return { status: "not_sending" };

    await snapshotIssue(ctx, issueNumber); // normally taken by startSend; the first one stays
    const mail = await renderIssueMail(ctx, issueNumber);
    const existing = await ctx.store.deliveries.list(issueNumber);
    await reportOrphanedClaims(ctx, existing, runner);

    const claimed = new Set(existing.map((d) => d.subscriberId));
    const todo: Recipient[] = [];
    for await (const page of ctx.store.subscribers.pages("active")) {
      for (const s of page) if (!claimed.has(s.id)) todo.push({ id: s.id, email: s.email });
    }
    planned = existing.length + todo.length;
    await ctx.store.deliveries.renewLease(issueNumber, runner, ctx.now().getTime() + leaseMs, planned);

    const sesTimeoutMs = opts.sesTimeoutMs ?? SES_CALL_TIMEOUT_MS;
    const quota = await sendQuota(ctx, sesTimeoutMs);
    if (quota.remaining24h !== null && quota.remaining24h < todo.length) {
      ctx.log.warn("SES 24-hour quota is below the recipients left", {
        issue: issueNumber,
        ...quota,
        left: todo.length,
      });
    }
    const pacer = new Pacer({ maxRate: quota.maxSendRate });
    quotaTimer = setInterval(
      () => void sendQuota(ctx, sesTimeoutMs).then((q) => pacer.setMaxRate(q.maxSendRate)),
      QUOTA_REFRESH_MS,
    );
    log("send run starting", {
      recipients: todo.length,
      alreadyClaimed: existing.length,
      rate: quota.maxSendRate,
    });

    const loop = await sendToAll(
      {
        ctx,
        issueNumber,
        runner,
        mail,
        pacer,
        sesTimeoutMs,
        shouldStop: () =>
          !lease.held()
            ? "lease_lost"
            : opts.deadline !== undefined && ctx.now().getTime() >= opts.deadline
              ? "deadline"
              : null,
      },
      todo,
    );
    planned -= loop.skipped; // released claims stay planned: the next run sends them
    const { fatal, ...stats } = loop;
    log("send run ended", { ...stats, error: fatal?.message });
    if (fatal) throw fatal;

    if (loop.stop === "lease_lost") return { status: "busy" };
    if (loop.stop === "deadline") {
      await ctx.store.deliveries.releaseLease(issueNumber, runner, planned);
      await ctx.jobs.enqueue("send", { issueNumber });
      log("send continues in a new job");
      return { status: "continued", delivery: await ctx.store.deliveries.counts(issueNumber) };
    }
    return await finish(ctx, issueNumber, runner);
  } finally {
    clearInterval(quotaTimer);
    lease.stop();
    if (!lease.lost()) {
      await ctx.store.deliveries
        .releaseLease(issueNumber, runner)
        .catch((e) => ctx.log.warn("send lease not released; it expires", { issue: issueNumber, error: e }));
    }
  }
}

/**
 * Claims left "claimed" by another runner: we hold the lease, so that runner is gone (or lost
 * its lease); whether SES took its message is unknown. Reported, never sent again. A runner that
 * is in fact still alive overwrites the mark with what really happened when it settles.
 */
async function reportOrphanedClaims(ctx: Ctx, existing: DeliveryRecord[], runner: string): Promise<void> {
  for (const d of existing) {
    if (d.status !== "claimed" || d.runner === runner) continue;
    const note = `claimed by run ${d.runner} at ${d.claimedAt}, which stopped before recording SES's answer`;
    if (await ctx.store.deliveries.markAmbiguous(d, note)) {
      d.status = "ambiguous";
      d.error = note;
      ctx.log.warn("delivery ambiguous: maybe sent, not sent again", {
        issue: d.issueNumber,
        subscriberId: d.subscriberId,
        email: d.email,
        claimedBy: d.runner,
      });
    }
  }
}

/** Every recipient claimed and settled: items used, the issue sent with its final counts. */
async function finish(ctx: Ctx, issueNumber: number, runner: string): Promise<RunSendResult> {
  const records = await ctx.store.deliveries.list(issueNumber);
  await reportOrphanedClaims(ctx, records, runner);
  const delivery = countDeliveries(records);
  await markItemsUsed(ctx, issueNumber);
  const nowIso = ctx.now().toISOString();
  try {
    await ctx.store.issues.transition(issueNumber, "sending", "sent", {
      sentAt: nowIso,
      updatedAt: nowIso,
      delivery,
    });
  } catch (e) {
    if (!(e instanceof ConflictError)) throw e; // sent meanwhile by a runner that overlapped us
  }
  const ambiguous = records
    .filter((d) => d.status === "ambiguous")
    .map((d) => ({ subscriberId: d.subscriberId, email: d.email, error: d.error }));
  ctx.log.info("issue sent", { issue: issueNumber, ...delivery });
  if (ambiguous.length)
    ctx.log.warn("issue sent with ambiguous deliveries", { issue: issueNumber, ambiguous });
  return { status: "sent", delivery, ambiguous };
}

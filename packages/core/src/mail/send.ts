/**
 * Sending an issue to every active subscriber, exactly once each (DESIGN.md step 8).
 *
 * - `startSend` checks the draft (no rejected or unknown item), moves it draft → sending once (a
 *   conditional update: a second or concurrent call gets 409), freezes its content (snapshot) and
 *   enqueues the send job.
 * - `runSend` is the job. One runner at a time holds the issue's lease (`SENDJOB`: owner and
 *   expiry, renewed before claims while it runs); another runner waits for the lease only as long
 *   as it takes to see whether the holder is alive. The runner reads the issue's deliveries once,
 *   reports the claims of a runner that died between claim and settle as ambiguous (never sends
 *   them again unless the editor asks), and sends to the rest through send-loop.ts.
 * - Every way a run can end leaves the issue where something picks it up: sent; paused with the
 *   reason when SES refuses the account or sender (the editor resumes); a continuation job when
 *   the deadline came, the lease was lost or claims were given back; a thrown error (the job
 *   runner or SQS retries it, then its dead-letter list) with the error kept for the editor, and
 *   the 15-minute resume for whatever stays in "sending".
 * - `resumeSend` and `resendAmbiguous` are the editor's two ways out; `resumeSends` the cron's.
 */

import { randomBytes } from "node:crypto";
import type { Ctx } from "../context.js";
import { ConflictError, ValidationError } from "../errors.js";
import { checkIssueItems, getIssue } from "../issues/drafts.js";
import { markItemsUsed, snapshotIssue } from "../issues/snapshot.js";
import { learnSourceWeights } from "../items/rank.js";
import type { LinkCheckOptions } from "../links/checker.js";
import type { Issue, SendPause } from "../model/index.js";
import { countDeliveries, type DeliveryRecord, type SendCounts } from "../store/deliveries.js";
import type { IssueRecord } from "../store/issues.js";
import { Pacer, sleep as realSleep } from "./pacer.js";
import {
  answerWithin,
  type PauseVerdict,
  type Recipient,
  SES_CALL_TIMEOUT_MS,
  type StopReason,
  sendToAll,
} from "./send-loop.js";
import { sesCommands } from "./ses.js";
import { dailyQuotaReason } from "./ses-errors.js";

/** How long a runner's lease lasts without renewal; it is renewed every third of it. */
export const DEFAULT_LEASE_MS = 30_000;
/** How often the pace is re-read from GetSendQuota during a long send. */
const QUOTA_REFRESH_MS = 60_000;

export interface RunSendOptions {
  /** Epoch ms on ctx.now(): claim nobody new from then on; the rest goes to a continuation job. */
  deadline?: number;
  /** Lease duration (tests shorten it). */
  leaseMs?: number;
  /** How long one SES call may take before its delivery is given up as ambiguous (tests shorten it). */
  sesTimeoutMs?: number;
  /** Waiting for another runner's lease, and backoff between retries (tests pass one that moves their clock instead). */
  sleep?: (ms: number) => Promise<void>;
  /** Test hook: stop claiming after this many claims, as if the deadline had come. */
  stopAfterClaims?: number;
  /** Test hook: called after each claim with this run's claim count. */
  onClaim?: (claimed: number) => void | Promise<void>;
}

export interface AmbiguousDelivery {
  subscriberId: string;
  email: string;
  error: string | null;
}

export type RunSendResult =
  /** Every delivery settled; the issue is sent. */
  | { status: "sent"; delivery: SendCounts; ambiguous: AmbiguousDelivery[] }
  /** Recipients are left for a continuation job, which was enqueued. */
  | { status: "continued"; delivery: SendCounts; reason: StopReason | "released" }
  /** SES refused the account or sender: the issue is paused with the reason. */
  | { status: "paused"; delivery: SendCounts; pause: SendPause }
  /** Another runner holds the issue's lease and is alive. */
  | { status: "busy" }
  /** Nothing to do: the issue is unknown, a draft, paused, or sent with nothing to resend. */
  | { status: "not_sending" };

const hasContent = (rec: Pick<IssueRecord, "sections">): boolean =>
  rec.sections.some((s) => s.itemIds.length > 0 || Boolean(s.body?.trim()));

const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));

export interface StartSendOptions {
  /**
   * Check the issue's links first and refuse (409 `dead_links`) one that is dead or moved
   * off-site, unless `ignoreDeadLinks`. The editor's send (the API) always asks for it; left out,
   * no link is checked (jobs and tests that start sends directly).
   */
  links?: { ignoreDeadLinks: boolean } & Partial<LinkCheckOptions>;
}

/**
 * Starts sending an issue: draft → sending exactly once, the snapshot taken, the job enqueued.
 * 404 unknown; 409 when it is not a draft (a second or concurrent call); 400 when it has nothing
 * to send (`sections`) or holds an item that is rejected or gone (`sections.i.itemIds.j`); 409
 * `dead_links` when asked to check links and one is dead or moved off-site.
 */
export async function startSend(ctx: Ctx, issueNumber: number, opts: StartSendOptions = {}): Promise<Issue> {
  const rec = await ctx.store.issues.mustGet(issueNumber);
  if (rec.status !== "draft") throw new ConflictError(`issue ${issueNumber} is ${rec.status}, not draft`);
  if (!hasContent(rec)) throw new ValidationError("sections", "the issue has no items or text to send");
  await checkIssueItems(ctx, rec.sections);
  // Once, before any recipient: the links are the same for everyone.
  if (opts.links && !opts.links.ignoreDeadLinks) {
    // Loaded here: only the editor's send checks links, never the send job (a chunk of its own).
    const { refuseDeadLinks } = await import("../issues/links/report.js");
    await refuseDeadLinks(ctx, rec, opts.links);
  }
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
  await enqueueRun(ctx, issueNumber);
  ctx.log.info("issue sending", { issue: issueNumber });
  return getIssue(ctx, issueNumber);
}

/**
 * Enqueues a send job. Should that fail, the issue is already where the 15-minute resume finds
 * it ("sending"): the failure is kept for the editor rather than thrown at a caller who can do
 * nothing about a send that has in fact started.
 */
async function enqueueRun(ctx: Ctx, issueNumber: number): Promise<void> {
  try {
    await ctx.jobs.enqueue("send", { issueNumber });
  } catch (e) {
    ctx.log.error("send job not enqueued; the 15-minute resume picks the issue up", {
      issue: issueNumber,
      error: e,
    });
    await ctx.store.deliveries.setRunError(issueNumber, {
      message: `The send job could not be queued (${errorText(e)}). It starts within 15 minutes, or resume it now.`,
      at: ctx.now().toISOString(),
    });
  }
}

/** Issues left in "sending" by a crash, a restart or a failed job: enqueued again; returns their numbers. */
export async function resumeSends(ctx: Ctx): Promise<number[]> {
  const recs = await ctx.store.issues.listByStatus("sending");
  const numbers = recs.map((r) => r.number).sort((a, b) => a - b);
  for (const issueNumber of numbers) await ctx.jobs.enqueue("send", { issueNumber });
  return numbers;
}

/**
 * The editor's "resume": a paused issue goes back to sending (its reason cleared), a stuck one
 * (sending, or sent with deliveries waiting to be resent) gets a new send job. 409 for a draft or
 * an issue with nothing left to send.
 */
export async function resumeSend(ctx: Ctx, issueNumber: number): Promise<Issue> {
  const rec = await ctx.store.issues.mustGet(issueNumber);
  const nowIso = ctx.now().toISOString();
  if (rec.status === "paused") {
    await ctx.store.issues.transition(issueNumber, "paused", "sending", { pause: null, updatedAt: nowIso });
  } else if (rec.status === "sent") {
    const waiting = (await ctx.store.deliveries.list(issueNumber)).some((d) => d.status === "resend");
    if (!waiting) throw new ConflictError(`issue ${issueNumber} is sent: nothing left to send`);
  } else if (rec.status !== "sending") {
    throw new ConflictError(`issue ${issueNumber} is ${rec.status}: start it with send`);
  }
  await ctx.store.deliveries.setRunError(issueNumber, null);
  await enqueueRun(ctx, issueNumber);
  ctx.log.info("send resumed by the editor", { issue: issueNumber, was: rec.status });
  return getIssue(ctx, issueNumber);
}

export interface ResendResult {
  issue: Issue;
  /** The recipients that will be sent the issue again. */
  resending: { subscriberId: string; email: string }[];
  warning: string;
}

/**
 * The editor's "send to the ambiguous recipients": SES may or may not have taken their first
 * message, so they may get a second copy; `confirm` must be true to say that is understood.
 * A paused issue sends them when it is resumed. 409 for a draft or when none is ambiguous.
 */
export async function resendAmbiguous(
  ctx: Ctx,
  issueNumber: number,
  confirm: unknown,
): Promise<ResendResult> {
  if (confirm !== true) {
    throw new ValidationError(
      "confirm",
      "must be true: these recipients may already have the issue and would get a second copy",
    );
  }
  const rec = await ctx.store.issues.mustGet(issueNumber);
  if (rec.status === "draft") throw new ConflictError(`issue ${issueNumber} is a draft: nothing was sent`);
  const nowIso = ctx.now().toISOString();
  const marked = await ctx.store.deliveries.markAmbiguousForResend(issueNumber, nowIso);
  if (marked.length === 0) {
    throw new ConflictError(`issue ${issueNumber} has no ambiguous deliveries`, "nothing_to_resend");
  }
  if (rec.status === "sent") {
    await ctx.store.issues.setDelivery(issueNumber, await ctx.store.deliveries.counts(issueNumber), nowIso);
  }
  if (rec.status !== "paused") await enqueueRun(ctx, issueNumber);
  ctx.log.warn("ambiguous deliveries to be sent again", { issue: issueNumber, count: marked.length });
  const n = marked.length;
  return {
    issue: await getIssue(ctx, issueNumber),
    resending: marked.map((d) => ({ subscriberId: d.subscriberId, email: d.email })),
    warning:
      `${n} recipient${n === 1 ? "" : "s"} will be sent the issue again. SES may have accepted the first ` +
      `message, so ${n === 1 ? "this recipient" : "they"} may get a second copy.` +
      (rec.status === "paused" ? " The issue is paused: they are sent when it is resumed." : ""),
  };
}

/** The account's send rate (GetSendQuota), or SES_MAX_SEND_RATE when SES will not say. */
async function sendQuota(
  ctx: Ctx,
  timeoutMs: number,
): Promise<{ maxSendRate: number; remaining24h: number | null }> {
  try {
    const { GetSendQuotaCommand } = await sesCommands();
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
async function takeLease(
  ctx: Ctx,
  n: number,
  runner: string,
  leaseMs: number,
  wait: (ms: number) => Promise<void>,
  deadline?: number,
) {
  let seen: { owner: string | null; leaseUntil: number } | undefined;
  for (;;) {
    const now = ctx.now().getTime();
    const r = await ctx.store.deliveries.acquireLease(n, runner, now, leaseMs);
    if (r.acquired) return r.leaseUntil;
    if (seen && (r.lease.owner !== seen.owner || r.lease.leaseUntil !== seen.leaseUntil)) return undefined;
    seen = r.lease;
    const ms = Math.min(r.lease.leaseUntil - now + 50, leaseMs / 3);
    if (deadline !== undefined && now + ms >= deadline) return undefined;
    await wait(ms);
  }
}

/**
 * Keeps the lease while the run goes on: renewed before a claim once a third of it has passed,
 * and by a timer while no claim is made. A renewal is conditional on the owner only, so a run
 * that stalled past its lease (nobody took it meanwhile) carries on instead of giving up.
 */
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
  let renewing: Promise<void> | undefined;
  const due = () => ctx.now().getTime() >= validUntil - (2 * leaseMs) / 3;
  const renew = () => {
    renewing ??= (async () => {
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
        renewing = undefined;
      }
    })();
    return renewing;
  };
  const timer = setInterval(() => {
    if (!lost && due()) void renew();
  }, leaseMs / 3);
  return {
    /** Before a claim: true while the lease is ours (renewed first when due). */
    async held(): Promise<boolean> {
      if (!lost && due()) await renew();
      return !lost && ctx.now().getTime() < validUntil;
    },
    lost: () => lost,
    stop: () => clearInterval(timer),
  };
}

const newRunnerId = () => randomBytes(8).toString("hex");

/**
 * Sends an issue in "sending" to every active subscriber not yet claimed, or, for a sent issue,
 * to the deliveries the editor asked to resend. Safe to call again, concurrently, or after a
 * crash: see the module comment.
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
  const sendable = (rec: IssueRecord | undefined) => rec?.status === "sending" || rec?.status === "sent";

  const before = await ctx.store.issues.get(issueNumber);
  if (!sendable(before)) {
    log("send job: nothing to do", { status: before?.status ?? "unknown" });
    return { status: "not_sending" };
  }
  const leaseUntil = await takeLease(
    ctx,
    issueNumber,
    runner,
    leaseMs,
    opts.sleep ?? realSleep,
    opts.deadline,
  );
  if (leaseUntil === undefined) {
    log("send job: another runner is sending this issue");
    return { status: "busy" };
  }

  let planned = 0;
  const lease = keepLease(ctx, issueNumber, runner, leaseMs, leaseUntil, () => planned);
  let quotaTimer: NodeJS.Timeout | undefined;
  try {
    // The holder before us may have finished, or the editor paused, while we waited.
    const rec = await ctx.store.issues.get(issueNumber);
    if (!rec || !sendable(rec)) return { status: "not_sending" };
    const resendOnly = rec.status === "sent";

    if (!resendOnly) await snapshotIssue(ctx, issueNumber); // normally taken by startSend; the first one stays
    const existing = await ctx.store.deliveries.list(issueNumber);
    await reportOrphanedClaims(ctx, existing, runner);
    const todo: Recipient[] = existing
      .filter((d) => d.status === "resend")
      .map((d) => ({ id: d.subscriberId, email: d.email, resentAt: d.resentAt ?? ctx.now().toISOString() }));
    if (resendOnly && todo.length === 0) return { status: "not_sending" };
    if (!resendOnly) {
      const claimed = new Set(existing.map((d) => d.subscriberId));
      for await (const page of ctx.store.subscribers.pages("active")) {
        for (const s of page) if (!claimed.has(s.id)) todo.push({ id: s.id, email: s.email });
      }
    }
    planned = existing.length + todo.filter((r) => !r.resentAt).length;
    await ctx.store.deliveries.renewLease(issueNumber, runner, ctx.now().getTime() + leaseMs, planned);
    // The renderer (markdown, sanitising, layout) runs once per run, for all its recipients: it is
    // loaded here, after the runs that send nothing (not sending, busy, nothing to resend) have
    // returned; in the Lambda bundle it is a chunk of its own.
    const { renderIssueMail } = await import("../issues/content.js");
    const mail = await renderIssueMail(ctx, issueNumber);

    const sesTimeoutMs = opts.sesTimeoutMs ?? SES_CALL_TIMEOUT_MS;
    const quota = await sendQuota(ctx, sesTimeoutMs);
    if (quota.remaining24h === 0 && todo.length > 0) {
      return await pause(ctx, issueNumber, resendOnly, {
        code: "daily_quota",
        reason: dailyQuotaReason(`0 of its messages left, ${todo.length} recipients to go`),
      });
    }
    if (quota.remaining24h !== null && quota.remaining24h < todo.length) {
      ctx.log.warn("SES 24-hour quota is below the recipients left: the send pauses when it runs out", {
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
      resendOnly,
      rate: quota.maxSendRate,
    });

    let claims = 0;
    const pastDeadline = () =>
      (opts.deadline !== undefined && ctx.now().getTime() >= opts.deadline) ||
      (opts.stopAfterClaims !== undefined && claims >= opts.stopAfterClaims);
    const loop = await sendToAll(
      {
        ctx,
        issueNumber,
        runner,
        mail,
        pacer,
        sesTimeoutMs,
        sleep: opts.sleep,
        acceptedBefore: existing.some((d) => d.status === "sent"),
        shouldStop: async () => (!(await lease.held()) ? "lease_lost" : pastDeadline() ? "deadline" : null),
        pastDeadline,
        onClaim: async (n) => {
          claims = n;
          await opts.onClaim?.(n);
        },
      },
      todo,
    );
    planned -= loop.skipped; // released claims stay planned: the next run sends them
    const { fatal, pause: verdict, ...stats } = loop;
    log("send run ended", { ...stats, error: fatal?.message, paused: verdict?.code });

    if (verdict) return await pause(ctx, issueNumber, resendOnly, verdict);
    if (fatal) throw fatal;
    await ctx.store.deliveries.setRunError(issueNumber, null);
    if (loop.stop || loop.released > 0) {
      await ctx.store.deliveries.releaseLease(issueNumber, runner, planned);
      await enqueueRun(ctx, issueNumber);
      const reason = loop.stop ?? "released";
      log("send continues in a new job", { reason });
      return { status: "continued", reason, delivery: await ctx.store.deliveries.counts(issueNumber) };
    }
    return await finish(ctx, issueNumber, runner, resendOnly);
  } catch (e) {
    // Kept for the editor while the job is retried (and the 15-minute resume finds it).
    await ctx.store.deliveries
      .setRunError(issueNumber, {
        message: `The last send run failed: ${errorText(e)}`,
        at: ctx.now().toISOString(),
      })
      .catch(() => {});
    throw e;
  } finally {
    clearInterval(quotaTimer);
    lease.stop();
    if (!lease.lost()) {
      await ctx.store.deliveries
        .releaseLease(issueNumber, runner, planned || undefined)
        .catch((e) => ctx.log.warn("send lease not released; it expires", { issue: issueNumber, error: e }));
    }
  }
}

/**
 * SES refused the account or sender: the issue is paused with the reason, every claim of the run
 * was given back, no recipient is marked. A resend of a sent issue keeps "sent" and keeps the
 * reason as the run's error (its deliveries wait as "resend" for a resume).
 */
async function pause(
  ctx: Ctx,
  issueNumber: number,
  resendOnly: boolean,
  verdict: PauseVerdict,
): Promise<RunSendResult> {
  const nowIso = ctx.now().toISOString();
  const pauseState: SendPause = { ...verdict, at: nowIso };
  if (resendOnly) {
    await ctx.store.deliveries.setRunError(issueNumber, { message: verdict.reason, at: nowIso });
  } else {
    try {
      await ctx.store.issues.transition(issueNumber, "sending", "paused", {
        pause: pauseState,
        updatedAt: nowIso,
      });
    } catch (e) {
      if (!(e instanceof ConflictError)) throw e; // paused or finished meanwhile by an overlapping runner
    }
  }
  ctx.log.error("send paused: SES refused the account or sender", { issue: issueNumber, ...verdict });
  return { status: "paused", pause: pauseState, delivery: await ctx.store.deliveries.counts(issueNumber) };
}

/**
 * Claims left "claimed" by another runner: we hold the lease, so that runner is gone (or lost
 * its lease); whether SES took its message is unknown. Reported, never sent again unless the
 * editor asks. A runner that is in fact still alive overwrites the mark with what really
 * happened when it settles.
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
async function finish(
  ctx: Ctx,
  issueNumber: number,
  runner: string,
  resendOnly: boolean,
): Promise<RunSendResult> {
  const records = await ctx.store.deliveries.list(issueNumber);
  await reportOrphanedClaims(ctx, records, runner);
  const delivery = countDeliveries(records);
  const nowIso = ctx.now().toISOString();
  if (resendOnly) {
    await ctx.store.issues.setDelivery(issueNumber, delivery, nowIso);
  } else {
    await markItemsUsed(ctx, issueNumber);
    try {
      await ctx.store.issues.transition(issueNumber, "sending", "sent", {
        sentAt: nowIso,
        updatedAt: nowIso,
        delivery,
      });
    } catch (e) {
      if (!(e instanceof ConflictError)) throw e; // sent meanwhile by a runner that overlapped us
    }
    // The ranking learns from what the editor picked. The issue is sent whatever happens here;
    // the next send learns again from the whole history.
    try {
      const learned = await learnSourceWeights(ctx, nowIso);
      ctx.log.info("source weights learned", { issue: issueNumber, ...learned });
    } catch (e) {
      ctx.log.warn("could not learn source weights after a send", { issue: issueNumber, error: e });
    }
  }
  const ambiguous = records
    .filter((d) => d.status === "ambiguous")
    .map((d) => ({ subscriberId: d.subscriberId, email: d.email, error: d.error }));
  ctx.log.info(resendOnly ? "resend done" : "issue sent", { issue: issueNumber, ...delivery });
  if (ambiguous.length)
    ctx.log.warn("issue sent with ambiguous deliveries", { issue: issueNumber, ambiguous });
  return { status: "sent", delivery, ambiguous };
}

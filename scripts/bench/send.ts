/**
 * Send pacing (DESIGN.md: "Sending paces at the SES rate and keeps it"): `runSend` to R active
 * subscribers through the local SES endpoint, which enforces its configured rate (the limit) with
 * SES's own Throttling answer. Every figure comes from the endpoint's side: when it accepted each
 * SendRawEmail (what its rate counts), and what its outbox holds per recipient.
 *
 * - Windows: accepted messages in every one-second window [s, s + 1 s), s stepping by 1 ms,
 *   divided by the limit; the goal is 0.90–1.00 in each. Only windows wholly inside the steady
 *   part count: from the first accepted message to the last (before it the run takes its lease,
 *   asks GetSendQuota and reads statuses; after it, it settles and marks the issue sent: a window
 *   reaching past either end counts time the run was not sending), less RAMP_MS at each end:
 *   the ramp-up (the pipeline filling, the first claims, code running for the first time) and
 *   the tail (the queue draining). A run too short for that (the quick sizes: 100 messages, about
 *   a second) keeps its middle one-second window.
 * - Achieved rate: messages accepted in the steady part per second of it.
 * - Throttling: answers the endpoint gave; "steady" ones are those inside the steady part.
 * - Duplicates and missing, per recipient, from the outbox: extra copies, and recipients with none.
 *
 * Beside it, a naive sender (per recipient, in sequence: GetItem, conditional PutItem claim,
 * SendRawEmail, UpdateItem) at the higher rate, and our sender at that rate too. The naive one is
 * bound by its round trips (30 + 3 × 5 ms a recipient, about 20/s), far under either rate, so it
 * runs once, on at most NAIVE_RECIPIENTS (2,000 would take 100 s to say the same), and its ratio
 * to each rate is read off that one run.
 *
 * Loopback servers answer at once, which would hide what the pipeline is for: every SES call and
 * every DynamoDB request of both senders waits a simulated network latency first
 * (`SES_LATENCY_MS`, and `ddbLatencyMs`), in the range of a Lambda talking to its region.
 */
import { UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { Ctx } from "@wkn/core/context";
import { renderIssueMail } from "@wkn/core/issues/content";
import { composeDelivery } from "@wkn/core/mail/copies";
import { Pacer } from "@wkn/core/mail/pacer";
import { runSend, startSend } from "@wkn/core/mail/send";
import { sendRaw } from "@wkn/core/mail/ses";
import { classifySesError } from "@wkn/core/mail/ses-errors";
import type { Subscriber } from "@wkn/core/model";
import { keys } from "@wkn/core/store/keys";
import { rawDbOf } from "@wkn/core/store/raw";
import type { TestEnv } from "@wkn/testing";
import { addActive, MAIL_ENV, mailCtx, perDestination, readyDraft } from "@wkn/testing/mail";
import { benchCopies } from "./copies.js";
import { countDynamo } from "./dynamo-counter.js";
import type { DynamoProcess } from "./dynamo-process.js";
import {
  addLatency,
  type BenchReport,
  budget,
  cpuNow,
  longestStall,
  ratio,
  recordStalls,
  round,
  table,
} from "./frame.js";
import { startSesProcess } from "./ses-process.js";

export const SES_LATENCY_MS = 30;
/** The naive sender's recipients at most (full run): enough for a steady rate, in about 10 s. */
export const NAIVE_RECIPIENTS = 200;
const NAIVE_RECIPIENTS_QUICK = 50;
const WINDOW_MS = 1000;
const WINDOW_STEP_MS = 1;
/** Left out at each end of the sending span: the ramp-up and the tail. */
const RAMP_MS = 1000;
/** The window goal: every steady one-second window between these fractions of the limit. */
export const WINDOW_GOAL = { min: 0.9, max: 1 };

export interface SendBenchOptions {
  /** The database's process, asked for its stalls (the third process a pause at SES can come from). */
  database: Pick<DynamoProcess, "stalls">;
  /** Simulated network before each DynamoDB request, on both sides (frame.ts `addLatency`). */
  ddbLatencyMs: number;
  /** Smoke sizes: the naive sender gets fewer recipients. */
  quick?: boolean;
  recipients: number;
  /** The limit of the pacing run: the local SES endpoint's rate (messages/s). */
  rate: number;
  /** The higher rate of the comparison with the naive sender. */
  highRate: number;
}

type Sender = "ours" | "naive";

export interface WindowStats {
  /** Windows counted (one per step wholly inside the steady part). */
  windows: number;
  /** Accepted messages in the busiest and the emptiest of them. */
  max: number;
  min: number;
}

/**
 * Messages in every window [s, s + windowMs) with s from `from` in steps of `stepMs` while the
 * window ends by `to`; null when the span is shorter than one window. `times` sorted ascending.
 */
export function windowCounts(
  times: readonly number[],
  from: number,
  to: number,
  windowMs = WINDOW_MS,
  stepMs = WINDOW_STEP_MS,
): WindowStats | null {
  if (to - from < windowMs) return null;
  // Two pointers over the sorted times: [lo, hi) are the messages inside the window.
  let lo = 0;
  let hi = 0;
  let max = 0;
  let min = Number.POSITIVE_INFINITY;
  let windows = 0;
  for (let s = from; s + windowMs <= to; s += stepMs) {
    while (lo < times.length && times[lo]! < s) lo++;
    while (hi < times.length && times[hi]! < s + windowMs) hi++;
    const n = hi - lo;
    max = Math.max(max, n);
    min = Math.min(min, n);
    windows++;
  }
  return { windows, max, min };
}

/** The longest gap between consecutive `times` (sorted ascending); 0 for fewer than two. */
export function longestGap(times: readonly number[]): number {
  let longest = 0;
  for (let i = 1; i < times.length; i++) longest = Math.max(longest, times[i]! - times[i - 1]!);
  return longest;
}

interface SendRun {
  sender: Sender;
  rate: number;
  recipients: number;
  /** Messages per second accepted in the steady part. */
  achieved: number;
  windows: WindowStats | null;
  /** Throttling answers: all of them, and those inside the steady part. */
  throttled: number;
  throttledSteady: number;
  /** Extra copies (a recipient's second message and on), and recipients with no message. */
  duplicates: number;
  missing: number;
  /** What the store says of the missing recipients: their deliveries' statuses and errors, counted. */
  missingWhy: string;
  /** Messages to an address that was not a recipient of the run. */
  strays: number;
  /**
   * What a low window is made of: the longest stretch of the steady part in which the endpoint
   * accepted nothing (ms), and the longest event-loop stall in that part of each process it
   * passes through: the sender, the endpoint, the database (ms). A pause at SES that none of
   * their stalls explains is the machine's: CPU shared with other work.
   */
  longestPauseMs: number;
  senderStallMs: number;
  sesStallMs: number;
  dbStallMs: number;
  ddbRequests: number;
  /**
   * CPU of the sender's process during the run (every thread, the kernel's share included: on
   * loopback that is also the receiving side's TCP work) per recipient, ms: what a Lambda's vCPU
   * share has to cover at the rate.
   */
  cpuMsPerRecipient: number;
  seconds: number;
}

/** The naive sender: everything for one recipient, then the next; paced at the rate. */
async function naiveSend(ctx: Ctx, issueNumber: number, recipients: Subscriber[], rate: number) {
  const mail = await renderIssueMail(ctx, issueNumber);
  const pacer = new Pacer({ maxRate: rate });
  const { doc, table: tableName } = rawDbOf(ctx.store);
  for (const r of recipients) {
    const sub = await ctx.store.subscribers.get(r.id);
    if (sub?.status !== "active") continue;
    const record = {
      issueNumber,
      subscriberId: r.id,
      email: r.email,
      status: "claimed" as const,
      claimedAt: ctx.now().toISOString(),
      sentAt: null,
      messageId: null,
      error: null,
      runner: "naive",
    };
    if (!(await ctx.store.deliveries.claim(record))) continue;
    const raw = await composeDelivery(ctx, mail, issueNumber, r);
    let messageId: string;
    for (;;) {
      try {
        messageId = await pacer.paced(() => sendRaw(ctx, raw, [r.email]));
        break;
      } catch (e) {
        const verdict = classifySesError(e, ctx.config.fromEmail);
        if (verdict.kind !== "transient" || !verdict.throttled) throw e;
        pacer.onThrottle();
      }
    }
    await doc.send(
      new UpdateCommand({
        TableName: tableName,
        Key: keys.delivery(issueNumber, r.id),
        UpdateExpression: "SET #st = :sent, messageId = :id, sentAt = :at",
        ExpressionAttributeNames: { "#st": "status" },
        ExpressionAttributeValues: { ":sent": "sent", ":id": messageId, ":at": ctx.now().toISOString() },
      }),
    );
  }
}

/**
 * What the store says of the recipients `ids` (those SES has no message for), grouped by status
 * and error: "1 ambiguous, Error: read ECONNRESET".
 */
async function deliveriesOf(ctx: Ctx, issueNumber: number, ids: readonly string[]): Promise<string> {
  const records = new Map((await ctx.store.deliveries.list(issueNumber)).map((d) => [d.subscriberId, d]));
  const groups = new Map<string, number>();
  for (const id of ids) {
    const d = records.get(id);
    const what = d
      ? [d.status, d.messageId && `message ${d.messageId}`, d.error].filter(Boolean).join(", ")
      : "no delivery record";
    groups.set(what, (groups.get(what) ?? 0) + 1);
  }
  return [...groups].map(([what, n]) => `${n} ${what}`).join("; ");
}

/** When the endpoint answered Throttling, on its clock (Date.now), seen at the client. */
function throttleTimes(ctx: Ctx): number[] {
  const times: number[] = [];
  ctx.ses.middlewareStack.add(
    (next) => async (args) => {
      try {
        return await next(args);
      } catch (e) {
        if ((e as Error).name === "Throttling") times.push(Date.now());
        throw e;
      }
    },
    { step: "initialize", name: "benchThrottleTimes" },
  );
  return times;
}

async function sendRun(
  env: TestEnv,
  sender: Sender,
  rate: number,
  recipients: number,
  opts: SendBenchOptions,
): Promise<SendRun> {
  const { ddbLatencyMs, database } = opts;
  // The endpoint runs in a process of its own, as SES's work is not the sender's (ses-process.ts).
  const h = await startSesProcess(rate);
  try {
    const ctx = await mailCtx(env, h);
    const issueNumber = await readyDraft(ctx);
    const subs = await addActive(ctx, recipients);
    await startSend(ctx, issueNumber);
    // The setup above runs without latency: only the send itself is measured.
    addLatency(ctx.ses, SES_LATENCY_MS);
    addLatency(rawDbOf(ctx.store).doc, ddbLatencyMs);
    const throttles = throttleTimes(ctx);
    const counter = countDynamo(rawDbOf(ctx.store).doc);
    const loop = recordStalls();
    const started = performance.now();
    const cpuBefore = cpuNow();
    if (sender === "ours") {
      const r = await runSend(ctx, issueNumber);
      if (r.status !== "sent") throw new Error(`send: runSend ended "${r.status}"`);
    } else {
      await naiveSend(ctx, issueNumber, subs, rate);
    }
    const seconds = (performance.now() - started) / 1000;
    const cpuMs = cpuNow() - cpuBefore;
    loop.stop();
    const c = counter.counts();

    const report = await h.report();
    const dbStalls = await database.stalls();
    const accepted = report.messages
      .filter((m) => m.action === "SendRawEmail")
      .map((m) => m.acceptedAt)
      .sort((a, b) => a - b);
    const first = accepted[0] ?? 0;
    const last = accepted.at(-1) ?? 0;
    const ramp = Math.max(0, Math.min(RAMP_MS, (last - first - WINDOW_MS) / 2));
    const [from, to] = [first + ramp, last - ramp];
    const steadyTimes = accepted.filter((t) => t >= from && t < to);
    const steady = steadyTimes.length;

    const got = perDestination({ messages: () => report.messages });
    const addresses = new Set(subs.map((s) => s.email));
    let duplicates = 0;
    const lost: string[] = [];
    for (const s of subs) {
      const n = got.get(s.email) ?? 0;
      if (n === 0) lost.push(s.id);
      else duplicates += n - 1;
    }
    const missing = lost.length;
    let strays = 0;
    for (const [address, n] of got) if (!addresses.has(address)) strays += n;

    return {
      sender,
      rate,
      recipients,
      achieved: to > from ? round(steady / ((to - from) / 1000), 1) : 0,
      windows: windowCounts(accepted, from, to),
      throttled: report.throttled,
      throttledSteady: throttles.filter((t) => t >= from && t <= to).length,
      duplicates,
      missing,
      missingWhy: missing > 0 ? await deliveriesOf(ctx, issueNumber, lost) : "",
      strays,
      longestPauseMs: round(longestGap(steadyTimes), 0),
      senderStallMs: round(longestStall(loop.stalls, from, to), 0),
      sesStallMs: round(longestStall(report.stalls, from, to), 0),
      dbStallMs: round(longestStall(dbStalls, from, to), 0),
      ddbRequests: c.reads + c.writes,
      cpuMsPerRecipient: round(cpuMs / recipients, 2),
      seconds: round(seconds, 1),
    };
  } finally {
    await h.close();
  }
}

export interface SendSummary {
  [k: string]: number | null;
  /** The limit of the pacing run (messages/s), also as `limitPerSec`. */
  rate: number;
  limitPerSec: number;
  recipients: number;
  /** Our sender at the limit: messages/s in the steady part, and that / the limit. */
  achieved: number;
  ratio: number | null;
  achievedRatio: number | null;
  /** The busiest and the emptiest steady one-second window / the limit (null: under a second of sending). */
  maxWindowRatio: number | null;
  minWindowRatio: number | null;
  windows: number;
  /** Throttling answers to our sender at the limit: in the whole run, and in its steady part. */
  throttled: number;
  throttledSteady: number;
  /** Over every run (ours at both rates, the naive one): extra copies, recipients without one. */
  duplicates: number;
  missing: number;
  /** The naive sender's achieved rate / the limit, and / the higher rate (one run, see above). */
  naiveRatio: number | null;
  naiveRecipients: number;
  highRate: number;
  highRatio: number | null;
  highMaxWindowRatio: number | null;
  naiveHighRatio: number | null;
  /** Our achieved rate / the naive sender's, at the higher rate. */
  pipelineGain: number | null;
  requestsPerRecipientOurs: number;
  requestsPerRecipientNaive: number;
  /** A copy of a real issue (shared/reference): MailComposer's CPU per copy / the template's (copies.ts). */
  copiesSpeedup: number | null;
  copyBytes: number;
  /** Our run at the limit: its longest pause at SES and the longest stalls, ms (SendRun). */
  longestPauseMs: number;
  senderStallMs: number;
  sesStallMs: number;
  dbStallMs: number;
  /** Our run at the limit: the sender's CPU per recipient (ms), and the cores that makes at the limit. */
  senderCpuMsPerRecipient: number;
  senderCoresAtLimit: number;
  /** Wall time of our run at the limit. */
  seconds: number;
}

export async function benchSend(env: TestEnv, opts: SendBenchOptions): Promise<BenchReport<SendSummary>> {
  const naiveRecipients = Math.min(opts.recipients, opts.quick ? NAIVE_RECIPIENTS_QUICK : NAIVE_RECIPIENTS);
  const ours = await sendRun(env, "ours", opts.rate, opts.recipients, opts);
  const oursHigh = await sendRun(env, "ours", opts.highRate, opts.recipients, opts);
  const naive = await sendRun(env, "naive", opts.highRate, naiveRecipients, opts);
  const runs = [ours, oursHigh, naive];
  // After the paced runs, so its garbage is not theirs.
  const copies = await benchCopies(await env.ctx({ env: MAIL_ENV }), opts.quick ?? false);
  const windowRatio = (r: SendRun, w: "max" | "min") => (r.windows ? ratio(r.windows[w], r.rate) : null);

  const summary: SendSummary = {
    rate: opts.rate,
    limitPerSec: opts.rate,
    recipients: opts.recipients,
    achieved: ours.achieved,
    ratio: ratio(ours.achieved, opts.rate),
    achievedRatio: ratio(ours.achieved, opts.rate),
    maxWindowRatio: windowRatio(ours, "max"),
    minWindowRatio: windowRatio(ours, "min"),
    windows: ours.windows?.windows ?? 0,
    throttled: ours.throttled,
    throttledSteady: ours.throttledSteady,
    duplicates: runs.reduce((n, r) => n + r.duplicates, 0),
    missing: runs.reduce((n, r) => n + r.missing, 0),
    naiveRatio: ratio(naive.achieved, opts.rate),
    naiveRecipients,
    highRate: opts.highRate,
    highRatio: ratio(oursHigh.achieved, opts.highRate),
    highMaxWindowRatio: windowRatio(oursHigh, "max"),
    naiveHighRatio: ratio(naive.achieved, opts.highRate),
    pipelineGain: ratio(oursHigh.achieved, naive.achieved),
    requestsPerRecipientOurs: round(oursHigh.ddbRequests / opts.recipients, 2),
    requestsPerRecipientNaive: round(naive.ddbRequests / naiveRecipients, 2),
    copiesSpeedup: copies.speedup,
    copyBytes: copies.bytes,
    longestPauseMs: ours.longestPauseMs,
    senderStallMs: ours.senderStallMs,
    sesStallMs: ours.sesStallMs,
    dbStallMs: ours.dbStallMs,
    senderCpuMsPerRecipient: ours.cpuMsPerRecipient,
    senderCoresAtLimit: round((ours.cpuMsPerRecipient * opts.rate) / 1000, 2),
    seconds: ours.seconds,
  };
  const lines = [
    `send pacing: local SES endpoint limiting to the rate; latency ${SES_LATENCY_MS} ms per SES call, ${opts.ddbLatencyMs} ms per DynamoDB request; ` +
      `windows: accepted per 1 s window inside the steady part (first to last accepted message less ${RAMP_MS} ms each end), / rate; ` +
      `pause: the longest gap between two accepted messages in it; stall: the longest event-loop stall in it of the sender's, the endpoint's and the database's process`,
    ...table(
      [
        "sender",
        "rate/s",
        "recipients",
        "achieved/s",
        "achieved/rate",
        "max window",
        "min window",
        "throttled",
        "duplicates",
        "missing",
        "DDB req/recipient",
        "pause ms",
        "stall ms sender/SES/DB",
        "CPU ms/recipient",
        "s",
      ],
      runs.map((r) => [
        r.sender,
        r.rate,
        r.recipients,
        r.achieved,
        ratio(r.achieved, r.rate),
        windowRatio(r, "max"),
        windowRatio(r, "min"),
        r.throttled,
        r.duplicates,
        r.missing,
        round(r.ddbRequests / r.recipients, 2),
        r.longestPauseMs,
        `${r.senderStallMs}/${r.sesStallMs}/${r.dbStallMs}`,
        r.cpuMsPerRecipient,
        r.seconds,
      ]),
    ),
    `send ratio achieved/limit: ${summary.achievedRatio} at ${opts.rate}/s, one-second windows ` +
      `${summary.minWindowRatio}–${summary.maxWindowRatio} (${summary.windows} windows), ` +
      `${summary.throttledSteady} Throttling at steady state (${summary.throttled} in all); ` +
      `at ${opts.highRate}/s ours ${summary.highRatio}, naive ${summary.naiveHighRatio}: pipeline x${summary.pipelineGain}`,
    `send CPU: ours ${summary.senderCpuMsPerRecipient} ms per recipient at ${opts.rate}/s (the sender's process, every thread, loopback's kernel work included): ${summary.senderCoresAtLimit} of a core at the limit`,
    `send copies of a real issue (${Math.round(copies.bytes / 1024)} KiB): made from the issue's template, x${copies.speedup} less CPU per copy than composing each with MailComposer`,
  ];
  const detail = (f: (r: SendRun) => number) =>
    runs
      .filter((r) => f(r) > 0)
      .map((r) => `${r.sender} @${r.rate}/s: ${f(r)}`)
      .join("; ");
  const short = runs.filter((r) => r.duplicates + r.missing + r.strays > 0);
  const w = ours.windows;
  return {
    summary,
    lines,
    budgets: [
      budget(
        "send: every recipient got exactly one message",
        short.length === 0,
        short
          .map(
            (r) =>
              `${r.sender} @${r.rate}/s: ${r.duplicates} duplicates, ${r.missing} missing${r.missingWhy ? ` (their deliveries: ${r.missingWhy})` : ""}, ${r.strays} to others`,
          )
          .join("; "),
      ),
      budget(
        "send: 0 duplicates",
        summary.duplicates === 0,
        detail((r) => r.duplicates),
      ),
      budget(
        "send: 0 missing",
        summary.missing === 0,
        detail((r) => r.missing),
      ),
      budget(
        `send: every steady one-second window between ${WINDOW_GOAL.min} and ${WINDOW_GOAL.max} of the limit`,
        w !== null && w.min >= WINDOW_GOAL.min * opts.rate && w.max <= WINDOW_GOAL.max * opts.rate,
        w
          ? `windows ${w.min}–${w.max} messages at a limit of ${opts.rate}/s (${summary.minWindowRatio}–${summary.maxWindowRatio}); ` +
              `longest pause at SES ${ours.longestPauseMs} ms, event-loop stalls: sender ${ours.senderStallMs} ms, SES ${ours.sesStallMs} ms, database ${ours.dbStallMs} ms`
          : "under one second of sending: no window to judge",
        "ratio",
      ),
      budget(
        "send: 0 Throttling at steady state",
        ours.throttledSteady === 0,
        `${ours.throttledSteady} Throttling answers in the steady part`,
        "ratio",
      ),
    ],
  };
}

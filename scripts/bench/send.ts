/**
 * Send pacing (DESIGN.md: "Sending paces at the SES rate and keeps it"): `runSend` to R active
 * subscribers through the local SES endpoint, which enforces its configured rate with SES's own
 * Throttling answer. The achieved rate is the steady one, measured at the client over the middle
 * 80% of the accepted messages (the first ones leave in a burst while the pipeline fills), and
 * compared with the configured one. Beside it, a naive sender (per recipient, in sequence:
 * GetItem, conditional PutItem claim, SendRawEmail, UpdateItem), at the same rate and at a higher
 * one.
 *
 * Loopback servers answer at once, which would hide what the pipeline is for: every SES call
 * and every DynamoDB request of both senders waits a simulated network latency first
 * (`SES_LATENCY_MS`, `DYNAMO_LATENCY_MS`, in the range of a Lambda talking to its region).
 */
import { UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { Ctx } from "@wkn/core/context";
import { renderIssueMail } from "@wkn/core/issues/content";
import { Pacer } from "@wkn/core/mail/pacer";
import { runSend, startSend } from "@wkn/core/mail/send";
import { composeDelivery } from "@wkn/core/mail/send-loop";
import { sendRaw } from "@wkn/core/mail/ses";
import { classifySesError } from "@wkn/core/mail/ses-errors";
import type { Subscriber } from "@wkn/core/model";
import { keys } from "@wkn/core/store/keys";
import { rawDbOf } from "@wkn/core/store/raw";
import type { TestEnv } from "@wkn/testing";
import { addActive, mailCtx, perDestination, readyDraft, startSes } from "@wkn/testing/mail";
import { countDynamo } from "./dynamo-counter.js";
import { addLatency, type BenchReport, budget, ratio, round, table } from "./frame.js";

export const SES_LATENCY_MS = 30;
export const DYNAMO_LATENCY_MS = 5;

export interface SendBenchOptions {
  /** Simulated network before each DynamoDB request, on both sides (frame.ts `benchCtx`). */
  ddbLatencyMs: number;
  /** Smoke sizes: fewer passes where a benchmark repeats. */
  quick?: boolean;
  recipients: number;
  /** The configured SES rate of the pacing run (messages/s). */
  rate: number;
  /** The higher rate of the comparison with the naive sender. */
  highRate: number;
}

type Sender = "ours" | "naive";

interface SendRun {
  sender: Sender;
  rate: number;
  recipients: number;
  /** Messages per second over the middle 80% of the accepted messages. */
  achieved: number;
  throttled: number;
  /** Recipients that received exactly one message. */
  deliveredOnce: number;
  ddbRequests: number;
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
      await pacer.slot();
      try {
        messageId = await sendRaw(ctx, raw, [r.email]);
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

/** Times of the accepted SendRawEmail calls, taken at the client (the SDK's middleware stack). */
function acceptedTimes(ctx: Ctx): number[] {
  const times: number[] = [];
  ctx.ses.middlewareStack.add(
    (next, context) => async (args) => {
      const out = await next(args);
      if (context.commandName === "SendRawEmailCommand") times.push(performance.now());
      return out;
    },
    { step: "initialize", name: "benchAcceptedTimes" },
  );
  return times;
}

/** Messages per second between the 10th and the 90th percentile of the acceptance times. */
export function steadyRate(times: number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  const first = Math.floor(sorted.length * 0.1);
  const last = Math.ceil(sorted.length * 0.9) - 1;
  const span = (sorted[last]! - sorted[first]!) / 1000;
  return last > first && span > 0 ? round((last - first) / span, 1) : 0;
}

async function sendRun(env: TestEnv, sender: Sender, rate: number, recipients: number): Promise<SendRun> {
  const h = await startSes(rate);
  try {
    const ctx = await mailCtx(env, h.ses);
    const issueNumber = await readyDraft(ctx);
    const subs = await addActive(ctx, recipients);
    await startSend(ctx, issueNumber);
    addLatency(ctx.ses, SES_LATENCY_MS);
    addLatency(rawDbOf(ctx.store).doc, DYNAMO_LATENCY_MS);
    const times = acceptedTimes(ctx);
    const counter = countDynamo(rawDbOf(ctx.store).doc);
    if (sender === "ours") {
      const r = await runSend(ctx, issueNumber);
      if (r.status !== "sent") throw new Error(`send: runSend ended "${r.status}"`);
    } else {
      await naiveSend(ctx, issueNumber, subs, rate);
    }
    const c = counter.counts();
    const got = perDestination(h.ses);
    return {
      sender,
      rate,
      recipients,
      achieved: steadyRate(times),
      throttled: h.ses.stats().throttled,
      deliveredOnce: subs.filter((s) => got.get(s.email) === 1).length,
      ddbRequests: c.reads + c.writes,
    };
  } finally {
    await h.close();
  }
}

export interface SendSummary {
  [k: string]: number | null;
  rate: number;
  recipients: number;
  achieved: number;
  /** Achieved / configured rate of our sender. */
  ratio: number | null;
  throttled: number;
  naiveRatio: number | null;
  highRate: number;
  highRatio: number | null;
  naiveHighRatio: number | null;
  /** Our achieved rate / the naive sender's, at the higher rate. */
  pipelineGain: number | null;
  requestsPerRecipientOurs: number;
  requestsPerRecipientNaive: number;
}

export async function benchSend(env: TestEnv, opts: SendBenchOptions): Promise<BenchReport<SendSummary>> {
  const ours = await sendRun(env, "ours", opts.rate, opts.recipients);
  const naive = await sendRun(env, "naive", opts.rate, opts.recipients);
  const oursHigh = await sendRun(env, "ours", opts.highRate, opts.recipients);
  const naiveHigh = await sendRun(env, "naive", opts.highRate, opts.recipients);
  const runs = [ours, naive, oursHigh, naiveHigh];

  const summary: SendSummary = {
    rate: opts.rate,
    recipients: opts.recipients,
    achieved: ours.achieved,
    ratio: ratio(ours.achieved, opts.rate),
    throttled: ours.throttled,
    naiveRatio: ratio(naive.achieved, opts.rate),
    highRate: opts.highRate,
    highRatio: ratio(oursHigh.achieved, opts.highRate),
    naiveHighRatio: ratio(naiveHigh.achieved, opts.highRate),
    pipelineGain: ratio(oursHigh.achieved, naiveHigh.achieved),
    requestsPerRecipientOurs: round(oursHigh.ddbRequests / opts.recipients, 2),
    requestsPerRecipientNaive: round(naiveHigh.ddbRequests / opts.recipients, 2),
  };
  const lines = [
    `send pacing: local SES endpoint enforcing its rate; latency ${SES_LATENCY_MS} ms per SES call, ${DYNAMO_LATENCY_MS} ms per DynamoDB request; achieved = steady rate`,
    ...table(
      ["sender", "rate/s", "recipients", "achieved/s", "achieved/rate", "throttled", "DDB req/recipient"],
      runs.map((r) => [
        r.sender,
        r.rate,
        r.recipients,
        r.achieved,
        ratio(r.achieved, r.rate),
        r.throttled,
        round(r.ddbRequests / r.recipients, 2),
      ]),
    ),
    `send ratio achieved/configured: ${summary.ratio} at ${opts.rate}/s (${summary.throttled} Throttling); ` +
      `at ${opts.highRate}/s ours ${summary.highRatio}, naive ${summary.naiveHighRatio}: pipeline x${summary.pipelineGain}`,
  ];
  const short = runs.filter((r) => r.deliveredOnce !== r.recipients);
  return {
    summary,
    lines,
    budgets: [
      budget(
        "send: every recipient got exactly one message",
        short.length === 0,
        short.map((r) => `${r.sender} @${r.rate}/s: ${r.deliveredOnce} of ${r.recipients}`).join("; "),
      ),
      budget(
        "send: our sender keeps at least half the configured rate",
        (summary.ratio ?? 0) >= 0.5,
        `achieved ${ours.achieved}/s of ${opts.rate}/s`,
        "ratio",
      ),
    ],
  };
}

/**
 * The send pipeline of one run over its recipients (DESIGN.md step 8 and its performance budget):
 *
 *   recipients ─▶ re-check status (BatchGet, 100 at a time, one chunk ahead)
 *              ─▶ claim (conditional put, a few at once) + compose the MIME message
 *              ─▶ bounded queue (about a quarter of a second of sends)
 *              ─▶ senders: a pacer slot, then a message, SendRawEmail, settle
 *              ─▶ settle buffer (BatchWrite, 25 records or 200 ms at a time)
 *
 * So the database round trips of the claims and settles run beside the SES calls instead of
 * between them, and the issue is rendered and composed once (`mail`, copies.ts): a copy differs
 * only in its recipient's address, Message-ID and unsubscribe link. A claim is always made before
 * its SES call; a message that SES may have taken is never sent again: each claim ends as sent,
 * failed, ambiguous, or (when SES certainly did not take it) released for a later run.
 *
 * SES's answers are read by who is wrong (ses-errors.ts): a transient refusal is retried with
 * backoff, a recipient's refusal fails that delivery, an account's refusal stops the run with
 * the reason (`pause`) and releases every claim it holds. Until SES has accepted one message of
 * the issue a recipient's refusal is not trusted: it is tried again once something went out, and
 * a few of them with nothing accepted pause the send instead of failing everyone for an account
 * problem SES words as the recipients' (the sandbox).
 */
import type { Ctx } from "../context.js";
import type { RenderedIssue } from "../issues/render/index.js";
import type { DeliveryRecord } from "../store/deliveries.js";
import { Channel } from "./channel.js";
import { issueCopies } from "./copies.js";
import { type Pacer, type PacerSlot, sleep } from "./pacer.js";
import { sendRaw } from "./ses.js";
import { type AccountFaultCode, classifySesError } from "./ses-errors.js";

export interface Recipient {
  id: string;
  email: string;
  /** Set for a delivery the editor asked to send again: claimed from its "resend" record. */
  resentAt?: string;
}

export type StopReason = "deadline" | "lease_lost";

/** A fault of the account or sender: the run stops, the issue is paused with this. */
export interface PauseVerdict {
  code: AccountFaultCode;
  reason: string;
}

export interface LoopInput {
  ctx: Ctx;
  issueNumber: number;
  runner: string;
  mail: RenderedIssue;
  pacer: Pacer;
  /** Asked before each claim: a reason to claim no more recipients, or null to go on. */
  shouldStop: () => Promise<StopReason | null>;
  /** Past the deadline a throttled message is handed to the continuation instead of waited for. */
  pastDeadline: () => boolean;
  /** Whether SES has accepted a message of this issue before this run (recipient refusals are then believed). */
  acceptedBefore: boolean;
  /** Defaults to SES_CALL_TIMEOUT_MS. */
  sesTimeoutMs?: number;
  /** Backoff between retries of one message (tests pass one that does not wait). */
  sleep?: (ms: number) => Promise<void>;
  /** Called after each claim with this run's claim count (tests interrupt runs here). */
  onClaim?: (claimed: number) => void | Promise<void>;
}

export interface LoopResult {
  /** Claims made by this run, and what became of them. */
  claimed: number;
  sent: number;
  failed: number;
  ambiguous: number;
  /** Claims given back because SES certainly did not take them (a later run sends them). */
  released: number;
  /** Recipients another run had claimed already. */
  takenElsewhere: number;
  /** Recipients no longer active when their turn came. */
  skipped: number;
  throttled: number;
  /** Transient SES failures (5xx, no connection) retried. */
  retried: number;
  /** Recipient refusals not believed (nothing accepted yet): released, not failed. */
  doubted: number;
  /** Why recipients were left unclaimed (null: every recipient was handled). */
  stop: StopReason | null;
  /** SES refused the account or sender: nothing more goes out until the editor resumes. */
  pause?: PauseVerdict;
  /** What stopped the run early for a reason a retry may fix (SES keeps failing, the database). */
  fatal?: Error;
}

const STATUS_CHUNK = 100;
const SETTLE_BATCH = 25;
const SETTLE_EVERY_MS = 200;
/** A throttled message is tried this many times before the run gives up (about three minutes). */
const MAX_THROTTLE_RETRIES = 24;
/** 5xx answers or no connection: tried this many times (about 6 s of backoff) before the run stops. */
const MAX_TRANSIENT_RETRIES = 6;
/** Recipient refusals before anything was accepted that pause the send. */
const DOUBTED_LIMIT = 3;
/** This many SES answers in a row that leave a message's fate unknown stop the run. */
const MAX_UNKNOWN_IN_A_ROW = 5;
/** A SendRawEmail call without an answer by then is given up on (its delivery is ambiguous). */
export const SES_CALL_TIMEOUT_MS = 30_000;

/**
 * The call's answer, or a TimeoutError: a hung connection must not hold the run (and its lease)
 * forever. Only time the event loop was free to read the answer counts: the timer ticks in
 * quarters and a late tick is credited as at most one and a half, so after a stall (a long
 * parse, a paused VM) an answer that arrived meanwhile is read before the call is given up,
 * instead of the delivery turning ambiguous for nothing.
 */
export function answerWithin<T>(call: Promise<T>, ms: number): Promise<T> {
  const tickMs = Math.max(1, Math.min(1000, ms / 4));
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    let credited = 0;
    let last = performance.now();
    const tick = () => {
      const now = performance.now();
      credited += Math.min(now - last, tickMs * 1.5);
      last = now;
      if (credited >= ms) {
        reject(
          Object.assign(new Error(`SES did not answer within ${ms / 1000} s`), { name: "TimeoutError" }),
        );
      } else timer = setTimeout(tick, Math.min(tickMs, ms - credited));
    };
    timer = setTimeout(tick, tickMs);
  });
  return Promise.race([call, timeout]).finally(() => clearTimeout(timer));
}

/** Parallelism from the rate: enough to keep it with SES answering in up to ~0.5 s. */
export function pipelineSizes(rate: number) {
  const clamp = (v: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, Math.ceil(v)));
  return {
    senders: clamp(rate / 2, 2, 50),
    queue: clamp(rate / 4, 2, 50),
    claimers: clamp(rate / 25, 2, 16),
  };
}

interface Ready {
  record: DeliveryRecord;
  raw: Buffer;
}

export async function sendToAll(input: LoopInput, recipients: readonly Recipient[]): Promise<LoopResult> {
  const { ctx, issueNumber, runner, mail, pacer } = input;
  const store = ctx.store;
  const sizes = pipelineSizes(pacer.maxRate);
  const sesTimeoutMs = input.sesTimeoutMs ?? SES_CALL_TIMEOUT_MS;
  const backoff = input.sleep ?? sleep;
  const result: LoopResult = {
    claimed: 0,
    sent: 0,
    failed: 0,
    ambiguous: 0,
    released: 0,
    takenElsewhere: 0,
    skipped: 0,
    throttled: 0,
    retried: 0,
    doubted: 0,
    stop: null,
  };
  const queue = new Channel<Ready>(sizes.queue);
  const copies = issueCopies(ctx, mail, issueNumber);
  const settler = createSettler(ctx);
  let unknownInARow = 0;

  const fail = (e: unknown) => {
    result.fatal ??= e instanceof Error ? e : new Error(String(e));
  };
  const halted = () => result.fatal !== undefined || result.pause !== undefined;
  /** Whether to claim no more; remembers why, when recipients are left unclaimed for it. */
  const stopping = async (): Promise<boolean> => {
    if (halted()) return true;
    const reason = await input.shouldStop();
    if (reason) result.stop ??= reason;
    return reason !== null || halted();
  };

  const release = async (r: DeliveryRecord) => {
    try {
      if (await store.deliveries.release(r, runner)) result.released++;
    } catch (e) {
      // Left claimed: the next run reports it as ambiguous rather than guess.
      ctx.log.error("claim not released", { issue: issueNumber, subscriberId: r.subscriberId, error: e });
    }
  };

  const claimOne = async (r: Recipient) => {
    if (await stopping()) return;
    const record: DeliveryRecord = {
      issueNumber,
      subscriberId: r.id,
      email: r.email,
      status: "claimed",
      claimedAt: ctx.now().toISOString(),
      sentAt: null,
      messageId: null,
      error: null,
      runner,
      ...(r.resentAt ? { resentAt: r.resentAt } : {}),
    };
    const claimed = r.resentAt
      ? await store.deliveries.claimResend(record)
      : await store.deliveries.claim(record);
    if (!claimed) {
      result.takenElsewhere++;
      return;
    }
    result.claimed++;
    await input.onClaim?.(result.claimed);
    let raw: Buffer;
    try {
      raw = await copies.copy(r);
    } catch (e) {
      // Nothing went to SES; a message we cannot build for this address fails it, not the issue.
      result.failed++;
      settler.add({ ...record, status: "failed", error: `could not compose: ${(e as Error).message}` });
      return;
    }
    if (!(await queue.put({ record, raw }))) await release(record);
  };

  const produce = async () => {
    const chunks: Recipient[][] = [];
    for (let i = 0; i < recipients.length; i += STATUS_CHUNK)
      chunks.push(recipients.slice(i, i + STATUS_CHUNK));
    // Status of the next chunk is read while the current one is claimed.
    const activeOf = (chunk: Recipient[]) =>
      store.subscribers.getMany(chunk.map((r) => r.id)).then((subs) =>
        chunk.flatMap((r) => {
          const s = subs.get(r.id);
          return s?.status === "active" ? [{ ...r, email: s.email }] : [];
        }),
      );
    // The active recipients reach the claimers through a short channel, so claims go on across
    // the end of a chunk instead of waiting for its slowest claim (the senders would wait too).
    const ready = new Channel<Recipient>(STATUS_CHUNK);
    const read = async () => {
      let next = chunks.length ? activeOf(chunks[0]!) : undefined;
      for (let i = 0; i < chunks.length && next; i++) {
        const active = await next;
        next = i + 1 < chunks.length ? activeOf(chunks[i + 1]!) : undefined;
        next?.catch(() => {}); // awaited on the next turn; not an unhandled rejection meanwhile
        result.skipped += chunks[i]!.length - active.length;
        if (await stopping()) break;
        for (const r of active) if (!(await ready.put(r))) return;
      }
    };
    const claim = async () => {
      for (let r = await ready.take(); r; r = await ready.take()) {
        try {
          await claimOne(r);
        } catch (e) {
          fail(e);
          ready.close();
          return;
        }
      }
    };
    const reading = read()
      .catch(fail)
      .finally(() => ready.close());
    await Promise.all([reading, ...Array.from({ length: sizes.claimers }, claim)]);
  };

  const settle = (record: DeliveryRecord) => settler.add(record);

  /** Refusals not believed yet: sent again once SES accepted something, else believed at the end. */
  const doubted: { item: Ready; reason: string }[] = [];

  /** Sends one claimed message on `first`, a pacer slot taken before it left the queue. */
  const deliver = async ({ record, raw }: Ready, first: PacerSlot) => {
    for (let attempt = 0; ; attempt++) {
      if (halted()) {
        if (attempt === 0) first.cancel();
        return release(record);
      }
      const slot = attempt === 0 ? first : await pacer.slot();
      try {
        const messageId = await answerWithin(sendRaw(ctx, raw, [record.email]), sesTimeoutMs).finally(
          slot.done,
        );
        pacer.onSuccess();
        unknownInARow = 0;
        result.sent++;
        settle({ ...record, status: "sent", messageId, sentAt: ctx.now().toISOString() });
        return;
      } catch (e) {
        const verdict = classifySesError(e, ctx.config.fromEmail);
        const log = { issue: issueNumber, subscriberId: record.subscriberId, error: verdict.reason };
        switch (verdict.kind) {
          case "transient": {
            // Past the deadline a refused message is not waited for: the continuation sends it.
            if (input.pastDeadline()) return release(record);
            const limit = verdict.throttled ? MAX_THROTTLE_RETRIES : MAX_TRANSIENT_RETRIES;
            if (attempt < limit) {
              if (verdict.throttled) {
                result.throttled++;
                pacer.onThrottle();
              } else result.retried++;
              await backoff(pacer.backoffMs(attempt));
              continue;
            }
            // SES did not take it: give the claim back and stop; the job is retried later.
            fail(new Error(`SES kept refusing after ${attempt + 1} tries: ${verdict.reason}`));
            return release(record);
          }
          case "recipient":
            if (!input.acceptedBefore && result.sent === 0) {
              result.doubted++;
              ctx.log.warn("ses refused a recipient before accepting anything: not believed yet", log);
              if (result.doubted >= DOUBTED_LIMIT) {
                result.pause ??= {
                  code: "refused",
                  reason: `SES refused the first ${result.doubted} recipients of this issue and accepted none (last: ${verdict.reason}). That points at the account (the SES sandbox, the sender's identity) rather than the addresses: check it in SES, then resume.`,
                };
                return release(record);
              }
              doubted.push({ item: { record, raw }, reason: verdict.reason });
              return;
            }
            result.failed++;
            ctx.log.warn("ses refused a recipient", log);
            settle({ ...record, status: "failed", error: verdict.reason });
            return;
          case "account":
            result.pause ??= { code: verdict.code, reason: verdict.reason };
            ctx.log.error("ses refused the account or sender: the send pauses", log);
            return release(record);
          case "ambiguous":
            result.ambiguous++;
            ctx.log.error("ses call ended without an answer: delivery ambiguous, not retried", {
              ...log,
              email: record.email,
            });
            settle({ ...record, status: "ambiguous", error: verdict.reason });
            if (++unknownInARow >= MAX_UNKNOWN_IN_A_ROW)
              fail(new Error(`SES keeps failing without an answer: ${verdict.reason}`));
            return;
        }
      }
    }
  };

  // A sender waits for its slot *before* it takes a message: claimed messages wait in the short
  // queue, not in senders, so a crash leaves as few claims without an answer as possible. A slot
  // that finds the queue empty lapses and the sender takes a fresh one once a message comes:
  // senders that kept their slots while the claims caught up would all send at once, over the rate.
  const consume = async () => {
    for (;;) {
      let slot = await pacer.slot();
      let item = queue.tryTake();
      if (!item) {
        slot.cancel();
        item = await queue.take();
        if (!item) return;
        slot = await pacer.slot();
      }
      await deliver(item, slot);
    }
  };

  const producing = produce()
    .catch(fail)
    .finally(() => queue.close());
  await Promise.all([producing, ...Array.from({ length: sizes.senders }, consume)]);
  for (const left of queue.drain()) await release(left.record);
  // SES accepted other messages of this run: the refusals were the recipients' own after all, so
  // each is tried once more (then believed). A run that stopped gives them back. A run in which
  // SES accepted nothing, and refused fewer than DOUBTED_LIMIT, believes them.
  for (const { item, reason } of doubted.splice(0)) {
    if (halted() || result.stop) await release(item.record);
    else if (result.sent > 0) {
      await deliver(item, await pacer.slot());
    } else {
      result.failed++;
      settle({ ...item.record, status: "failed", error: reason });
    }
  }
  try {
    await settler.close();
  } catch (e) {
    // Sent but not recorded as such: the records stay claimed and the next run reports them.
    fail(e);
  }
  return result;
}

/** Collects settled records and writes them in batches, off the senders' path. */
function createSettler(ctx: Ctx) {
  let buffer: DeliveryRecord[] = [];
  let writing: Promise<void> = Promise.resolve();
  let failure: unknown;
  const flush = () => {
    if (buffer.length === 0) return;
    const batch = buffer;
    buffer = [];
    writing = writing.then(() =>
      ctx.store.deliveries.settle(batch).catch((e) => {
        failure ??= e;
        ctx.log.error("delivery records not written", { count: batch.length, error: e });
      }),
    );
  };
  const timer = setInterval(flush, SETTLE_EVERY_MS);
  return {
    add(record: DeliveryRecord) {
      buffer.push(record);
      if (buffer.length >= SETTLE_BATCH) flush();
    },
    async close() {
      clearInterval(timer);
      flush();
      await writing;
      if (failure) throw failure;
    },
  };
}

/**
 * The embedded SES-compatible endpoint: the SES v1 Query API (awsQuery, version 2010-12-01) as
 * `@aws-sdk/client-ses` speaks it, for SendRawEmail, SendEmail and GetSendQuota. Accepted messages
 * go to an outbox folder as `.eml` files; the send rate, the daily quota and the account state
 * (verified identities, sandbox, pause, configuration sets) are enforced with SES's own errors, and
 * any SES failure can be injected through the `fault` hook (see faults.ts).
 */
import { randomUUID } from "node:crypto";
import { mkdir } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { Logger } from "@wkn/core/log";
import { listen } from "../listen.js";
import { checkAccount, type SesAccount } from "./account.js";
import { composeEmail, type OutgoingMessage, readRawEmail } from "./actions.js";
import { type FaultRequest, faultError, SES_FAULTS, type SesFaultName } from "./faults.js";
import { MAX_MESSAGE_BYTES } from "./mime.js";
import { newMessageId, writeToOutbox } from "./outbox.js";
import { QueryParams } from "./query.js";
import { createRateLimiter } from "./rate.js";
import { errorXml, resultXml, SesError, xmlDouble } from "./xml.js";

/** `n` counts the calls of that action, from 1; a readable send also gives its sender and recipients. */
export interface SesCall {
  action: string;
  n: number;
  source?: string;
  destinations?: string[];
}

/** Picks the calls to fail and how (see SES_FAULTS and SES_TRANSPORT_FAULTS); null handles the call. */
export type SesFault = (call: SesCall) => SesFaultName | null;

export interface LocalSesOptions extends SesAccount {
  /** Where accepted messages are written (created if missing). */
  outboxDir: string;
  /** SES's MaxSendRate: recipients per second. */
  maxSendRate: number;
  host?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Consulted before the account and the rate: a non-null answer is that fault. */
  fault?: SesFault;
  /** The region SES names in its messages and ARNs; us-east-1 by default. */
  region?: string;
  log?: Logger;
  /** The clock in ms (tests); Date.now by default. */
  now?: () => number;
}

export interface SentMessage {
  /** The MessageId answered to the caller. */
  id: string;
  action: "SendRawEmail" | "SendEmail";
  source: string;
  destinations: string[];
  /** The message exactly as written to `file`. */
  raw: Buffer;
  file: string;
  configurationSetName?: string;
  tags: { name: string; value: string }[];
  /** When the endpoint accepted it (epoch ms on its clock), as its rate limit counted it. */
  acceptedAt: number;
}

export interface LocalSesStats {
  /** Messages accepted (written to the outbox), answered or not. */
  accepted: number;
  /** Calls answered Throttling (rate or daily quota exceeded, or injected). */
  throttled: number;
  /** Calls answered any other 4xx error. */
  rejected: number;
  /** Calls answered a 5xx error. */
  failed: number;
  /** Calls never answered (Hang, AcceptThenHang). */
  hung: number;
  /** Connections dropped after the request was read (ResetAfterRequest). */
  reset: number;
}

export interface LocalSes {
  endpoint: string;
  /** Stops the endpoint, dropping every connection, unanswered ones included. */
  close(): Promise<void>;
  /** Every accepted message, oldest first. */
  messages(): SentMessage[];
  stats(): LocalSesStats;
  /** Changes the account while running; a key given as undefined unsets that setting. */
  configure(patch: SesAccount): void;
}

const SES_VERSION = "2010-12-01";
/** Enough for a 10 MB message in base64 and form encoding; a longer body is drained and refused. */
const MAX_BODY_BYTES = 32 * 1024 * 1024;
const DAY_MS = 86_400_000;
const ACCOUNT_KEYS = [
  "verifiedIdentities",
  "sandbox",
  "sendingPaused",
  "max24HourSend",
  "configurationSets",
] as const satisfies readonly (keyof SesAccount)[];

interface Send {
  action: SentMessage["action"];
  id: string;
  msg: OutgoingMessage;
}

/** A handled call: the result to answer, or a transport fault to play. */
type Outcome = { action: string; fields: Record<string, string> } | "hang" | "reset";

export async function startLocalSes(opts: LocalSesOptions): Promise<LocalSes> {
  const now = opts.now ?? Date.now;
  const region = opts.region ?? "us-east-1";
  const limiter = createRateLimiter(opts.maxSendRate, now);
  const account: SesAccount = {};
  const sent: SentMessage[] = [];
  const recent: { at: number; recipients: number }[] = [];
  const calls = new Map<string, number>();
  const stats: LocalSesStats = { accepted: 0, throttled: 0, rejected: 0, failed: 0, hung: 0, reset: 0 };

  function configure(patch: SesAccount): void {
    for (const key of ACCOUNT_KEYS) if (key in patch) Object.assign(account, { [key]: patch[key] });
  }
  configure(opts);

  async function readSend(action: Send["action"], q: QueryParams): Promise<Send> {
    const id = newMessageId(now());
    return { action, id, msg: action === "SendEmail" ? await composeEmail(q, id) : readRawEmail(q) };
  }

  function faultRequest(action: string, q: QueryParams, send?: Send): FaultRequest {
    const msg = send?.msg;
    const source = q.get("Source");
    return {
      action,
      region,
      source: msg?.source,
      senders: msg ? msg.senders.map((s) => s.display) : source ? [source] : [],
      destinations: msg?.destinations ?? [],
      configurationSetName: q.get("ConfigurationSetName") || undefined,
    };
  }

  /** Writes the message to the outbox; unless `forced`, only if the account and the rate allow it. */
  async function accept({ action, id, msg }: Send, r: FaultRequest, forced: boolean): Promise<void> {
    const recipients = msg.destinations.length;
    if (!forced) {
      checkAccount(account, msg, r, sentLast24Hours());
      if (!limiter.tryTake(recipients)) throw faultError("Throttling", r);
    }
    // Counted before the write: concurrent sends must see each other against the daily quota.
    const at = now();
    const counted = { at, recipients };
    recent.push(counted);
    let file: string;
    try {
      file = await writeToOutbox(opts.outboxDir, id, msg.raw, at);
    } catch (err) {
      const i = recent.indexOf(counted);
      if (i >= 0) recent.splice(i, 1);
      throw err;
    }
    const { raw, source, destinations, configurationSetName, tags } = msg;
    sent.push({
      id,
      action,
      source,
      destinations,
      raw,
      file,
      ...(configurationSetName && { configurationSetName }),
      tags,
      acceptedAt: at,
    });
    stats.accepted++;
    opts.log?.info("ses message accepted", { id, action, recipients, file });
  }

  function sentLast24Hours(): number {
    while (recent.length > 0 && recent[0]!.at <= now() - DAY_MS) recent.shift();
    return recent.reduce((sum, r) => sum + r.recipients, 0);
  }

  async function handle(q: QueryParams): Promise<Outcome> {
    const action = q.get("Action");
    if (!action) throw new SesError("MissingAction", "The request must contain the parameter Action.");
    const n = (calls.get(action) ?? 0) + 1;
    calls.set(action, n);
    // A send is read first so that the hook sees its addresses; a malformed one may still be faulted.
    let send: Send | undefined;
    let invalid: { err: unknown } | undefined;
    if (action === "SendRawEmail" || action === "SendEmail") {
      try {
        send = await readSend(action, q);
      } catch (err) {
        invalid = { err };
      }
    }
    const call: SesCall = send
      ? { action, n, source: send.msg.source, destinations: [...send.msg.destinations] }
      : { action, n };
    const fault = opts.fault?.(call) ?? null;
    const r = faultRequest(action, q, send);
    if (fault === "Hang") return "hang";
    if (fault === "ResetAfterRequest") return "reset";
    if (fault === "AcceptThenHang") {
      if (send) await accept(send, r, true);
      return "hang";
    }
    if (fault) throw faultError(fault, r);
    if (invalid) throw invalid.err;
    if (send) {
      await accept(send, r, false);
      return { action, fields: { MessageId: send.id } };
    }
    if (action === "GetSendQuota") {
      const fields = {
        Max24HourSend: xmlDouble(account.max24HourSend ?? opts.maxSendRate * 86_400),
        MaxSendRate: xmlDouble(opts.maxSendRate),
        SentLast24Hours: xmlDouble(sentLast24Hours()),
      };
      return { action, fields };
    }
    throw new SesError("InvalidAction", `Could not find operation ${action} for version ${SES_VERSION}`);
  }

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = randomUUID();
    let status = 200;
    let xml: string;
    try {
      const body = await readBody(req);
      const query = new URL(req.url ?? "/", "http://localhost").search.slice(1);
      const outcome = await handle(new QueryParams(body === "" ? query : body));
      if (outcome === "hang") {
        stats.hung++;
        return; // the response stays open until the caller gives up or close() drops it
      }
      if (outcome === "reset") {
        stats.reset++;
        req.socket.destroy();
        return;
      }
      xml = resultXml(outcome.action, outcome.fields, requestId);
    } catch (err) {
      const { code, message, status: failure } = SES_FAULTS.InternalFailure;
      const sesErr = err instanceof SesError ? err : new SesError(code, message, failure);
      if (!(err instanceof SesError)) opts.log?.error("ses endpoint failed", { err: err as Error });
      else if (sesErr.code !== "Throttling")
        opts.log?.warn("ses request refused", { code: sesErr.code, message: sesErr.message });
      if (sesErr.code === "Throttling") stats.throttled++;
      else if (sesErr.status >= 500) stats.failed++;
      else stats.rejected++;
      status = sesErr.status;
      xml = errorXml(sesErr, requestId);
    }
    res.writeHead(status, { "content-type": "text/xml", "x-amzn-requestid": requestId });
    res.end(xml);
  }

  const server = createServer((req, res) => void serve(req, res));
  await mkdir(opts.outboxDir, { recursive: true });
  const { endpoint, close } = await listen(server, opts);
  return { endpoint, close, configure, messages: () => [...sent], stats: () => ({ ...stats }) };
}

/** The request body as text; past MAX_BODY_BYTES the rest is drained and the call refused. */
async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= MAX_BODY_BYTES) chunks.push(chunk);
  }
  if (size > MAX_BODY_BYTES) {
    throw new SesError(
      "InvalidParameterValue",
      `Message length is more than ${MAX_MESSAGE_BYTES} bytes long.`,
    );
  }
  return Buffer.concat(chunks).toString("utf8");
}

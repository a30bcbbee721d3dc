/**
 * The embedded SES-compatible endpoint: the SES v1 Query API (awsQuery, version 2010-12-01) as
 * `@aws-sdk/client-ses` speaks it, for SendRawEmail, SendEmail and GetSendQuota. Accepted messages
 * go to an outbox folder as `.eml` files; the send rate is enforced with SES's own Throttling error.
 */
import { randomUUID } from "node:crypto";
import { mkdir } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { Logger } from "@wkn/core/log";
import { listen } from "../listen.js";
import { composeEmail, type OutgoingMessage, readRawEmail } from "./actions.js";
import { MAX_MESSAGE_BYTES } from "./mime.js";
import { newMessageId, writeToOutbox } from "./outbox.js";
import { QueryParams } from "./query.js";
import { createRateLimiter } from "./rate.js";
import { errorXml, resultXml, SesError, xmlDouble } from "./xml.js";

/** `n` counts the calls of that action, from 1. */
export type SesFault = (call: { action: string; n: number }) => "Throttling" | "MessageRejected" | null;

export interface LocalSesOptions {
  /** Where accepted messages are written (created if missing). */
  outboxDir: string;
  /** SES's MaxSendRate: recipients per second. */
  maxSendRate: number;
  host?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Consulted before each call is handled: a non-null answer is returned as that SES error. */
  fault?: SesFault;
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
}

export interface LocalSesStats {
  /** Messages accepted (written to the outbox). */
  accepted: number;
  /** Calls answered Throttling (rate exceeded or injected). */
  throttled: number;
  /** Calls answered any other error. */
  rejected: number;
}

export interface LocalSes {
  endpoint: string;
  close(): Promise<void>;
  /** Every accepted message, oldest first. */
  messages(): SentMessage[];
  stats(): LocalSesStats;
}

const SES_VERSION = "2010-12-01";
/** Enough for a 10 MB message in base64 and form encoding; a longer body is drained and refused. */
const MAX_BODY_BYTES = 32 * 1024 * 1024;
const DAY_MS = 86_400_000;

const FAULT_MESSAGES = {
  Throttling: "Maximum sending rate exceeded.",
  MessageRejected: "Message rejected (a fault injected into the local SES endpoint).",
} as const;

export async function startLocalSes(opts: LocalSesOptions): Promise<LocalSes> {
  const now = opts.now ?? Date.now;
  const limiter = createRateLimiter(opts.maxSendRate, now);
  const sent: SentMessage[] = [];
  const recent: { at: number; recipients: number }[] = [];
  const calls = new Map<string, number>();
  const stats: LocalSesStats = { accepted: 0, throttled: 0, rejected: 0 };

  async function accept(
    action: SentMessage["action"],
    id: string,
    msg: OutgoingMessage,
  ): Promise<Record<string, string>> {
    if (!limiter.tryTake(msg.destinations.length))
      throw new SesError("Throttling", FAULT_MESSAGES.Throttling);
    const at = now();
    const file = await writeToOutbox(opts.outboxDir, id, msg.raw, at);
    sent.push({ id, action, ...msg, file });
    recent.push({ at, recipients: msg.destinations.length });
    stats.accepted++;
    opts.log?.info("ses message accepted", { id, action, recipients: msg.destinations.length, file });
    return { MessageId: id };
  }

  function sentLast24Hours(): number {
    while (recent.length > 0 && recent[0]!.at <= now() - DAY_MS) recent.shift();
    return recent.reduce((sum, r) => sum + r.recipients, 0);
  }

  async function handle(q: QueryParams): Promise<[string, Record<string, string>]> {
    const action = q.get("Action");
    if (!action) throw new SesError("MissingAction", "The request must contain the parameter Action.");
    const n = (calls.get(action) ?? 0) + 1;
    calls.set(action, n);
    const fault = opts.fault?.({ action, n });
    if (fault) throw new SesError(fault, FAULT_MESSAGES[fault]);
    switch (action) {
      case "SendRawEmail":
        return [action, await accept(action, newMessageId(now()), readRawEmail(q))];
      case "SendEmail": {
        const id = newMessageId(now());
        return [action, await accept(action, id, await composeEmail(q, id))];
      }
      case "GetSendQuota":
        return [
          action,
          {
            // No daily quota is enforced: report what the rate allows in a day.
            Max24HourSend: xmlDouble(opts.maxSendRate * 86_400),
            MaxSendRate: xmlDouble(opts.maxSendRate),
            SentLast24Hours: xmlDouble(sentLast24Hours()),
          },
        ];
      default:
        throw new SesError("InvalidAction", `Could not find operation ${action} for version ${SES_VERSION}`);
    }
  }

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = randomUUID();
    let status = 200;
    let xml: string;
    try {
      const body = await readBody(req);
      const query = new URL(req.url ?? "/", "http://localhost").search.slice(1);
      const [action, fields] = await handle(new QueryParams(body === "" ? query : body));
      xml = resultXml(action, fields, requestId);
    } catch (err) {
      const sesErr =
        err instanceof SesError
          ? err
          : new SesError("InternalFailure", "The request processing has failed.", 500);
      if (!(err instanceof SesError)) opts.log?.error("ses endpoint failed", { err: err as Error });
      else if (sesErr.code !== "Throttling")
        opts.log?.warn("ses request refused", { code: sesErr.code, message: sesErr.message });
      if (sesErr.code === "Throttling") stats.throttled++;
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
  return { endpoint, close, messages: () => [...sent], stats: () => ({ ...stats }) };
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

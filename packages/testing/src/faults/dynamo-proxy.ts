/**
 * A loopback proxy in front of a DynamoDB-compatible server that, for a seeded share of requests,
 * answers in place of the server: throttling and server errors in DynamoDB's JSON error shape, or
 * a BatchWriteItem/BatchGetItem done only in part (the rest handed back as unprocessed). Every
 * fault is decided before anything is forwarded, so an error answer means nothing was written
 * and a retry can never write twice. Test harness only: product code must not import it.
 */
import http, { type IncomingHttpHeaders } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { crc32 } from "node:zlib";

export const ERROR_FAULTS = [
  "ProvisionedThroughputExceededException",
  "ThrottlingException",
  "InternalServerError",
] as const;
export type ErrorFault = (typeof ERROR_FAULTS)[number];
export type DynamoFault = ErrorFault | "UnprocessedItems" | "UnprocessedKeys";

const ERRORS: Record<ErrorFault, { status: number; message: string }> = {
  ProvisionedThroughputExceededException: {
    status: 400,
    message:
      "The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.",
  },
  ThrottlingException: { status: 400, message: "Rate of requests exceeds the allowed throughput." },
  InternalServerError: { status: 500, message: "Internal server error" },
};

export interface DynamoFaultOptions {
  /** The real server, e.g. dynalite's `http://127.0.0.1:port`. */
  target: string;
  /** Share of requests (0..1) answered with a fault instead of being forwarded as is. */
  rate: number;
  seed: number;
  /** Faults to draw from (default: all); batch faults apply only to their operation. */
  faults?: readonly DynamoFault[];
}

export interface DynamoFaultStats {
  requests: number;
  byOperation: Record<string, number>;
  faults: Partial<Record<DynamoFault, number>>;
  /** Write requests / keys handed back as unprocessed. */
  heldBackItems: number;
  heldBackKeys: number;
  /** The proxy's own failures (answered 502); a test expects none. */
  proxyErrors: number;
}

export interface DynamoFaultProxy {
  endpoint: string;
  stats(): DynamoFaultStats;
  /** Changes the fault share from now on (0: a plain proxy). */
  setRate(rate: number): void;
  close(): Promise<void>;
}

/** mulberry32: small, seedable, good enough to pick faults. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Answer {
  status: number;
  headers: Record<string, string | number>;
  body: Buffer;
}

function jsonAnswer(status: number, value: unknown, extra: Record<string, string> = {}): Answer {
  const body = Buffer.from(JSON.stringify(value));
  return {
    status,
    headers: {
      "content-type": "application/x-amz-json-1.0",
      "content-length": body.length,
      "x-amzn-requestid": `fault-${Math.random().toString(36).slice(2)}`,
      "x-amz-crc32": crc32(body),
      ...extra,
    },
    body,
  };
}

const errorAnswer = (name: ErrorFault): Answer =>
  jsonAnswer(
    ERRORS[name].status,
    { __type: `com.amazonaws.dynamodb.v20120810#${name}`, message: ERRORS[name].message },
    { "x-amzn-errortype": name },
  );

type Tabled<T> = { table: string; value: T };
type KeysSpec = { Keys: unknown[] } & Record<string, unknown>;
interface BatchWriteBody {
  RequestItems?: Record<string, unknown[]>;
  UnprocessedItems?: Record<string, unknown[]>;
}
interface BatchGetBody {
  RequestItems?: Record<string, KeysSpec>;
  UnprocessedKeys?: Record<string, KeysSpec>;
}
const parse = <T>(b: Buffer): T => JSON.parse(b.toString("utf8")) as T;

/** Splits entries into a random kept part (fewer than all) and the held-back rest. */
function split<T>(all: Tabled<T>[], rnd: () => number): { kept: Tabled<T>[]; rest: Tabled<T>[] } {
  const keep = Math.floor(rnd() * all.length);
  const order = all.map((e, i) => ({ e, i, r: rnd() })).sort((a, b) => a.r - b.r);
  const keptIdx = new Set(order.slice(0, keep).map((o) => o.i));
  return { kept: all.filter((_, i) => keptIdx.has(i)), rest: all.filter((_, i) => !keptIdx.has(i)) };
}

function group<T>(entries: Tabled<T>[]): Record<string, T[]> {
  const out: Record<string, T[]> = {};
  for (const { table, value } of entries) {
    out[table] ??= [];
    out[table].push(value);
  }
  return out;
}

export async function startDynamoFaultProxy(opts: DynamoFaultOptions): Promise<DynamoFaultProxy> {
  const target = new URL(opts.target);
  const agent = new http.Agent({ keepAlive: true });
  const rnd = seededRandom(opts.seed);
  const allowed = new Set<DynamoFault>(
    opts.faults ?? [...ERROR_FAULTS, "UnprocessedItems", "UnprocessedKeys"],
  );
  let rate = opts.rate;
  const stats: DynamoFaultStats = {
    requests: 0,
    byOperation: {},
    faults: {},
    heldBackItems: 0,
    heldBackKeys: 0,
    proxyErrors: 0,
  };
  const count = (f: DynamoFault) => {
    stats.faults[f] = (stats.faults[f] ?? 0) + 1;
  };

  const forward = (method: string, path: string, headers: IncomingHttpHeaders, body: Buffer) =>
    new Promise<Answer>((resolve, reject) => {
      const req = http.request(
        {
          host: target.hostname,
          port: target.port,
          method,
          path,
          agent,
          headers: { ...headers, host: target.host, "content-length": body.length },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => {
            const out = Buffer.concat(chunks);
            const h: Record<string, string | number> = {};
            for (const [k, v] of Object.entries(res.headers)) if (typeof v === "string") h[k] = v;
            h["content-length"] = out.length;
            resolve({ status: res.statusCode ?? 502, headers: h, body: out });
          });
          res.on("error", reject);
        },
      );
      req.on("error", reject);
      req.end(body);
    });

  /** BatchWriteItem with only some requests forwarded; the rest come back as UnprocessedItems. */
  async function partialWrite(method: string, path: string, headers: IncomingHttpHeaders, body: Buffer) {
    const input = parse<BatchWriteBody>(body);
    const all = Object.entries(input.RequestItems ?? {}).flatMap(([table, reqs]) =>
      reqs.map((value) => ({ table, value })),
    );
    const { kept, rest } = split(all, rnd);
    stats.heldBackItems += rest.length;
    if (kept.length === 0) return jsonAnswer(200, { UnprocessedItems: group(rest) });
    const sent = Buffer.from(JSON.stringify({ ...input, RequestItems: group(kept) }));
    const answer = await forward(method, path, headers, sent);
    if (answer.status !== 200) return answer;
    const out = parse<BatchWriteBody>(answer.body);
    const unprocessed = out.UnprocessedItems ?? {};
    for (const [table, reqs] of Object.entries(group(rest)))
      unprocessed[table] = [...(unprocessed[table] ?? []), ...reqs];
    return jsonAnswer(200, { ...out, UnprocessedItems: unprocessed });
  }

  /** BatchGetItem with only some keys forwarded; the rest come back as UnprocessedKeys. */
  async function partialGet(method: string, path: string, headers: IncomingHttpHeaders, body: Buffer) {
    const input = parse<BatchGetBody>(body);
    const specs = input.RequestItems ?? {};
    const all = Object.entries(specs).flatMap(([table, spec]) =>
      spec.Keys.map((value) => ({ table, value })),
    );
    const { kept, rest } = split(all, rnd);
    stats.heldBackKeys += rest.length;
    const withKeys = (keys: Record<string, unknown[]>): Record<string, KeysSpec> =>
      Object.fromEntries(Object.entries(keys).map(([t, Keys]) => [t, { ...specs[t], Keys }]));
    const unprocessed = withKeys(group(rest));
    if (kept.length === 0) return jsonAnswer(200, { Responses: {}, UnprocessedKeys: unprocessed });
    const sent = Buffer.from(JSON.stringify({ ...input, RequestItems: withKeys(group(kept)) }));
    const answer = await forward(method, path, headers, sent);
    if (answer.status !== 200) return answer;
    const out = parse<BatchGetBody>(answer.body);
    const merged = { ...(out.UnprocessedKeys ?? {}) };
    for (const [t, spec] of Object.entries(unprocessed)) {
      merged[t] = { ...spec, Keys: [...(merged[t]?.Keys ?? []), ...spec.Keys] };
    }
    return jsonAnswer(200, { ...out, UnprocessedKeys: merged });
  }

  async function handle(method: string, path: string, headers: IncomingHttpHeaders, body: Buffer) {
    const op = String(headers["x-amz-target"] ?? "").split(".")[1] ?? "?";
    stats.requests++;
    stats.byOperation[op] = (stats.byOperation[op] ?? 0) + 1;
    if (rnd() < rate) {
      const choices = [...allowed].filter(
        (f) =>
          (f !== "UnprocessedItems" || op === "BatchWriteItem") &&
          (f !== "UnprocessedKeys" || op === "BatchGetItem"),
      );
      const fault = choices[Math.floor(rnd() * choices.length)];
      if (fault === "UnprocessedItems" || fault === "UnprocessedKeys") {
        count(fault);
        return fault === "UnprocessedItems"
          ? partialWrite(method, path, headers, body)
          : partialGet(method, path, headers, body);
      }
      if (fault) {
        count(fault);
        return errorAnswer(fault);
      }
    }
    return forward(method, path, headers, body);
  }

  const sockets = new Set<Socket>();
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    try {
      const a = await handle(req.method ?? "POST", req.url ?? "/", req.headers, Buffer.concat(chunks));
      res.writeHead(a.status, a.headers).end(a.body);
    } catch (e) {
      stats.proxyErrors++;
      res.writeHead(502, { "content-type": "text/plain" }).end(String(e));
    }
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stats: () => structuredClone(stats),
    setRate(r) {
      rate = r;
    },
    close: () =>
      new Promise<void>((resolve) => {
        agent.destroy();
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/**
 * TransactWriteItems for the embedded DynamoDB. dynalite 4.0.0 has no transactions; the poller
 * creates a feed's new items in one (a conditional put per item, all or none: one request instead
 * of one per item, and no item created twice or overwritten), so the local server gets them here.
 *
 * Atomicity comes from a gate in front of dynalite's request handler: ordinary requests pass it
 * together, a transaction passes it alone, so nothing else reads or writes while it runs. Inside,
 * dynalite's own validation and actions run on its store, without an HTTP round trip each;
 * puts that only create (`attribute_not_exists(<hash key>)`) are checked with one BatchGetItem and
 * written with BatchWriteItem; every other action is dynalite's own conditional operation (its
 * expressions, its checks), asking for the old image; when anything fails, what went through is
 * undone from those images and the answer is DynamoDB's TransactionCanceledException with a
 * reason per action. Differences from the service, none of which our code relies on: `ConditionCheck`
 * actions and `ClientRequestToken` idempotency are not supported, and a process killed
 * mid-transaction can leave part of it written (the start-up index check repairs indexes, not this).
 */
import { randomBytes } from "node:crypto";
import type { IncomingMessage, RequestListener, Server, ServerResponse } from "node:http";
import { createRequire } from "node:module";

const TARGET = "DynamoDB_20120810";
const MAX_ACTIONS = 100;

type Json = Record<string, unknown>;

/** A reader-writer gate, first come first served: shared passes run together, an exclusive one alone. */
class Gate {
  private shared = 0;
  private exclusive = false;
  private waiting: { exclusive: boolean; start: () => void }[] = [];

  run<T>(exclusive: boolean, fn: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.waiting.push({
        exclusive,
        start: () => {
          fn()
            .then(resolve, reject)
            .finally(() => {
              if (exclusive) this.exclusive = false;
              else this.shared--;
              this.pump();
            });
        },
      });
      this.pump();
    });
  }

  private pump(): void {
    while (this.waiting.length > 0 && !this.exclusive) {
      const next = this.waiting[0]!;
      if (next.exclusive && this.shared > 0) return;
      this.waiting.shift();
      if (next.exclusive) this.exclusive = true;
      else this.shared++;
      next.start();
      if (next.exclusive) return;
    }
  }
}

class DynamoError extends Error {
  constructor(
    readonly status: number,
    readonly body: Json,
  ) {
    super(String(body.message ?? body.__type));
  }
}

const errorType = (name: string) => `com.amazonaws.dynamodb.v20120810#${name}`;
const validation = (message: string) =>
  new DynamoError(400, { __type: "com.amazon.coral.validate#ValidationException", message });

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function send(res: ServerResponse, status: number, body: Json): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/x-amz-json-1.0",
    "content-length": Buffer.byteLength(text),
    "x-amzn-requestid": randomBytes(26).toString("hex").slice(0, 52).toUpperCase(),
  });
  res.end(text);
}

interface Planned {
  /** The operation that carries the action out: PutItem, UpdateItem or DeleteItem. */
  op: string;
  params: Json;
  table: string;
  key: Json;
}

const idOf = (table: string, key: Json) =>
  `${table}\u0000${JSON.stringify(
    Object.keys(key)
      .sort()
      .map((k) => [k, key[k]]),
  )}`;

/** A put that only creates: its one condition is that no item has its key. */
function isCreate(p: Planned, keyNames: string[] | undefined): boolean {
  if (p.op !== "PutItem" || !keyNames) return false;
  const cond = String(p.params.ConditionExpression ?? "").trim();
  const m = /^attribute_not_exists\(\s*(#?\w+)\s*\)$/.exec(cond);
  if (!m) return false;
  const names = (p.params.ExpressionAttributeNames ?? {}) as Record<string, string>;
  const attr = m[1]!.startsWith("#") ? names[m[1]!] : m[1];
  return attr === keyNames[0];
}

const cancelled = (codes: string[]) =>
  new DynamoError(400, {
    __type: errorType("TransactionCanceledException"),
    message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${codes.join(", ")}]`,
    CancellationReasons: codes.map((Code) =>
      Code === "None" ? { Code } : { Code, Message: "The conditional request failed" },
    ),
  });

/** dynalite's store (db/index.js `create`): what its actions run on. */
export type DynaliteStore = object;

type DynaliteCallback = (err: (Error & { statusCode?: number; body?: Json }) | null, out?: Json) => void;

/**
 * dynalite's own validation and action modules, by action name (putItem, batchWriteItem, ...).
 * Resolved once: resolving a package goes through the module loader's hooks (under tsx, a round
 * trip to its worker), which cost more than the action itself when done per call.
 */
let modules: ReturnType<typeof loadDynaliteModules> | undefined;
const dynaliteModules = () => {
  modules ??= loadDynaliteModules();
  return modules;
};

function loadDynaliteModules() {
  const req = createRequire(createRequire(import.meta.url).resolve("dynalite"));
  const validations = req("./validations/index.js") as {
    checkTypes(data: Json, types: unknown): Json;
    checkValidations(data: Json, types: unknown, custom: unknown, store: DynaliteStore): void;
  };
  const loaded = new Map<string, unknown>();
  const load = <T>(file: string): T => {
    if (!loaded.has(file)) loaded.set(file, req(file));
    return loaded.get(file) as T;
  };
  return {
    validations,
    validationOf: (name: string) => load<{ types: unknown; custom: unknown }>(`./validations/${name}.js`),
    actionOf: (name: string) =>
      load<(s: DynaliteStore, d: Json, cb: DynaliteCallback) => void>(`./actions/${name}.js`),
  };
}

/**
 * Starts dynalite with TransactWriteItems added, keeping hold of its store (dynalite makes it inside
 * and does not hand it out: its `db.create` is wrapped for the call).
 */
export function dynaliteWithTransactions(
  options: Record<string, unknown>,
  make: (o: Record<string, unknown>) => Server,
): Server {
  const db = createRequire(createRequire(import.meta.url).resolve("dynalite"))("./db/index.js") as {
    create(o: unknown): DynaliteStore;
  };
  const create = db.create;
  let store: DynaliteStore | undefined;
  db.create = (o) => {
    store = create(o);
    return store;
  };
  let server: Server;
  try {
    server = make(options);
  } finally {
    db.create = create;
  }
  if (!store) throw new Error("dynalite did not create its store");
  addTransactWriteItems(server, store);
  return server;
}

/** Adds TransactWriteItems to a dynalite server (before it listens), running on its store. */
export function addTransactWriteItems(server: Server, store: DynaliteStore): void {
  const handlers = server.listeners("request") as RequestListener[];
  const dynalite = handlers[0];
  if (!dynalite || handlers.length !== 1) throw new Error("expected dynalite's one request handler");
  server.removeAllListeners("request");
  const gate = new Gate();
  const keySchemas = new Map<string, string[]>();

  /**
   * One dynalite operation, as its request handler runs it (its own validation, then its action),
   * without the HTTP round trip: called while the gate is held, so it goes straight in.
   */
  function call(op: string, input: Json): Promise<Json> {
    const name = op[0]!.toLowerCase() + op.slice(1);
    const { validations, actionOf, validationOf } = dynaliteModules();
    return new Promise((resolve, reject) => {
      try {
        const v = validationOf(name);
        const data = validations.checkTypes(input, v.types);
        validations.checkValidations(data, v.types, v.custom, store);
        actionOf(name)(store, data, (err, out) => {
          if (err) reject(err.statusCode ? new DynamoError(err.statusCode, err.body ?? {}) : err);
          else resolve(out ?? {});
        });
      } catch (e) {
        const err = e as { statusCode?: number; body?: Json };
        reject(err.statusCode ? new DynamoError(err.statusCode, err.body ?? {}) : e);
      }
    });
  }

  async function keyOf(table: string, item: Json): Promise<Json> {
    let names = keySchemas.get(table);
    if (!names) {
      const d = (await call("DescribeTable", { TableName: table })).Table as {
        KeySchema: { AttributeName: string }[];
      };
      names = d.KeySchema.map((k) => k.AttributeName);
      keySchemas.set(table, names);
    }
    return Object.fromEntries(names.map((n) => [n, item[n]]));
  }

  /** Which of the creates' keys hold an item (one consistent BatchGetItem per table and 100 keys). */
  async function existing(creates: Planned[]): Promise<Set<string>> {
    const found = new Set<string>();
    const byTable = new Map<string, Planned[]>();
    for (const p of creates) byTable.set(p.table, [...(byTable.get(p.table) ?? []), p]);
    for (const [table, ps] of byTable) {
      const names = keySchemas.get(table)!;
      for (let i = 0; i < ps.length; i += 100) {
        const keys = ps.slice(i, i + 100).map((p) => p.key);
        const out = await call("BatchGetItem", {
          RequestItems: { [table]: { Keys: keys, ConsistentRead: true } },
        });
        for (const item of ((out.Responses as Record<string, Json[]> | undefined)?.[table] ?? []) as Json[])
          found.add(idOf(table, Object.fromEntries(names.map((n) => [n, item[n]]))));
      }
    }
    return found;
  }

  /** Writes the creates (known absent, the gate held): one BatchWriteItem per table and 25 items. */
  async function writeCreates(creates: Planned[]): Promise<void> {
    const byTable = new Map<string, Planned[]>();
    for (const p of creates) byTable.set(p.table, [...(byTable.get(p.table) ?? []), p]);
    for (const [table, ps] of byTable) {
      for (let i = 0; i < ps.length; i += 25) {
        const items = ps.slice(i, i + 25).map((p) => ({ PutRequest: { Item: p.params.Item } }));
        await call("BatchWriteItem", { RequestItems: { [table]: items } });
      }
    }
  }

  async function transact(body: string, res: ServerResponse): Promise<void> {
    const input = JSON.parse(body || "{}") as { TransactItems?: Json[] };
    const actions = input.TransactItems ?? [];
    if (actions.length === 0 || actions.length > MAX_ACTIONS)
      throw validation(`TransactItems must hold 1 to ${MAX_ACTIONS} actions`);

    // Each action: the operation that carries it out, and the key it touches.
    const plan: Planned[] = [];
    for (const action of actions) {
      const [kind, params] = Object.entries(action)[0] as [string, Json];
      const table = String(params.TableName);
      if (kind === "Put") {
        plan.push({ op: "PutItem", params, table, key: await keyOf(table, params.Item as Json) });
      } else if (kind === "Update" || kind === "Delete") {
        plan.push({ op: `${kind}Item`, params, table, key: params.Key as Json });
      } else {
        throw validation(`the local server does not support ${kind} actions in TransactWriteItems`);
      }
    }
    const ids = plan.map((p) => idOf(p.table, p.key));
    if (new Set(ids).size !== ids.length)
      throw validation("Transaction request cannot include multiple operations on one item");

    // Puts that only create an item (the poller's new items) are checked together, one
    // consistent BatchGetItem, and written together, BatchWriteItem; every other action is
    // dynalite's own conditional operation, all at once (they touch different items), asking for
    // the old image so that it can be undone. Nothing is written before every check has passed
    // but those other actions, which are undone when anything fails.
    const isCreateAt = plan.map((p) => isCreate(p, keySchemas.get(p.table)));
    const creates = plan.filter((_, i) => isCreateAt[i]);
    const taken = creates.length > 0 ? await existing(creates) : new Set<string>();
    if (taken.size > 0)
      throw cancelled(plan.map((p) => (taken.has(idOf(p.table, p.key)) ? "ConditionalCheckFailed" : "None")));
    const others = plan.map((p, i) => (isCreateAt[i] ? undefined : p));
    const outcomes = await Promise.allSettled(
      others.map((p) =>
        p ? call(p.op, { ...p.params, ReturnValues: "ALL_OLD" }) : Promise.resolve<Json>({}),
      ),
    );
    const failed = outcomes.flatMap((o, i) =>
      o.status === "rejected" ? [{ i, error: o.reason as unknown }] : [],
    );
    if (failed.length > 0) {
      // Undo what went through, from the old images.
      await Promise.all(
        outcomes.map((o, i) => {
          const p = others[i];
          if (!p || o.status !== "fulfilled") return undefined;
          const old = o.value.Attributes as Json | undefined;
          return old
            ? call("PutItem", { TableName: p.table, Item: old })
            : call("DeleteItem", { TableName: p.table, Key: p.key });
        }),
      );
      const isConditional = (e: unknown) =>
        e instanceof DynamoError && String(e.body.__type).endsWith("ConditionalCheckFailedException");
      const other = failed.find((f) => !isConditional(f.error));
      if (other) throw other.error;
      throw cancelled(outcomes.map((o) => (o.status === "rejected" ? "ConditionalCheckFailed" : "None")));
    }
    await writeCreates(creates);
    send(res, 200, {});
  }

  server.on("request", (req, res) => {
    const target = String(req.headers["x-amz-target"] ?? "");
    if (target === `${TARGET}.TransactWriteItems`) {
      // The body is read before the gate: other requests go on while it arrives.
      readBody(req)
        .then((body) => gate.run(true, () => transact(body, res)))
        .catch((e) => {
          if (e instanceof DynamoError) send(res, e.status, e.body);
          else send(res, 500, { __type: errorType("InternalServerError"), message: String(e) });
        });
      return;
    }
    // dynalite reads the body when it gets the request: until then it waits in the stream.
    void gate.run(
      false,
      () =>
        new Promise<void>((resolve) => {
          res.once("close", () => resolve());
          dynalite(req, res);
        }),
    );
  });
}

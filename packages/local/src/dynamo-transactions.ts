/**
 * TransactWriteItems for the embedded DynamoDB. dynalite 4.0.0 has no transactions; the poller
 * creates a feed's new items in one (a conditional put per item, all or none: one request instead
 * of one per item, and no item created twice or overwritten), so the local server gets them here.
 *
 * Atomicity comes from a gate in front of dynalite's request handler: ordinary requests pass it
 * together, a transaction passes it alone, so nothing else reads or writes while it runs. Inside,
 * dynalite's own validation and actions run on its store, without an HTTP round trip each.
 * Puts that only create (`attribute_not_exists(<hash key>)`) are validated first, as dynalite
 * validates a BatchWriteItem, looked up in its store and, once everything else has gone through,
 * written there with their index entries (dynalite's own key and index helpers) in one batch per
 * index; every other action is dynalite's own conditional operation (its expressions, its checks),
 * asking for the old image; when anything fails, what went through is undone from those images
 * and the answer is DynamoDB's TransactionCanceledException with a reason per action.
 * Differences from the service, none of which our code relies on: `ConditionCheck` actions and
 * `ClientRequestToken` idempotency are not supported, and a process killed mid-transaction can
 * leave part of it written (the start-up index check repairs indexes, not this).
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

/** What dynalite and its store fail with: an answer (`statusCode`, `body`) or level's `code`. */
type DynaliteError = Error & { statusCode?: number; body?: Json; code?: string };

type Callback<T> = (err: DynaliteError | null, out?: T) => void;

/** A table's description as dynalite keeps it (what its key and index helpers read). */
type DynaliteTable = Json & { TableName: string };

/** One of dynalite's stores of records: a table's items or one index's entries. */
interface DynaliteSubDb {
  get(key: string, cb: Callback<Json | undefined>): void;
  batch(ops: StorePut[], cb: Callback<unknown>): void;
}

/** A record for dynalite's store, already in the bytes its JSON encoding would make. */
interface StorePut {
  type: "put";
  key: string;
  value: Buffer;
  valueEncoding: "buffer";
}

/** What the transaction's creates use of dynalite's store, beside its actions. */
interface StoreParts {
  getTable(name: string, cb: Callback<DynaliteTable>): void;
  getItemDb(table: string): DynaliteSubDb;
  getIndexDb(kind: "Local" | "Global", table: string, index: string): DynaliteSubDb;
}

/** dynalite's db/index.js helpers: keys, item checks and index entries, as its own actions use them. */
interface DynaliteDb {
  createKey(item: Json, table: DynaliteTable): string;
  validateItem(item: Json, table: DynaliteTable): DynaliteError | undefined;
  getIndexActions(
    indexes: Json[],
    existing: Json | undefined,
    item: Json,
    table: DynaliteTable,
  ): { puts: { index: string; key: string; item: Json }[] };
}

/** A create checked for the store: its table's description, the item, its key in dynalite's store. */
interface Create {
  table: DynaliteTable;
  item: Json;
  storeKey: string;
}

/** dynalite's errors carry the answer they stand for; anything else stays as it is (a 500). */
function asDynamoError(e: unknown): unknown {
  const err = e as DynaliteError | undefined;
  return err?.statusCode ? new DynamoError(err.statusCode, err.body ?? {}) : e;
}

/** A callback of dynalite's store as a promise; a missing record (level's not-found) is undefined. */
function fromStore<T>(run: (cb: Callback<T>) => void): Promise<T> {
  return new Promise((resolve, reject) =>
    run((err, out) => {
      const notFound =
        err && !err.statusCode && (err.code === "LEVEL_NOT_FOUND" || err.name === "NotFoundError");
      if (!err || notFound) resolve((err ? undefined : out) as T);
      else reject(asDynamoError(err));
    }),
  );
}

function byTable(ps: Planned[]): Map<string, Planned[]> {
  const out = new Map<string, Planned[]>();
  for (const p of ps) {
    const list = out.get(p.table);
    if (list) list.push(p);
    else out.set(p.table, [p]);
  }
  return out;
}

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
    db: req("./db/index.js") as DynaliteDb,
    validationOf: (name: string) => load<{ types: unknown; custom: unknown }>(`./validations/${name}.js`),
    actionOf: (name: string) =>
      load<(s: DynaliteStore, d: Json, cb: Callback<Json>) => void>(`./actions/${name}.js`),
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

  const parts = store as StoreParts;

  /** dynalite's own validation of one operation's input (what its request handler runs first). */
  function validate(name: string, input: Json): Json {
    const { validations, validationOf } = dynaliteModules();
    try {
      const v = validationOf(name);
      const data = validations.checkTypes(input, v.types);
      validations.checkValidations(data, v.types, v.custom, store);
      return data;
    } catch (e) {
      throw asDynamoError(e);
    }
  }

  /**
   * One dynalite operation, as its request handler runs it (its own validation, then its action),
   * without the HTTP round trip: called while the gate is held, so it goes straight in.
   */
  function call(op: string, input: Json): Promise<Json> {
    const name = op[0]!.toLowerCase() + op.slice(1);
    return new Promise((resolve, reject) => {
      const data = validate(name, input);
      dynaliteModules().actionOf(name)(store, data, (err, out) => {
        if (err) reject(asDynamoError(err));
        else resolve(out ?? {});
      });
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

  /**
   * The creates, checked before anything is written: dynalite's BatchWriteItem validation (25 at a
   * time) and its per-item key checks, so a bad item cancels the transaction with nothing changed.
   * Each comes back with its table's description and its key in dynalite's store.
   */
  async function validateCreates(creates: Planned[]): Promise<Create[]> {
    const { db } = dynaliteModules();
    const out: Create[] = [];
    for (const [name, ps] of byTable(creates)) {
      const table = await fromStore<DynaliteTable>((cb) => parts.getTable(name, cb));
      for (let i = 0; i < ps.length; i += 25) {
        const requests = ps.slice(i, i + 25).map((p) => ({ PutRequest: { Item: p.params.Item } }));
        const data = validate("batchWriteItem", { RequestItems: { [name]: requests } });
        for (const r of (data.RequestItems as Record<string, { PutRequest: { Item: Json } }[]>)[name]!) {
          const invalid = db.validateItem(r.PutRequest.Item, table);
          if (invalid) throw asDynamoError(invalid);
          out.push({ table, item: r.PutRequest.Item, storeKey: db.createKey(r.PutRequest.Item, table) });
        }
      }
    }
    return out;
  }

  /** Whether each create's key already holds an item, read straight from dynalite's store. */
  function existing(creates: Create[]): Promise<boolean[]> {
    return Promise.all(
      creates.map(async (c) => {
        const db = parts.getItemDb(c.table.TableName);
        return (await fromStore<Json | undefined>((cb) => db.get(c.storeKey, cb))) !== undefined;
      }),
    );
  }

  /**
   * Writes the creates (checked and known absent, the gate held) as dynalite's PutItem would: the
   * item and its index entries (dynalite's own `getIndexActions`), but in one batch per table and
   * index instead of one store write, with its promise and its timer, per record; a transaction of
   * 20 items made about 120 of those, most of the local server's work in a poll. Each record is
   * encoded once, as dynalite's JSON encoding would (the same bytes): the item and the entries of
   * indexes that project all of it share one encoding instead of making four.
   */
  async function writeCreates(creates: Create[]): Promise<void> {
    const { db } = dynaliteModules();
    const batches = new Map<DynaliteSubDb, StorePut[]>();
    const encode = (record: Json) => Buffer.from(JSON.stringify(record), "utf8");
    for (const c of creates) {
      const itemBytes = encode(c.item);
      const put = (sub: DynaliteSubDb, key: string, record: Json) => {
        // An index that projects everything has the item itself as its entry (`getIndexActions`).
        const value = record === c.item ? itemBytes : encode(record);
        const op: StorePut = { type: "put", key, value, valueEncoding: "buffer" };
        const ops = batches.get(sub);
        if (ops) ops.push(op);
        else batches.set(sub, [op]);
      };
      const name = c.table.TableName;
      for (const kind of ["Local", "Global"] as const) {
        const indexes = (c.table[`${kind}SecondaryIndexes`] as Json[] | undefined) ?? [];
        for (const entry of db.getIndexActions(indexes, undefined, c.item, c.table).puts)
          put(parts.getIndexDb(kind, name, entry.index), entry.key, entry.item);
      }
      put(parts.getItemDb(name), c.storeKey, c.item);
    }
    await Promise.all([...batches].map(([sub, ops]) => fromStore((cb) => sub.batch(ops, cb))));
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

    // Puts that only create an item (the poller's new items) are validated and looked up
    // together, and written together last; every other action is dynalite's own conditional
    // operation, all at once (they touch different items), asking for the old image so that it
    // can be undone. Nothing is written before every check has passed but those other actions,
    // which are undone when anything fails; an invalid item fails before any of them.
    const isCreateAt = plan.map((p) => isCreate(p, keySchemas.get(p.table)));
    const createAt = plan.flatMap((_, i) => (isCreateAt[i] ? [i] : []));
    const creates = await validateCreates(createAt.map((i) => plan[i]!));
    const taken = new Set((await existing(creates)).flatMap((found, j) => (found ? [createAt[j]!] : [])));
    if (taken.size > 0)
      throw cancelled(plan.map((_, i) => (taken.has(i) ? "ConditionalCheckFailed" : "None")));
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

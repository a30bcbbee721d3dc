/**
 * dynalite's data folder opened directly (LevelDB, through the `level` module dynalite itself
 * uses), while dynalite is not running on it: to fail the start with a clear line when the folder
 * cannot be used, and to check the indexes after an unclean stop (index-check.ts).
 *
 * dynalite 4.0.0 keeps everything in one LevelDB under prefixed keys (its db/index.js):
 * `table~<name>` (the description), `item-<table>~<key>` (records) and
 * `index-<global|local>~<table>~<index>~<key>` (index entries), values as JSON text.
 */
import { createRequire } from "node:module";
import { StartupError } from "./startup-error.js";

export interface TableDescription {
  TableName: string;
  TableStatus?: string;
  KeySchema: { AttributeName: string; KeyType: string }[];
  AttributeDefinitions: { AttributeName: string; AttributeType: string }[];
  GlobalSecondaryIndexes?: IndexDescription[];
  LocalSecondaryIndexes?: IndexDescription[];
}

export interface IndexDescription {
  IndexName: string;
  KeySchema: { AttributeName: string; KeyType: string }[];
  Projection: { ProjectionType: string; NonKeyAttributes?: string[] };
}

export type IndexType = "global" | "local";

export type Op = { type: "put"; key: string; value: string } | { type: "del"; key: string };

export interface DynaliteFolder {
  tables(): Promise<TableDescription[]>;
  /** Every entry under a prefix (keys without it), values as stored JSON text, in key order. */
  entries(prefix: string): AsyncIterable<[string, string]>;
  get(key: string): Promise<string | undefined>;
  /** Applies every operation in one atomic LevelDB write. */
  write(ops: Op[]): Promise<void>;
  close(): Promise<void>;
}

export const prefixes = {
  table: "table~",
  items: (table: string) => `item-${table}~`,
  index: (type: IndexType, table: string, index: string) => `index-${type}~${table}~${index}~`,
};

interface Level {
  open(): Promise<void>;
  close(): Promise<void>;
  get(key: string): Promise<string | undefined>;
  iterator(range: { gte: string; lt: string; highWaterMarkBytes: number }): {
    nextv(size: number): Promise<[string, string][]>;
    close(): Promise<void>;
  };
  batch(ops: Op[]): Promise<void>;
}

const dynaliteRequire = () => createRequire(createRequire(import.meta.url).resolve("dynalite"));

/** Why LevelDB refused to open, as one line that says what to do. */
function openError(path: string, e: unknown): StartupError {
  const cause = (e as { cause?: { code?: string; message?: string } }).cause;
  const detail = cause?.message ?? (e as Error).message;
  if (cause?.code === "LEVEL_LOCKED")
    return new StartupError(`the database folder ${path} is open in another process: stop it first`);
  if (cause?.code === "LEVEL_CORRUPTION")
    return new StartupError(
      `the database folder ${path} is corrupt (${detail}): restore it from a backup, or move it away to start with an empty database`,
    );
  if (/permission denied|read-only/i.test(detail))
    return new StartupError(
      `the database folder ${path} is not writable (${detail}): give this user write access to it`,
    );
  return new StartupError(
    `the database folder ${path} cannot be opened (${detail}): it may be damaged; restore it from a backup, or move it away to start with an empty database`,
  );
}

export async function openDynaliteFolder(path: string): Promise<DynaliteFolder> {
  const { Level } = dynaliteRequire()("level") as { Level: new (p: string, o: object) => Level };
  const db = new Level(path, { valueEncoding: "utf8" });
  try {
    await db.open();
  } catch (e) {
    throw openError(path, e);
  }
  // Read in large batches: one native call per thousand entries, not per few.
  const entries = (prefix: string): AsyncIterable<[string, string]> => ({
    async *[Symbol.asyncIterator]() {
      const it = db.iterator({ gte: prefix, lt: `${prefix}\xff`, highWaterMarkBytes: 4 << 20 });
      try {
        for (let batch = await it.nextv(1000); batch.length > 0; batch = await it.nextv(1000)) {
          for (const [k, v] of batch) yield [k.slice(prefix.length), v];
        }
      } finally {
        await it.close();
      }
    },
  });
  return {
    async tables() {
      const out: TableDescription[] = [];
      for await (const [, v] of entries(prefixes.table)) out.push(JSON.parse(v));
      return out;
    },
    entries,
    get: (key) => db.get(key),
    write: async (ops) => {
      if (ops.length) await db.batch(ops);
    },
    close: () => db.close(),
  };
}

/** dynalite's own key builders (db/index.js), so index keys are computed exactly as it does. */
export interface DynaliteKeys {
  createKey(item: object, table: TableDescription): string;
  getIndexActions(
    indexes: IndexDescription[],
    existing: object | null,
    item: object | null,
    table: TableDescription,
  ): { puts: { index: string; key: string; item: object }[]; deletes: { index: string; key: string }[] };
}

export const dynaliteKeys = (): DynaliteKeys => dynaliteRequire()("./db/index.js") as DynaliteKeys;

/**
 * The raw table client behind a store, for test harnesses, repair tools and benchmarks only: the
 * domain reaches the table through the repositories, so `Ctx` carries no client.
 */
import type { Db } from "./client.js";

const raw = new WeakMap<object, Db>();

/** Called by `createStore` for the store it makes. */
export function registerRawDb(store: object, db: Db): void {
  raw.set(store, db);
}

/** The client a store was made with. */
export function rawDbOf(store: object): Db {
  const db = raw.get(store);
  if (!db) throw new Error("not a store made by createStore");
  return db;
}

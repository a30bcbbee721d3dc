/**
 * Index entries a crash leaves behind, produced deterministically (testing/torn-writes.ts writes
 * the first half of dynalite's put/update/delete): listings never show them, a start after an
 * unclean stop finds and removes exactly them, and a clean start does not look.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { loadConfig } from "@wkn/core/config";
import type { Ctx } from "@wkn/core/context";
import { testItem } from "@wkn/core/items/testing";
import { capturingLogger, type Logger } from "@wkn/core/log";
import { itemRecord } from "@wkn/core/store/items";
import { keys } from "@wkn/core/store/keys";
import { rawDbOf } from "@wkn/core/store/raw";
import type { SourceRecord } from "@wkn/core/store/sources";
import { subscriberRecord } from "@wkn/core/store/subscribers";
import { newSubscriber } from "@wkn/core/subscribers/manage";
import { afterEach, describe, expect, it } from "vitest";
import { openDynaliteFolder } from "./dynalite-folder.js";
import { checkIndexes, type IndexReport } from "./index-check.js";
import { type LocalRuntime, startLocal } from "./runtime.js";
import { auditIndexes } from "./testing/index-audit.js";
import { tornDelete, tornPut } from "./testing/torn-writes.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const capture = () => capturingLogger();

const T0 = "2026-03-01T00:00:00.000Z";
const PAST = "2026-03-01T01:00:00.000Z";
const FUTURE = "2026-03-09T00:00:00.000Z";
const NOW = "2026-03-02T00:00:00.000Z";

async function start(dataDir: string, log: Logger = capture().log): Promise<LocalRuntime> {
  return startLocal(loadConfig({ DATA_DIR: dataDir, PORT: "0", SOURCES_FILE: "none" }), {
    log,
    schedule: false,
  });
}

const raw = async (ctx: Ctx, key: { pk: string; sk: string }) =>
  (await rawDbOf(ctx.store).doc.send(new GetCommand({ TableName: rawDbOf(ctx.store).table, Key: key })))
    .Item!;

const source = (id: string, name: string): SourceRecord => ({
  id,
  kind: "feed" as const,
  name,
  url: `https://${id}.example/feed.xml`,
  enabled: true,
  intervalMinutes: 60,
  createdAt: T0,
  lastPolledAt: null,
  lastSuccessAt: null,
  nextPollAt: T0,
  consecutiveFailures: 0,
  lastError: null,
  naturalKey: `nk-${id}`,
});

/** A folder with real records, then writes cut half-way, one of each kind. */
async function tornFolder() {
  const dataDir = mkdtempSync(join(tmpdir(), "wkn-torn-"));
  dirs.push(dataDir);
  const rt = await start(dataDir);
  const { store } = rt.ctx;
  for (const id of ["polled", "deleted", "renamed"]) await store.sources.create(source(id, id));
  const item = testItem("https://blog.example/post", { sourceIds: ["polled"] });
  await store.items.createIfAbsent(item);
  const kept = newSubscriber("kept@example.com", "active", "import", T0);
  await store.subscribers.putMany([kept]);
  await store.issues.create({
    id: "1",
    number: 1,
    title: "One",
    subject: "One",
    intro: "",
    status: "draft",
    sections: [],
    createdAt: T0,
    updatedAt: T0,
    sentAt: null,
  });
  const polled = await raw(rt.ctx, keys.source("polled"));
  const renamed = await raw(rt.ctx, keys.source("renamed"));
  const issue = await raw(rt.ctx, keys.issue(1));
  const table = rt.ctx.config.tableName;
  await rt.close();

  const path = join(dataDir, "dynamodb");
  const ghost = newSubscriber("ghost@example.com", "active", "import", T0);
  // an import cut: the entry of a subscriber whose record never landed
  await tornPut(path, table, subscriberRecord(ghost));
  // a poll cut: the source's due-index entry moved to PAST, its record still at T0
  await tornPut(path, table, { ...polled, nextPollAt: PAST, ...keys.sourceIndex(PAST, "polled") });
  // a delete cut: the entry gone, the record still there
  await tornDelete(path, table, keys.source("deleted"));
  // an edit cut: same index keys, other content
  await tornPut(path, table, { ...renamed, name: "never saved" });
  // a status change cut (three indexes move)
  await tornPut(path, table, itemRecord({ ...item, status: "selected" }));
  // an issue transition cut
  await tornPut(path, table, { ...issue, status: "sending", ...keys.issueIndexes(1, "sending") });
  return { dataDir, table, item, ghost, kept };
}

const counts = (r: IndexReport) => ({
  orphaned: r.orphaned,
  stale: r.stale,
  missing: r.missing,
  rewritten: r.rewritten,
});

describe("index check", () => {
  it("finds exactly the entries the cut writes left, by kind, and repairs them in one write", async () => {
    const { dataDir, table } = await tornFolder();
    const folder = await openDynaliteFolder(join(dataDir, "dynamodb"));
    try {
      const found = await checkIndexes(folder, { repair: false });
      const by = Object.fromEntries(
        found.indexes.filter((r) => r.table === table).map((r) => [r.index, counts(r)]),
      );
      expect(by).toEqual({
        // orphaned: the ghost subscriber; stale: the source at PAST, the item under "selected";
        // missing: the source at T0, source "deleted", the item under "new"; rewritten: the
        // renamed source, the issue under its number
        gsi1: { orphaned: 1, stale: 2, missing: 3, rewritten: 2 },
        // item and issue: the new partition has an entry, the old one lost it
        gsi2: { orphaned: 0, stale: 2, missing: 2, rewritten: 0 },
        gsi3: { orphaned: 0, stale: 1, missing: 1, rewritten: 0 },
        // the ranked listings: every item is in them (unscored ranks as 0), so the torn status
        // change shows as in gsi2
        gsi4: { orphaned: 0, stale: 1, missing: 1, rewritten: 0 },
        gsi5: { orphaned: 0, stale: 1, missing: 1, rewritten: 0 },
      });
      expect(found.repaired).toBe(18);
      await checkIndexes(folder, { repair: true });
      const after = await checkIndexes(folder, { repair: false });
      expect(after.repaired).toBe(0);
      expect(after.indexes.every((r) => counts(r).orphaned + r.stale + r.missing + r.rewritten === 0)).toBe(
        true,
      );
    } finally {
      await folder.close();
    }
  });

  it("finds nothing to repair in a folder written only by dynalite", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "wkn-clean-"));
    dirs.push(dataDir);
    const rt = await start(dataDir);
    const { store } = rt.ctx;
    await store.sources.create(source("a", "A"));
    await store.sources.update("a", { nextPollAt: FUTURE, lastPolledAt: NOW });
    const item = testItem("https://x.example/1", { sourceIds: ["a"] });
    await store.items.createIfAbsent(item);
    await store.items.addSource(item.id, "b");
    await store.items.update(item, { status: "selected", comment: "ünïcode ✓" });
    await store.subscribers.putMany([newSubscriber("a@example.com", "pending", "subscribe", T0)]);
    await rt.close();
    const folder = await openDynaliteFolder(join(dataDir, "dynamodb"));
    try {
      const result = await checkIndexes(folder, { repair: false });
      expect(result.records).toBeGreaterThanOrEqual(5);
      expect(result.repaired).toBe(0);
    } finally {
      await folder.close();
    }
  });
});

describe("listings over entries a crash left", () => {
  it("show only what the records say, before any repair (a clean start does not check)", async () => {
    const { dataDir, item, ghost, kept } = await tornFolder();
    const { log, lines } = capture();
    const rt = await start(dataDir, log); // lock released properly: no check
    try {
      expect(lines.filter((l) => l.msg.startsWith("unclean stop"))).toEqual([]);
      const { store } = rt.ctx;
      // the poll that ran after the cut one: the source now has a stale and a current entry
      await store.sources.update("polled", { nextPollAt: FUTURE, lastPolledAt: NOW });
      expect(await auditIndexes(rawDbOf(store))).not.toEqual([]);

      const sources = await store.sources.list();
      expect(sources.map((s) => s.id).sort()).toEqual(["polled", "renamed"]); // "deleted" lost its entry
      expect(sources.find((s) => s.id === "polled")?.nextPollAt).toBe(FUTURE);
      expect(sources.find((s) => s.id === "renamed")?.name).toBe("renamed");
      expect((await store.sources.listDue(NOW)).map((s) => s.id)).toEqual(["renamed"]);

      expect((await store.subscribers.list({ status: "active", limit: 50 })).subscribers).toEqual([kept]);
      const exported: string[] = [];
      for await (const page of store.subscribers.pages("active")) exported.push(...page.map((s) => s.email));
      expect(exported).toEqual(["kept@example.com"]);
      expect(await store.subscribers.remove(ghost.id)).toBeUndefined();

      expect((await store.items.list({ status: "selected", limit: 50 })).items).toEqual([]);
      expect((await store.items.list({ status: "selected", sourceId: "polled", limit: 50 })).items).toEqual(
        [],
      );
      expect((await store.items.list({ status: "selected", kind: item.kind, limit: 50 })).items).toEqual([]);

      expect((await store.issues.listByStatus("sending")).map((i) => i.number)).toEqual([]);
      expect((await store.issues.list()).map((i) => [i.number, i.status])).toEqual([[1, "draft"]]);
    } finally {
      await rt.close();
    }
  });

  it("are whole again after a start that follows an unclean stop, which logs what it repaired", async () => {
    const { dataDir, item } = await tornFolder();
    writeFileSync(join(dataDir, ".lock"), "999999999"); // its owner died
    const { log, lines } = capture();
    const rt = await start(dataDir, log);
    try {
      const note = lines.find((l) => l.msg.startsWith("unclean stop"));
      expect(note?.level).toBe("warn");
      expect(note?.fields).toMatchObject({
        repaired: {
          [`${rt.ctx.config.tableName}.gsi1`]: { orphaned: 1, stale: 2, missing: 3, rewritten: 2 },
        },
      });
      expect(typeof note?.fields?.ms).toBe("number");
      const { store } = rt.ctx;
      expect(await auditIndexes(rawDbOf(store))).toEqual([]);
      expect((await store.sources.list()).map((s) => s.id).sort()).toEqual(["deleted", "polled", "renamed"]);
      expect((await store.items.list({ status: "new", limit: 50 })).items.map((i) => i.id)).toEqual([
        item.id,
      ]);
      expect((await store.issues.listByStatus("draft")).map((i) => i.number)).toEqual([1]);
    } finally {
      await rt.close();
    }
  });
});

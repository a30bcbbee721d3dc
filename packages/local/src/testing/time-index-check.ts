/**
 * How long the index check after an unclean stop takes on a large table:
 *
 *   node --import tsx packages/local/src/testing/time-index-check.ts [items=50000]
 *
 * Builds a data folder holding `items` items (each in three indexes) through a real start, cuts
 * 30 writes half-way (testing/torn-writes.ts), leaves the lock of a dead process, and times the
 * check alone (folder opened directly) and then a whole start that runs it. Prints JSON lines.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "@wkn/core/config";
import { testItem } from "@wkn/core/items/testing";
import { capturingLogger, silentLogger } from "@wkn/core/log";
import { batchPutAll } from "@wkn/core/store/batch";
import { itemRecord } from "@wkn/core/store/items";
import { rawDbOf } from "@wkn/core/store/raw";
import { mapLimit } from "@wkn/core/util/concurrency";
import { openDynaliteFolder } from "../dynalite-folder.js";
import { checkIndexes } from "../index-check.js";
import { startLocal } from "../runtime.js";
import { tornPut } from "./torn-writes.js";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
const N = Number(process.argv[2] ?? 50_000);
const TORN = 30;
const BASE = Date.UTC(2026, 0, 5, 12);

const item = (i: number) =>
  testItem(`https://site${i % 200}.example/posts/${i}`, {
    title: `Post ${i}: a note on evaluation`,
    description: `Item ${i}: ${"a sentence of a feed's description, ".repeat(6)}`,
    kind: i % 5 === 0 ? "release" : "article",
    status: i % 10 === 8 ? "selected" : i % 10 === 9 ? "rejected" : "new",
    sourceIds: [`src-${i % 40}`],
    publishedAt: new Date(BASE - i * 60_000).toISOString(),
    discoveredAt: new Date(BASE).toISOString(),
  });

const silent = silentLogger;
const out = (o: Record<string, unknown>) => console.log(JSON.stringify(o));

const root = mkdtempSync(join(tmpdir(), "wkn-time-check-"));
const dataDir = join(root, "data");
const config = loadConfig({ DATA_DIR: dataDir, PORT: "0", SOURCES_FILE: "none" });
try {
  let t = performance.now();
  const rt = await startLocal(config, { log: silent, schedule: false });
  const records = Array.from({ length: N }, (_, i) => itemRecord(item(i)));
  const chunks = Array.from({ length: Math.ceil(N / 500) }, (_, k) => records.slice(k * 500, k * 500 + 500));
  await mapLimit(chunks, 4, (chunk) => batchPutAll(rawDbOf(rt.ctx.store), chunk));
  const table = rt.ctx.config.tableName;
  await rt.close();
  out({ step: "built", items: N, ms: Math.round(performance.now() - t) });

  const path = join(dataDir, "dynamodb");
  for (let i = 0; i < TORN; i++) await tornPut(path, table, itemRecord({ ...item(i), status: "used" }));

  const folder = await openDynaliteFolder(path);
  t = performance.now();
  const found = await checkIndexes(folder, { repair: false });
  out({
    step: "check only",
    records: found.records,
    differ: found.repaired,
    ms: Math.round(performance.now() - t),
  });
  await folder.close();

  writeFileSync(join(dataDir, ".lock"), "999999999"); // a dead process's lock
  const { log: capture, lines: said } = capturingLogger();
  t = performance.now();
  const again = await startLocal(config, { log: capture, schedule: false });
  const startMs = Math.round(performance.now() - t);
  await again.close();
  out({
    step: "start after an unclean stop",
    ms: startMs,
    log: said.find((l) => l.msg.startsWith("unclean")),
  });
} finally {
  rmSync(root, { recursive: true, force: true });
}

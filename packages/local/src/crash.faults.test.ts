/**
 * `npm start` killed with SIGKILL 20 times at seeded random points while it polls feeds, imports
 * subscribers or sends an issue, on one persisted data folder. After each kill a start runs (it
 * finds the dead process's lock, checks the indexes and repairs them), and then every index equals
 * what the records imply, every listing shows exactly the records (no phantom, nothing twice), and
 * the due sources are exactly those whose nextPollAt has passed.
 *
 * A kill lands while the database is being written: the test watches dynalite's write-ahead log
 * grow and kills once it grew by a seeded amount, log-uniform up to what that kind of operation
 * writes (learnt from the operations that finished before their kill). Slow by design: `npm run test:faults`.
 * WKN_CRASH_SEED replays another sequence.
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "@wkn/core/config";
import { capturingLogger } from "@wkn/core/log";
import type { ItemStatus, SubscriberStatus } from "@wkn/core/model";
import { createSource } from "@wkn/core/sources/manage";
import { rss } from "@wkn/core/sources/test-server";
import { stripKeys } from "@wkn/core/store/keys";
import { rawDbOf } from "@wkn/core/store/raw";
import { seededRandom } from "@wkn/testing/faults/dynamo-proxy";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startLocal } from "./runtime.js";
import { type Entry, spawnEntry } from "./testing/entry.js";
import { auditIndexes, scanAll } from "./testing/index-audit.js";

const SEED = Number(process.env.WKN_CRASH_SEED ?? 20260302);
const KILLS = Number(process.env.WKN_CRASH_KILLS ?? 20);
const FEEDS = 12;
const NEW_PER_POLL = 6;
const IMPORT_ROWS = 250;
const TOKEN = "crash-test-editor-token-0123456789";
const SECRET = "crash-test-signing-secret-0123456789";
const OPS = ["import", "poll", "send"] as const;
type Op = (typeof OPS)[number];

interface Kill {
  op: Op;
  /** Bytes the log was to grow by before the kill, and by how much it grew. */
  target: number;
  written: number;
  /** The operation had ended before the kill (the kill then hit an idle server). */
  finished: boolean;
  /** Index entries the start after the kill repaired. */
  repaired: number;
  /** Milliseconds: the child's start, the operation until the kill, the start after it with the checks. */
  ms: { start: number; op: number; verify: number };
}

let root: string;
let dataDir: string;
let web: Server;
let origin: string;
/** Each poll finds NEW_PER_POLL more entries per feed. */
let round = 0;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "wkn-crash-"));
  dataDir = join(root, "data");
  web = createServer((req, res) => {
    const feed = req.url?.match(/^\/feed\/(\d+)$/);
    if (feed) {
      const i = Number(feed[1]);
      const entries = Array.from({ length: NEW_PER_POLL * (round + 1) }, (_, j) => ({
        title: `Feed ${i} post ${j}`,
        link: `${origin}/post/${i}/${j}`,
        pubDate: new Date(Date.UTC(2026, 0, 1, i, j)).toUTCString(),
      }));
      res.writeHead(200, { "content-type": "application/rss+xml" }).end(rss(`Feed ${i}`, entries, origin));
      return;
    }
    res
      .writeHead(200, { "content-type": "text/html" })
      .end(
        `<html><head><title>Post ${req.url}</title><meta name="description" content="A post"></head></html>`,
      );
  });
  await new Promise<void>((r) => web.listen(0, "127.0.0.1", () => r()));
  origin = `http://127.0.0.1:${(web.address() as AddressInfo).port}`;
});

afterAll(async () => {
  web.closeAllConnections();
  await new Promise((r) => web.close(r));
  rmSync(root, { recursive: true, force: true });
});

const env = (extra: Record<string, string> = {}) => ({
  DATA_DIR: dataDir,
  PORT: "0",
  EDITOR_TOKEN: TOKEN,
  SIGNING_SECRET: SECRET,
  ALLOW_PRIVATE_NETWORK: "1",
  POLL_CRON: "0 0 1 1 *",
  SOURCES_FILE: "none",
  ...extra,
});

/** Bytes dynalite appended to its write-ahead logs (a log replaced by a new one keeps counting). */
function logWatcher() {
  const dir = join(dataDir, "dynamodb");
  const sizes = new Map<string, number>();
  const read = () => {
    for (const f of readdirSync(dir).filter((n) => n.endsWith(".log"))) {
      try {
        sizes.set(f, Math.max(sizes.get(f) ?? 0, statSync(join(dir, f)).size));
      } catch {
        // compacted away meanwhile: its last size stays counted
      }
    }
    return [...sizes.values()].reduce((a, b) => a + b, 0);
  };
  const start = read();
  return () => read() - start;
}

async function api(url: string, path: string, init: RequestInit & { json?: unknown } = {}) {
  const headers: Record<string, string> = { authorization: `Bearer ${TOKEN}` };
  if (init.json !== undefined) headers["content-type"] = "application/json";
  const res = await fetch(`${url}${path}`, {
    ...init,
    headers: { ...headers, ...(init.headers as Record<string, string>) },
    body: init.json !== undefined ? JSON.stringify(init.json) : init.body,
  });
  return res;
}

/**
 * Readies an operation in the child; the returned `go` starts the part that may be killed and
 * settles when that work ended (or the child died).
 */
async function ready(op: Op, url: string, n: number): Promise<() => Promise<unknown>> {
  if (op === "poll") {
    round++;
    return () => api(url, "/api/poll?all=1", { method: "POST" }).catch(() => undefined);
  }
  if (op === "import") {
    const rows = Array.from({ length: IMPORT_ROWS }, (_, i) => `reader-${n}-${i}@example.com`);
    return () =>
      api(url, "/api/subscribers/import", {
        method: "POST",
        headers: { "content-type": "text/csv" },
        body: `email\n${rows.join("\n")}\n`,
      }).catch(() => undefined);
  }
  // a send: a draft with a few candidates; `go` is /send (its items become "used", the issue
  // "sending") and the run that follows in the background, until the issue leaves "sending"
  const items = (await (await api(url, "/api/items?status=new&limit=3")).json()) as {
    items: { id: string }[];
  };
  const created = await api(url, "/api/issues", { method: "POST", json: { title: `Issue ${n}` } });
  const { id } = (await created.json()) as { id: string };
  await api(url, `/api/issues/${id}`, {
    method: "PUT",
    json: { sections: [{ heading: "News", body: "This week.", itemIds: items.items.map((i) => i.id) }] },
  });
  return async () => {
    const sent = await api(url, `/api/issues/${id}/send`, { method: "POST" }).catch(() => undefined);
    if (!sent) return;
    expect(sent.status, await sent.clone().text()).toBe(202);
    for (;;) {
      const r = await api(url, `/api/issues/${id}`).catch(() => undefined);
      if (!r) return;
      const body = (await r.json()) as { status: string };
      if (body.status !== "sending") return;
      await new Promise((res) => setTimeout(res, 20));
    }
  };
}

const capture = () => capturingLogger();

type Rec = Record<string, unknown>;
const byKind = (records: Rec[], pk: string, sk: string) =>
  records.filter((r) => String(r.pk).startsWith(pk) && r.sk === sk);
const sorted = (xs: string[]) => [...xs].sort();

/** A start after the kill (it repairs), then every listing against the records. */
async function verify(kill: number): Promise<{ repaired: number }> {
  const { log, lines } = capture();
  // A clock a minute ahead: the killed sender's lease has expired, so its send resumes at once.
  const rt = await startLocal(loadConfig(env({ SES_MAX_SEND_RATE: "5000" })), {
    log,
    schedule: false,
    now: () => new Date(Date.now() + 60_000),
  });
  try {
    const check = lines.find((l) => l.msg.startsWith("unclean stop"));
    expect(check, `kill ${kill}: the start after a kill checks the indexes`).toBeDefined();
    await rt.jobs.idle(); // the killed send, resumed to its end
    const { store } = rt.ctx;
    expect(await auditIndexes(rawDbOf(store)), `kill ${kill}: raw indexes`).toEqual([]);

    const records = await scanAll(rawDbOf(store));
    const sources = byKind(records, "SOURCE#", "SOURCE");
    const listed = await store.sources.list();
    expect(sorted(listed.map((s) => s.id)), `kill ${kill}: sources`).toEqual(
      sorted(sources.map((s) => String(s.id))),
    );
    for (const s of listed) expect(s).toEqual(stripKeys(sources.find((r) => r.id === s.id)!));
    const viaApi = (await (await api(rt.url, "/api/sources")).json()) as { sources: { id: string }[] };
    expect(viaApi.sources.map((s) => s.id).sort()).toEqual(sorted(listed.map((s) => s.id)));
    const now = new Date().toISOString();
    const due = await store.sources.listDue(now);
    expect(sorted(due.map((s) => s.id)), `kill ${kill}: due sources`).toEqual(
      sorted(
        sources.filter((s) => s.enabled === true && String(s.nextPollAt) <= now).map((s) => String(s.id)),
      ),
    );

    const items = byKind(records, "ITEM#", "ITEM");
    for (const status of ["new", "selected", "rejected", "used"] as ItemStatus[]) {
      const ids: string[] = [];
      for (let cursor: string | null | undefined, pages = 0; pages === 0 || cursor; pages++) {
        const page = await store.items.list({ status, limit: 100, cursor });
        ids.push(...page.items.map((i) => i.id));
        cursor = page.nextCursor;
      }
      expect(ids.length, `kill ${kill}: items ${status} listed once each`).toBe(new Set(ids).size);
      expect(sorted(ids), `kill ${kill}: items ${status}`).toEqual(
        sorted(items.filter((i) => i.status === status).map((i) => String(i.id))),
      );
    }
    const feed0 = await store.items.list({ status: "new", sourceId: "feed-0", limit: 100 });
    expect(feed0.nextCursor).toBeNull(); // fewer than 100: one page holds them all
    expect(sorted(feed0.items.map((i) => i.id)), `kill ${kill}: items of feed-0`).toEqual(
      sorted(
        items
          .filter((i) => i.status === "new" && (i.sourceIds as string[]).includes("feed-0"))
          .map((i) => String(i.id)),
      ),
    );

    const subs = byKind(records, "SUB#", "SUB");
    for (const status of ["pending", "active", "unsubscribed", "suppressed"] as SubscriberStatus[]) {
      const ids: string[] = [];
      for (let cursor: string | null | undefined, pages = 0; pages === 0 || cursor; pages++) {
        const page = await store.subscribers.list({ status, limit: 500, cursor });
        ids.push(...page.subscribers.map((s) => s.id));
        cursor = page.nextCursor;
      }
      const want = sorted(subs.filter((s) => s.status === status).map((s) => String(s.id)));
      expect(sorted(ids), `kill ${kill}: subscribers ${status}`).toEqual(want);
      const exported: string[] = [];
      for await (const page of store.subscribers.pages(status)) exported.push(...page.map((s) => s.id));
      expect(sorted(exported), `kill ${kill}: export ${status}`).toEqual(want);
    }

    const issues = byKind(records, "ISSUE#", "ISSUE");
    expect(sorted((await store.issues.list()).map((i) => String(i.number)))).toEqual(
      sorted(issues.map((i) => String(i.number))),
    );
    for (const status of ["draft", "sending", "paused", "sent"] as const) {
      expect(sorted((await store.issues.listByStatus(status)).map((i) => String(i.number)))).toEqual(
        sorted(issues.filter((i) => i.status === status).map((i) => String(i.number))),
      );
    }
    const repaired = (check?.fields?.repaired ?? {}) as Record<string, Record<string, number>>;
    return {
      repaired: Object.values(repaired).reduce((n, r) => n + Object.values(r).reduce((a, b) => a + b, 0), 0),
    };
  } finally {
    await rt.close();
  }
}

it("after each of 20 kills during polls, imports and sends, indexes and listings equal the records", async () => {
  const random = seededRandom(SEED);
  // the folder, with its sources
  const setup = await startLocal(loadConfig(env()), { log: capture().log, schedule: false });
  for (let i = 0; i < FEEDS; i++)
    await createSource(setup.ctx, { kind: "feed", id: `feed-${i}`, url: `${origin}/feed/${i}` });
  await setup.close();

  /** Bytes each kind of operation writes, learnt from operations that finished first. */
  const writes: Record<Op, number> = { import: 150_000, poll: 300_000, send: 100_000 };
  const summary: Kill[] = [];
  for (let kill = 1; kill <= KILLS; kill++) {
    const op = OPS[(kill - 1) % OPS.length]!;
    const t0 = performance.now();
    const child: Entry = spawnEntry(env({ SES_MAX_SEND_RATE: "100" }));
    let row: Kill;
    try {
      const [, url] = await child.waitFor(/editor: +(http:\/\/\S+)\//);
      const t1 = performance.now();
      // log-uniform between 1 kB and what the operation writes: early moments get their share
      const target = Math.round(1000 * (writes[op] / 1000) ** random());
      const go = await ready(op, url!, kill);
      const written = logWatcher();
      let ended = false;
      const done = go();
      void done.then(() => {
        ended = true;
      });
      // wait on the database, not a clock: until the log grew by the target or the work ended
      while (!ended && written() < target) await new Promise((r) => setTimeout(r, 2));
      const finished = ended;
      child.proc.kill("SIGKILL");
      await child.exited;
      await done;
      const bytes = written();
      if (finished) writes[op] = Math.max(writes[op], bytes);
      const ms = { start: Math.round(t1 - t0), op: Math.round(performance.now() - t1), verify: 0 };
      row = { op, target, written: bytes, finished, repaired: 0, ms };
    } finally {
      if (child.proc.exitCode === null && child.proc.signalCode === null) child.proc.kill("SIGKILL");
    }
    const t2 = performance.now();
    row.repaired = (await verify(kill)).repaired;
    row.ms.verify = Math.round(performance.now() - t2);
    summary.push(row);
  }
  console.log(
    `[crash] seed ${SEED}\n${summary.map((s, i) => `  kill ${i + 1}: ${JSON.stringify(s)}`).join("\n")}`,
  );
  // most kills must land mid-operation, or the test proves little
  expect(summary.filter((s) => !s.finished).length).toBeGreaterThanOrEqual(KILLS / 2);
}, 300_000);

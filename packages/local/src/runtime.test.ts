import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SESClient, SendRawEmailCommand } from "@aws-sdk/client-ses";
import { loadConfig } from "@wkn/core/config";
import { silentLogger } from "@wkn/core/log";
import { addActive, readyDraft } from "@wkn/testing/mail";
import { CSP } from "@wkn/web/server";
import { afterEach, describe, expect, it } from "vitest";
import { acquireDataLock, DataDirLockedError } from "./lock.js";
import { JOB_CONCURRENCY, startLocal } from "./runtime.js";

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), "wkn-local-"));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const configFor = (dataDir: string) => loadConfig({ DATA_DIR: dataDir, PORT: "0", SOURCES_FILE: "none" });

describe("npm start runtime", () => {
  it("serves the API with a generated token and keeps data and token across a restart", async () => {
    const dataDir = tempDir();
    let rt = await startLocal(configFor(dataDir), { log: silentLogger, schedule: false });
    const token = rt.config.editorToken;
    expect(token.length).toBeGreaterThanOrEqual(24);
    expect(await (await fetch(`${rt.url}/api/health`)).json()).toEqual({ ok: true });
    expect((await fetch(`${rt.url}/api/sources`)).status).toBe(401);
    const auth = { authorization: `Bearer ${token}`, "content-type": "application/json" };
    const created = await fetch(`${rt.url}/api/sources`, {
      method: "POST",
      headers: auth,
      body: JSON.stringify({ kind: "github", repo: "huggingface/transformers" }),
    });
    expect(created.status).toBe(201);
    const { id } = await created.json();
    await rt.close();

    rt = await startLocal(configFor(dataDir), { log: silentLogger, schedule: false });
    try {
      expect(rt.config.editorToken).toBe(token);
      const list = await (await fetch(`${rt.url}/api/sources`, { headers: auth })).json();
      expect(list.sources.map((s: { id: string }) => s.id)).toEqual([id]);
    } finally {
      await rt.close();
    }
  });

  it("refuses a second runtime on the same data folder, and frees it on close", async () => {
    const dataDir = tempDir();
    const rt = await startLocal(configFor(dataDir), { log: silentLogger, schedule: false });
    await expect(
      startLocal(configFor(dataDir), { log: silentLogger, schedule: false }),
    ).rejects.toBeInstanceOf(DataDirLockedError);
    await rt.close();
    const again = await startLocal(configFor(dataDir), { log: silentLogger, schedule: false });
    await again.close();
  });

  it("keeps a message sent through the local SES endpoint in the outbox with all its headers", async () => {
    const dataDir = tempDir();
    const rt = await startLocal(configFor(dataDir), { log: silentLogger, schedule: false });
    try {
      const ses = new SESClient({
        region: "us-east-1",
        endpoint: rt.config.sesEndpoint,
        credentials: { accessKeyId: "local", secretAccessKey: "local" },
      });
      const raw = [
        "From: Weekly <newsletter@example.com>",
        "To: reader@example.org",
        "Subject: Hello",
        "List-Unsubscribe: <https://example.com/unsubscribe?token=abc>",
        "List-Unsubscribe-Post: List-Unsubscribe=One-Click",
        "MIME-Version: 1.0",
        "Content-Type: text/plain; charset=utf-8",
        "",
        "Hi there",
        "",
      ].join("\r\n");
      const out = await ses.send(new SendRawEmailCommand({ RawMessage: { Data: Buffer.from(raw) } }));
      expect(out.MessageId).toBeTruthy();
      const files = readdirSync(join(dataDir, "outbox")).filter((f) => f.endsWith(".eml"));
      expect(files).toHaveLength(1);
      const stored = readFileSync(join(dataDir, "outbox", files[0]!), "utf8");
      expect(stored).toBe(raw);
      ses.destroy();
    } finally {
      await rt.close();
    }
  });
});

describe("the editor's page", () => {
  it("is served beside the API: / and /assets/* from packages/web/dist, the rest by the API", async () => {
    const rt = await startLocal(configFor(tempDir()), { log: silentLogger, schedule: false });
    try {
      const page = await fetch(`${rt.url}/`);
      expect(page.status).toBe(200);
      expect(page.headers.get("content-type")).toBe("text/html; charset=utf-8");
      expect(page.headers.get("content-security-policy")).toBe(CSP);
      expect(page.headers.get("cache-control")).toBe("no-store");
      const html = await page.text();
      const script = html.match(/src="(\/assets\/[^"]+\.js)"/)?.[1];
      expect(script).toBeDefined();
      const asset = await fetch(`${rt.url}${script}`);
      expect(asset.status).toBe(200);
      expect(asset.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
      expect(asset.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
      expect((await fetch(`${rt.url}/assets/nothing.js`)).status).toBe(404);

      expect(await (await fetch(`${rt.url}/api/health`)).json()).toEqual({ ok: true });
      // other methods on / are the API's (a 404 in its own words)
      const post = await fetch(`${rt.url}/`, { method: "POST" });
      expect(post.status).toBe(404);
      expect((await post.json()).error.code).toBe("not_found");
    } finally {
      await rt.close();
    }
  });
});

/** A loopback feed whose posts link back to it; counts the requests per path. */
async function feedServer() {
  const hits = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const path = req.url ?? "/";
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    if (path.startsWith("/feed/")) {
      res.writeHead(200, { "content-type": "application/rss+xml" });
      res.end(
        `<?xml version="1.0"?><rss version="2.0"><channel><title>Local</title>` +
          `<item><title>Post of ${path}</title><link>${origin}/post${path}</link></item></channel></rss>`,
      );
    } else {
      res.writeHead(200, { "content-type": "text/html" });
      res.end(`<title>A post</title><meta name="description" content="about ${path}">`);
    }
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { origin, hits, close: () => new Promise<void>((r) => server.close(() => r())) };
}

describe("the first run", () => {
  it("polls the sources never polled right after start-up, in the background, and only those", async () => {
    const feeds = await feedServer();
    const dataDir = tempDir();
    const sourcesFile = join(tempDir(), "sources.yaml");
    writeFileSync(
      sourcesFile,
      [
        `- { id: fresh, kind: feed, name: Fresh, url: "${feeds.origin}/feed/fresh" }`,
        `- { id: off, kind: feed, name: Off, url: "${feeds.origin}/feed/off", enabled: false }`,
      ].join("\n"),
    );
    const config = () =>
      loadConfig({ DATA_DIR: dataDir, PORT: "0", SOURCES_FILE: sourcesFile, ALLOW_PRIVATE_NETWORK: "1" });
    let rt = await startLocal(config(), { log: silentLogger, schedule: false, firstPoll: true });
    try {
      const auth = { authorization: `Bearer ${rt.config.editorToken}` };
      expect(await rt.firstPoll).toEqual(["fresh"]);
      await rt.jobs.idle();
      // what the page shows: GET /api/sources, lastPolledAt set as each poll lands
      const { sources } = await (await fetch(`${rt.url}/api/sources`, { headers: auth })).json();
      const byId = new Map(sources.map((s: { id: string }) => [s.id, s]));
      expect(byId.get("fresh")).toMatchObject({ lastPolledAt: expect.any(String), lastError: null });
      expect(byId.get("off")).toMatchObject({ lastPolledAt: null });
      const items = await (await fetch(`${rt.url}/api/items`, { headers: auth })).json();
      expect(items.items.map((i: { title: string }) => i.title)).toEqual(["Post of /feed/fresh"]);
      expect(feeds.hits.get("/feed/fresh")).toBe(1);
      expect(feeds.hits.has("/feed/off")).toBe(false);
      await rt.close();

      // a restart finds nothing never polled: no poll until the schedule says so
      rt = await startLocal(config(), { log: silentLogger, schedule: false, firstPoll: true });
      expect(await rt.firstPoll).toEqual([]);
      await rt.jobs.idle();
      expect(feeds.hits.get("/feed/fresh")).toBe(1);
    } finally {
      await rt.close();
      await feeds.close();
    }
  });

  // A stop right after start-up used to close the database under the first poll's query, and
  // dynalite threw "Database is not open" outside any promise: `npm start` exited with code 1.
  it("a stop right after start-up waits for the first poll's reads before closing the database", async () => {
    const dataDir = tempDir();
    const config = () => loadConfig({ DATA_DIR: dataDir, PORT: "0", SOURCES_FILE: "none" });
    for (let round = 0; round < 5; round++) {
      const rt = await startLocal(config(), { log: silentLogger, schedule: false, firstPoll: true });
      let settled = false;
      void rt.firstPoll.then(() => {
        settled = true;
      });
      await rt.close();
      expect(settled, `round ${round}`).toBe(true);
    }
  });

  it("is off when the schedule is (tests), unless asked for", async () => {
    const rt = await startLocal(configFor(tempDir()), { log: silentLogger, schedule: false });
    try {
      expect(await rt.firstPoll).toEqual([]);
    } finally {
      await rt.close();
    }
  });
});

describe("scheduled work", () => {
  it("resumes a send left unfinished, as the 15-minute schedule does, and runs it to the end", async () => {
    const rt = await startLocal(configFor(tempDir()), { log: silentLogger, schedule: false });
    try {
      expect(await rt.resumeTick()).toEqual([]);
      await addActive(rt.ctx, 2);
      const n = await readyDraft(rt.ctx);
      // an issue in "sending" whose job is gone (a crash, a dead letter)
      await rt.ctx.store.issues.transition(n, "draft", "sending");
      expect(await rt.resumeTick()).toEqual([n]);
      await rt.jobs.idle();
      expect(await rt.ctx.store.issues.get(n)).toMatchObject({
        status: "sent",
        delivery: { total: 2, sent: 2 },
      });
      expect(readdirSync(join(rt.config.dataDir, "outbox")).filter((f) => f.endsWith(".eml"))).toHaveLength(
        2,
      );
      expect(await rt.resumeTick()).toEqual([]);
    } finally {
      await rt.close();
    }
  });

  it("runs every job kind, confirmation mails included", () => {
    expect(Object.keys(JOB_CONCURRENCY).sort()).toEqual(["confirm", "poll", "send", "unfurl"]);
  });
});

describe("npm start on a locked folder", () => {
  it("exits at once with a clear message", async () => {
    const dataDir = tempDir();
    const { release } = acquireDataLock(dataDir);
    try {
      const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const child = execFile(
          process.execPath,
          ["--import", "tsx", join(import.meta.dirname, "main.ts")],
          { env: { ...process.env, DATA_DIR: dataDir, PORT: "0" }, timeout: 20_000 },
          (err, _stdout, stderr) =>
            resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stderr }),
        );
        child.stdin?.end();
      });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain("in use by another process");
      expect(result.stderr).toContain(String(process.pid));
    } finally {
      release();
    }
  });
});

/**
 * A send killed with SIGKILL in the middle (a crashed process, a Lambda that timed out) and then
 * resumed: nobody gets the issue twice, and everybody is either sent or reported as ambiguous.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { startTestEnv, TEST_SECRET, TEST_TOKEN, type TestEnv } from "@wkn/testing";
import {
  addActive,
  MAIL_ENV,
  mailCtx,
  perDestination,
  readyDraft,
  type SesHandle,
  startSes,
} from "@wkn/testing/mail";
import { afterAll, beforeAll, expect, it } from "vitest";
import { getIssue } from "../issues/drafts.js";
import { silentLogger } from "../log.js";
import { createCtx } from "../runtime.js";
import { runSend, startSend } from "./send.js";

const CHILD = fileURLToPath(new URL("./testdata/send-child.ts", import.meta.url));
const LEASE_MS = 30_000;
const RECIPIENTS = 240;
/** Killed once this many deliveries are recorded as sent in the table. */
const KILL_AFTER = 40;

let env: TestEnv;
let sesHandle: SesHandle;
let child: ChildProcess | undefined;
beforeAll(async () => {
  env = await startTestEnv();
  sesHandle = await startSes(60); // slow enough to be killed half-way
});
afterAll(async () => {
  child?.kill("SIGKILL");
  await sesHandle.close();
  await env.close();
});

/**
 * Waits on the table's state (each check is a strongly consistent Query), however long it takes;
 * checks are spaced so they do not starve the child's writes to the same dynalite.
 */
async function until(cond: () => Promise<boolean>, proc: ChildProcess, stderr: () => string) {
  while (!(await cond())) {
    if (proc.exitCode !== null)
      throw new Error(`the sending process ended early (${proc.exitCode}): ${stderr()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

it("resumes a send whose process was killed: no duplicate, every recipient sent or reported", async () => {
  const local = sesHandle.ses;
  const ctx = await mailCtx(env, local);
  const subs = await addActive(ctx, RECIPIENTS);
  const n = await readyDraft(ctx);
  await startSend(ctx, n);

  let stderr = "";
  child = spawn(process.execPath, ["--import", "tsx", CHILD], {
    env: {
      ...process.env,
      ...MAIL_ENV,
      EDITOR_TOKEN: TEST_TOKEN,
      SIGNING_SECRET: TEST_SECRET,
      TABLE_NAME: ctx.config.tableName,
      DYNAMODB_ENDPOINT: env.dynamoEndpoint,
      SES_ENDPOINT: local.endpoint,
      SEND_ISSUE: String(n),
      SEND_LEASE_MS: String(LEASE_MS),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stderr?.on("data", (d) => {
    stderr += String(d);
  });
  const sentRecords = async () =>
    (await ctx.store.deliveries.list(n)).filter((d) => d.status === "sent").length >= KILL_AFTER;
  await until(sentRecords, child, () => stderr);
  child.kill("SIGKILL");
  await once(child, "exit");
  const beforeResume = local.messages().length;
  expect(beforeResume).toBeLessThan(RECIPIENTS);

  // Later, by the clock of the runner that resumes: the dead process's lease has expired.
  const later = createCtx(ctx.config, { log: silentLogger, now: () => new Date(Date.now() + 2 * LEASE_MS) });
  const result = await runSend(later, n, { leaseMs: LEASE_MS });

  expect(result.status).toBe("sent");
  if (result.status !== "sent") throw new Error("unreachable");
  const counts = perDestination(local);
  const twice = [...counts].filter(([, c]) => c > 1);
  expect(twice).toEqual([]);

  const { delivery, ambiguous } = result;
  expect(delivery.total).toBe(RECIPIENTS);
  expect(delivery.pending).toBe(0);
  expect(delivery.sent + delivery.failed + delivery.ambiguous).toBe(RECIPIENTS);
  // Claims made ahead of the SES calls were in flight when the process died.
  expect(delivery.ambiguous).toBeGreaterThan(0);

  // Every ambiguous delivery is listed, with its address; every other recipient got one message.
  const records = await ctx.store.deliveries.list(n);
  expect(records).toHaveLength(RECIPIENTS);
  const ambiguousIds = records.filter((d) => d.status === "ambiguous").map((d) => d.subscriberId);
  expect(ambiguous.map((a) => a.subscriberId).sort()).toEqual(ambiguousIds.sort());
  const listed = new Set(ambiguousIds);
  for (const s of subs) {
    if (listed.has(s.id)) expect(counts.get(s.email) ?? 0).toBeLessThanOrEqual(1);
    else expect(counts.get(s.email), s.email).toBe(1);
  }
  // A "sent" record carries the id SES answered for that very message.
  const idsByDestination = new Map(local.messages().map((m) => [m.destinations[0], m.id]));
  for (const d of records.filter((r) => r.status === "sent"))
    expect(d.messageId).toBe(idsByDestination.get(d.email));

  const issue = await getIssue(ctx, n);
  expect(issue.status).toBe("sent");
  expect(issue.delivery.sent).toBe(delivery.sent);
}, 180_000);

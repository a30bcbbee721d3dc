/**
 * A 500-recipient send through the local SES endpoint with 10% of DynamoDB requests failing
 * (claims, status reads, settles, the lease): each recipient gets exactly one message and the
 * issue ends "sent". Continuations are run as they come; a run a fault outlasted is run again,
 * as the job runner would, and reported. A delivery SES left without an answer (ambiguous, by
 * design never sent again) is reported on the summary line, not failed: it is not a DB fault.
 */

import { startTestEnv, type TestEnv } from "@wkn/testing";
import { asJobRunner, FAULT_RATE, faultyPair } from "@wkn/testing/faults";
import {
  addActive,
  MAIL_ENV,
  perDestination,
  readyDraft,
  recordingJobs,
  type SesHandle,
  startSes,
} from "@wkn/testing/mail";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type RunSendResult, resumeSends, runSend, startSend } from "./send.js";

let env: TestEnv;
let ses: SesHandle;
beforeAll(async () => {
  env = await startTestEnv();
  ses = await startSes(1000);
});
afterAll(async () => {
  await ses.close();
  await env.close();
});

it("sends 500 recipients exactly once through 10% DynamoDB faults, and ends sent", async () => {
  const { jobs, enqueued } = recordingJobs();
  const pair = await faultyPair(env, "send (500 recipients)", {
    jobs,
    env: { ...MAIL_ENV, SES_ENDPOINT: ses.ses.endpoint },
  });
  const { faulty, direct } = pair;
  pair.proxy.setRate(0);
  const subs = await addActive(direct, 500);
  const n = await readyDraft(direct);
  pair.proxy.setRate(FAULT_RATE);

  // A start that threw is either still a draft (start again) or sending without a job (the
  // 15-minute resume enqueues it).
  await asJobRunner(pair, "start", async () => {
    const rec = await direct.store.issues.mustGet(n);
    if (rec.status === "draft") await startSend(faulty, n);
    else if (!enqueued.some((j) => j.kind === "send")) await resumeSends(direct);
  });

  const results: RunSendResult[] = [];
  for (let runs = 0; runs < 20; runs++) {
    const job = enqueued.shift();
    if (!job) break;
    if (job.kind !== "send") continue;
    results.push(await asJobRunner(pair, "send job", () => runSend(faulty, n)));
  }
  pair.proxy.setRate(0);
  pair.notes.runs = results.map((r) => r.status);
  const records = await direct.store.deliveries.list(n);
  const ambiguous = records.filter((d) => d.status === "ambiguous");
  pair.notes.ambiguous = ambiguous.map((d) => `${d.email}: ${d.error}`);

  // An SES call that ended without an answer is SES's side (reported, never sent again); a claim
  // left behind by a run that died on a database fault would be this suite's finding.
  expect(ambiguous.filter((d) => /^claimed by run/.test(d.error ?? ""))).toEqual([]);
  expect(results.at(-1)).toMatchObject({
    status: "sent",
    delivery: {
      total: 500,
      sent: 500 - ambiguous.length,
      failed: 0,
      pending: 0,
      ambiguous: ambiguous.length,
    },
  });
  const counts = perDestination(ses.ses);
  const sentTo = new Set(records.filter((d) => d.status === "sent" && d.messageId).map((d) => d.email));
  expect(sentTo.size).toBe(500 - ambiguous.length);
  expect(subs.filter((s) => sentTo.has(s.email) && counts.get(s.email) !== 1).map((s) => s.email)).toEqual(
    [],
  );
  expect([...counts].filter(([, c]) => c > 1)).toEqual([]);
  expect((await direct.store.issues.mustGet(n)).status).toBe("sent");
  pair.notes.messages = ses.ses.messages().length;
});

/**
 * A 1,000-row CSV import with 10% of DynamoDB requests failing, partial batches included: every
 * valid new address is stored once with its status, known ones keep theirs, the counts add up.
 */

import { startTestEnv, type TestEnv } from "@wkn/testing";
import { asJobRunner, FAULT_RATE, FAULT_SEED, faultyPair } from "@wkn/testing/faults";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Subscriber } from "../model/index.js";
import { SUBSCRIBER_STATUSES } from "../store/subscribers.js";
import { importSubscribers } from "./csv.js";
import { newSubscriber } from "./manage.js";

let env: TestEnv;
beforeAll(async () => {
  env = await startTestEnv();
});
afterAll(async () => {
  await env.close();
});

/**
 * Rows 0–999: 800 new active, 40 unsubscribed, 20 suppressed, 30 pending, 40 invalid, 30 repeats
 * of an earlier row (another case), 40 already known (20 active, 20 unsubscribed).
 */
function rows() {
  const out: { email: string; status: string }[] = [];
  for (let i = 0; i < 800; i++) out.push({ email: `new${i}@example.com`, status: "" });
  for (let i = 0; i < 40; i++) out.push({ email: `gone${i}@example.com`, status: "unsubscribed" });
  for (let i = 0; i < 20; i++) out.push({ email: `bounced${i}@example.com`, status: "suppressed" });
  for (let i = 0; i < 30; i++) out.push({ email: `waiting${i}@example.com`, status: "pending" });
  for (let i = 0; i < 40; i++) out.push({ email: i % 2 ? `bad${i}@` : `bad ${i}@example.com`, status: "" });
  for (let i = 0; i < 30; i++) out.push({ email: `NEW${i * 7}@Example.COM`, status: "" });
  for (let i = 0; i < 40; i++) out.push({ email: `known${i}@example.com`, status: "" });
  return out;
}

// Batches make an import few requests (about 50): three seeds draw more faults.
it.each([0, 1, 2])(
  "imports 1,000 rows with one request in ten faulted (seed +%i): each valid row once, counts add up",
  async (k) => {
    const pair = await faultyPair(env, `CSV import (1,000 rows, seed +${k})`, { seed: FAULT_SEED + k });
    pair.proxy.setRate(0);
    const now = pair.direct.now().toISOString();
    await pair.direct.store.subscribers.putMany(
      Array.from({ length: 40 }, (_, i) =>
        newSubscriber(`known${i}@example.com`, i < 20 ? "active" : "unsubscribed", "editor", now),
      ),
    );
    const all = rows();
    expect(all).toHaveLength(1000);
    const csv = ["email,status", ...all.map((r) => `${r.email},${r.status}`)].join("\r\n");

    pair.proxy.setRate(FAULT_RATE);
    const results = [];
    // The editor uploads the file again when an import fails: known addresses are skipped then.
    results.push(await asJobRunner(pair, "import", () => importSubscribers(pair.faulty, csv)));
    pair.proxy.setRate(0);

    const r = results[0]!;
    expect(r.imported + r.skipped + r.invalid.length).toBe(1000);
    expect(r.invalid).toHaveLength(40);
    if (pair.reruns.length === 0) {
      expect(r.imported).toBe(800);
      expect(r.skippedBy).toEqual({
        unsubscribed: 40 + 20,
        suppressed: 20,
        not_confirmed: 30,
        duplicate_in_file: 30,
        active: 20,
      });
    }

    const stored = new Map<string, Subscriber>();
    for (const status of SUBSCRIBER_STATUSES)
      for await (const page of pair.direct.store.subscribers.pages(status))
        for (const s of page) {
          expect(stored.has(s.email), s.email).toBe(false);
          stored.set(s.email, s);
        }
    const statusOf = (email: string) => stored.get(email)?.status;
    expect(stored.size).toBe(800 + 40 + 20 + 40);
    for (let i = 0; i < 800; i++) expect(statusOf(`new${i}@example.com`)).toBe("active");
    for (let i = 0; i < 40; i++) expect(statusOf(`gone${i}@example.com`)).toBe("unsubscribed");
    for (let i = 0; i < 20; i++) expect(statusOf(`bounced${i}@example.com`)).toBe("suppressed");
    for (let i = 0; i < 40; i++)
      expect(statusOf(`known${i}@example.com`)).toBe(i < 20 ? "active" : "unsubscribed");
    pair.notes.imported = r.imported;
    pair.notes.skippedBy = r.skippedBy;
    pair.notes.invalid = r.invalid.length;
  },
);

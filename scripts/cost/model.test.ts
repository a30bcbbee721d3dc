import { describe, expect, it } from "vitest";
import { type Counts, DEFAULT_COUNTS } from "./counts.js";
import { costSummary, formatCost } from "./format.js";
import { costModel, scheduledPerMonth } from "./model.js";
import { PRICES, type PriceKey, type PriceTable } from "./prices.js";
import { REFERENCE, type Reference } from "./reference.js";
import { templates } from "./testing.js";

const total = (r: ReturnType<typeof costModel>) => r.totals.monthlyUsdWithSes;
const line = (r: ReturnType<typeof costModel>, item: string) => {
  const l = r.lines.find((x) => `${x.service} ${x.item}`.startsWith(item));
  if (!l) throw new Error(`no line ${item}: ${r.lines.map((x) => `${x.service} ${x.item}`).join(", ")}`);
  return l;
};

describe("scheduledPerMonth", () => {
  it("reads rate() and hourly or daily cron() expressions", () => {
    expect(scheduledPerMonth("rate(15 minutes)", 730)).toBe(2920);
    expect(scheduledPerMonth("rate(1 hour)", 730)).toBe(730);
    expect(scheduledPerMonth("cron(0 * * * ? *)", 730)).toBe(730);
    expect(scheduledPerMonth("cron(0 6 * * ? *)", 720)).toBe(30);
    expect(() => scheduledPerMonth("at(2026-01-01T00:00:00)", 730)).toThrow(/schedule/);
  });
});

describe("costModel", () => {
  const base = costModel(templates(), DEFAULT_COUNTS, REFERENCE);

  it("prices each line as quantity x unit price, and totals with and without SES", () => {
    for (const l of base.lines) {
      expect(l.usd).toBeCloseTo((l.quantity * PRICES[l.priceKey].usd) / PRICES[l.priceKey].per, 10);
      expect(l.source).toMatch(/^https:\/\/aws\.amazon\.com\//);
      expect(l.asOf).toMatch(/^list price as of \w+ \d{4}$/);
    }
    const ses = base.lines.filter((l) => l.ses);
    expect(ses.map((l) => l.service)).toEqual(["SES"]);
    const sum = base.lines.reduce((s, l) => s + l.usd, 0);
    expect(base.totals.monthlyUsdWithSes).toBeCloseTo(sum, 10);
    expect(base.totals.monthlyUsdWithSes - base.totals.monthlyUsdExSes).toBeCloseTo(ses[0]!.usd, 10);
    expect(base.totals.fixedUsd + base.totals.usageUsd).toBeCloseTo(base.totals.monthlyUsdExSes, 10);
  });

  it("uses every price: raising any one raises the total", () => {
    const used = [...new Set(base.lines.map((l) => l.priceKey))];
    expect(used.length).toBeGreaterThanOrEqual(15);
    for (const key of used) {
      const prices = { ...PRICES, [key]: { ...PRICES[key], usd: PRICES[key].usd * 2 } } as PriceTable;
      expect(total(costModel(templates(), DEFAULT_COUNTS, REFERENCE, prices)), key).toBeGreaterThan(
        total(base),
      );
    }
    // and only the lines priced by it
    const prices = { ...PRICES, sqsRequest: { ...PRICES.sqsRequest, usd: 0 } } as PriceTable;
    const free = costModel(templates(), DEFAULT_COUNTS, REFERENCE, prices);
    const sqs = base.lines.filter((l) => l.priceKey === ("sqsRequest" satisfies PriceKey));
    expect(total(base) - total(free)).toBeCloseTo(
      sqs.reduce((s, l) => s + l.usd, 0),
      10,
    );
  });

  it("uses every measured count: raising any one raises the total", () => {
    const bump: ((c: Counts) => void)[] = [
      (c) => {
        c.poll.first.reads += 1;
      },
      (c) => {
        c.poll.first.writes += 1;
      },
      (c) => {
        c.poll.steady.reads += 1;
      },
      (c) => {
        c.poll.steady.writes += 1;
      },
      (c) => {
        c.poll.repeat.reads += 1;
      },
      (c) => {
        c.poll.repeat.writes += 1;
      },
      (c) => {
        c.sendRequestsPerRecipient += 1;
      },
      (c) => {
        c.listingReadsPerPage += 1;
      },
    ];
    for (const [i, f] of bump.entries()) {
      const counts = structuredClone(DEFAULT_COUNTS);
      f(counts);
      expect(total(costModel(templates(), counts, REFERENCE)), `count ${i}`).toBeGreaterThan(total(base));
    }
  });

  it("bills each function at its configured memory", () => {
    const bigger = costModel(
      templates(({ ingest }) => {
        ingest.Worker!.Properties.MemorySize = 2048;
      }),
      DEFAULT_COUNTS,
      REFERENCE,
    );
    expect(line(bigger, "Lambda poll-worker").quantity).toBeCloseTo(
      2 * line(base, "Lambda poll-worker").quantity,
      6,
    );
    expect(line(bigger, "Lambda poll-worker").item).toContain("2048 MB");
    expect(line(bigger, "Lambda api").quantity).toBe(line(base, "Lambda api").quantity);
  });

  it("counts alarm metrics, custom metrics and idle queue polling as fixed charges", () => {
    expect(line(base, "CloudWatch alarms")).toMatchObject({ quantity: 4, fixed: true });
    expect(line(base, "CloudWatch custom metrics")).toMatchObject({ quantity: 1, fixed: true });
    // one event source with a maximum concurrency: 5 pollers, 3 long polls a minute each, all month
    expect(line(base, "SQS requests: idle")).toMatchObject({ quantity: 5 * 180 * 730, fixed: true });
    const noMax = costModel(
      templates(({ ingest }) => void delete ingest.WorkerSource!.Properties.ScalingConfig),
      DEFAULT_COUNTS,
      REFERENCE,
    );
    expect(line(noMax, "SQS requests: idle").quantity).toBe(2 * 180 * 730);
    expect(base.totals.alarmsUsd).toBeCloseTo(0.4 + 0.3, 10);
    expect(base.totals.monthlyUsdExSesWithoutAlarms).toBeCloseTo(base.totals.monthlyUsdExSes - 0.7, 10);
  });

  it("takes the workload from the reference: twice the subscribers, twice SES", () => {
    const ref: Reference = { ...REFERENCE, subscribers: REFERENCE.subscribers * 2, subscribesPerMonth: 0 };
    const twice = costModel(templates(), DEFAULT_COUNTS, ref);
    const once = costModel(templates(), DEFAULT_COUNTS, { ...REFERENCE, subscribesPerMonth: 0 });
    expect(twice.totals.sesUsd).toBeCloseTo(2 * once.totals.sesUsd, 10);
  });

  it("names the largest line without SES and why", () => {
    const top = Math.max(...base.lines.filter((l) => !l.ses).map((l) => l.usd));
    expect(base.dominant.line.usd).toBe(top);
    expect(base.dominant.line.ses).toBe(false);
    expect(base.dominant.why.length).toBeGreaterThan(10);
  });

  it("meets the goal only under it and with nothing always on", () => {
    const quiet: Reference = { ...REFERENCE, goalUsd: 1_000 };
    expect(costModel(templates(), DEFAULT_COUNTS, quiet).totals.withinGoal).toBe(true);
    const withKey = costModel(
      templates(({ api }) => {
        api.Key = { Type: "AWS::KMS::Key" };
      }),
      DEFAULT_COUNTS,
      quiet,
    );
    expect(withKey.totals).toMatchObject({ withinGoal: false, alwaysOnResources: 1 });
    expect(withKey.notes.some((n) => n.includes("AWS::KMS::Key"))).toBe(true);
  });

  it("skips, with a note, work whose function is not in the templates", () => {
    const r = costModel(
      templates(({ api }) => void delete api.Web),
      DEFAULT_COUNTS,
      REFERENCE,
    );
    expect(r.lines.some((l) => l.item.startsWith("web "))).toBe(false);
    expect(r.notes).toContain('no function "web" in the templates: its work is not priced');
  });

  it("prints one line per item and a summary for the JSON line", () => {
    const printed = formatCost(base, REFERENCE, "defaults");
    for (const l of base.lines) expect(printed.some((p) => p.includes(`${l.service} ${l.item}`))).toBe(true);
    expect(printed.some((p) => p.startsWith("dominates: "))).toBe(true);
    const s = costSummary(base);
    expect(typeof s.monthlyUsdExSes).toBe("number");
    expect(typeof s.monthlyUsdWithSes).toBe("number");
    expect(s.monthlyUsdWithSes).toBeGreaterThan(s.monthlyUsdExSes);
  });
});

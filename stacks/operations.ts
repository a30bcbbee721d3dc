/**
 * Operational settings of a deploy: API throttling, the API function's reserved concurrency, log
 * retention and the operator's e-mail for alarms. Read from the environment of `sst deploy`, like
 * settings.ts (one deploy is one stage, so each stage gets its own values); not forwarded to the
 * functions. Every value has a default that fits a small newsletter.
 */
import { RetentionDays } from "aws-cdk-lib/aws-logs";

/** The variables read here; the infra tests clear them before each build. */
export const OPERATION_SETTINGS = [
  "API_THROTTLE",
  "SUBSCRIBE_THROTTLE",
  "ARCHIVE_THROTTLE",
  "MEDIA_THROTTLE",
  "API_RESERVED_CONCURRENCY",
  "LOG_RETENTION_DAYS",
  "OPERATOR_EMAIL",
] as const;

export interface Throttle {
  /** Steady requests per second. */
  rate: number;
  /** Requests allowed at once above the rate. */
  burst: number;
}

export interface OperationSettings {
  throttle: {
    /** The whole API (stage default): the editor's calls, the page, everything below. */
    stage: Throttle;
    /** Unauthenticated writes that mail or change a subscriber: subscribe, confirm, unsubscribe. */
    subscribe: Throttle;
    /** The public archive pages and feed. */
    archive: Throttle;
    /** Thumbnails shown in sent mail: many readers open an issue at once after a send. */
    media: Throttle;
  };
  /** Most API function instances at once; undefined: no reservation (see README). */
  apiReservedConcurrency: number | undefined;
  logRetention: RetentionDays;
  operatorEmail: string | undefined;
}

export const DEFAULT_OPERATIONS = {
  throttle: {
    stage: { rate: 50, burst: 100 },
    subscribe: { rate: 2, burst: 5 },
    archive: { rate: 10, burst: 20 },
    media: { rate: 25, burst: 50 },
  },
  // The workers run at most 10 + 5 + 2 + 2 at once (their event sources' maximum concurrency):
  // the API may not take what they need of the account's concurrency.
  apiReservedConcurrency: 20,
  logRetentionDays: 30,
} as const;

const THROTTLE_VARS = {
  stage: "API_THROTTLE",
  subscribe: "SUBSCRIBE_THROTTLE",
  archive: "ARCHIVE_THROTTLE",
  media: "MEDIA_THROTTLE",
} as const;

/** `rate/burst`, e.g. `50/100`. */
function parseThrottle(name: string, value: string): Throttle {
  const m = /^(\d+(?:\.\d+)?)\/(\d+)$/.exec(value);
  const rate = Number(m?.[1]);
  const burst = Number(m?.[2]);
  if (!m || rate <= 0 || burst < 1) throw new Error(`${name} is "rate/burst" (e.g. 50/100), not "${value}"`);
  return { rate, burst };
}

/** CloudWatch Logs accepts only these retention periods (in days). */
function parseRetention(value: string): RetentionDays {
  const days = Number(value);
  const allowed = Object.values(RetentionDays).filter(
    (v): v is number => typeof v === "number" && v !== RetentionDays.INFINITE,
  );
  if (!allowed.includes(days))
    throw new Error(`LOG_RETENTION_DAYS must be one of ${allowed.join(", ")}, not "${value}"`);
  return days as RetentionDays;
}

function parseConcurrency(value: string): number | undefined {
  if (value === "none") return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new Error(`API_RESERVED_CONCURRENCY is a whole number ≥ 1 or "none", not "${value}"`);
  return n;
}

export function operationSettings(
  source: Record<string, string | undefined> = process.env,
): OperationSettings {
  const get = (name: (typeof OPERATION_SETTINGS)[number]) => source[name]?.trim() || undefined;
  const throttle = Object.fromEntries(
    Object.entries(THROTTLE_VARS).map(([key, name]) => {
      const value = get(name);
      return [
        key,
        value ? parseThrottle(name, value) : DEFAULT_OPERATIONS.throttle[key as keyof typeof THROTTLE_VARS],
      ];
    }),
  ) as OperationSettings["throttle"];
  for (const key of ["subscribe", "archive", "media"] as const) {
    // a route may not get more than the whole API: the stage limit would cap it anyway
    if (throttle[key].rate > throttle.stage.rate || throttle[key].burst > throttle.stage.burst)
      throw new Error(`${THROTTLE_VARS[key]} exceeds API_THROTTLE`);
  }
  const concurrency = get("API_RESERVED_CONCURRENCY");
  const retention = get("LOG_RETENTION_DAYS");
  const operatorEmail = get("OPERATOR_EMAIL");
  if (operatorEmail && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(operatorEmail))
    throw new Error(`OPERATOR_EMAIL is not an address: "${operatorEmail}"`);
  return {
    throttle,
    apiReservedConcurrency: concurrency
      ? parseConcurrency(concurrency)
      : DEFAULT_OPERATIONS.apiReservedConcurrency,
    logRetention: retention ? parseRetention(retention) : DEFAULT_OPERATIONS.logRetentionDays,
    operatorEmail,
  };
}

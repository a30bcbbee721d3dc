/**
 * Configuration from the environment (DESIGN.md "Configuration"). The one place that reads
 * `process.env`; everything else receives a `Config`.
 */
export interface Config {
  port: number;
  host: string;
  dataDir: string;
  editorToken: string;
  signingSecret: string;
  publicBaseUrl: string;
  newsletterName: string;
  /** The readers' language: their pages, the confirmation mail and the mail's footer (`NEWSLETTER_LANG`). */
  newsletterLang: NewsletterLang;
  /** The time zone of the date in mail and archive (`NEWSLETTER_TZ`, an IANA name). */
  newsletterTz: string;
  /** Slug of the newsletter name: default `utm_source` and Message-ID domain part. */
  newsletterSlug: string;
  fromEmail: string;
  sourcesFile: string | undefined;
  allowPrivateNetwork: boolean;
  /** How many proxies in front of the local server append to X-Forwarded-For (0: trust none). */
  trustProxy: number;
  githubApiUrl: string;
  githubToken: string | undefined;
  kaggleApiUrl: string;
  kaggleApiToken: string | undefined;
  kaggleUsername: string | undefined;
  kaggleKey: string | undefined;
  /**
   * A competition sent in an earlier issue comes back as a candidate when its deadline is this
   * many days away or fewer (`DEADLINE_REMINDER_DAYS`, default 7; 0: never). items/reminders.ts.
   */
  deadlineReminderDays: number;
  dynamodbEndpoint: string | undefined;
  sesEndpoint: string | undefined;
  sesMaxSendRate: number;
  pollCron: string;
  region: string;
  tableName: string;
  utmSource: string | undefined;
  /** `utm_campaign` template; `{number}` is replaced by the issue number. */
  utmCampaign: string;
  userAgent: string;
  /** The private S3 bucket of hosted thumbnails on AWS (`MEDIA_BUCKET`); unset: `DATA_DIR/media`. */
  mediaBucket: string | undefined;
  /** SQS queue URLs on AWS; unset locally, where the same work runs in-process. */
  queues: { poll?: string; unfurl?: string; send?: string; confirm?: string };
}

export type Env = Record<string, string | undefined>;

export const NEWSLETTER_LANGS = ["en", "ja"] as const;
export type NewsletterLang = (typeof NEWSLETTER_LANGS)[number];

function newsletterLang(env: Env): NewsletterLang {
  const v = nonEmpty(env.NEWSLETTER_LANG)?.toLowerCase() ?? "en";
  if ((NEWSLETTER_LANGS as readonly string[]).includes(v)) return v as NewsletterLang;
  throw new Error(
    `NEWSLETTER_LANG must be one of ${NEWSLETTER_LANGS.join(", ")}, got "${env.NEWSLETTER_LANG}"`,
  );
}

/** `NEWSLETTER_TZ`, checked by Intl; by default Tokyo for a Japanese newsletter, else UTC. */
function newsletterTz(env: Env, lang: NewsletterLang): string {
  const v = nonEmpty(env.NEWSLETTER_TZ) ?? (lang === "ja" ? "Asia/Tokyo" : "UTC");
  // A canonical name stands for itself (what DateTimeFormat would answer), checked without
  // building a formatter: that loads ICU's locale data, milliseconds of every cold start.
  if (v === "UTC" || Intl.supportedValuesOf("timeZone").includes(v)) return v;
  try {
    return new Intl.DateTimeFormat("en", { timeZone: v }).resolvedOptions().timeZone;
  } catch {
    throw new Error(`NEWSLETTER_TZ must be an IANA time zone such as Asia/Tokyo or UTC, got "${v}"`);
  }
}

const nonEmpty = (v: string | undefined): string | undefined => (v && v.trim() !== "" ? v.trim() : undefined);

function int(env: Env, name: string, fallback: number, min = 0): number {
  const raw = nonEmpty(env[name]);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min) throw new Error(`${name} must be a number >= ${min}, got "${raw}"`);
  return n;
}

/** A count such as TRUST_PROXY: a whole number >= 0, else a config error naming the variable. */
function count(env: Env, name: string, what: string): number {
  const raw = nonEmpty(env[name]);
  if (raw === undefined) return 0;
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(Number(raw)))
    throw new Error(`${name} must be a whole number >= 0 (${what}), got "${raw}"`);
  return Number(raw);
}

export function slugify(name: string): string {
  return (
    name
      .normalize("NFKD")
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "") || "newsletter"
  );
}

/**
 * The default `utm_source`: like `slugify` but keeping Unicode letters and digits (NFKC,
 * lowercase, other runs become "-"), so "週刊Kaggleニュース" gives "週刊kaggleニュース" rather
 * than "kaggle"; the URL percent-encodes it. `slugify` stays for the ASCII-only uses (Message-ID).
 */
export function unicodeSlug(name: string): string {
  return (
    name
      .normalize("NFKC")
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\p{M}]+/gu, "-")
      .replace(/^-+|-+$/g, "") || "newsletter"
  );
}

export function loadConfig(env: Env = process.env): Config {
  const port = int(env, "PORT", 3000, 0);
  const newsletterName = nonEmpty(env.NEWSLETTER_NAME) ?? "Weekly Kaggle News";
  const publicBaseUrl = (nonEmpty(env.PUBLIC_BASE_URL) ?? `http://localhost:${port}`).replace(/\/+$/, "");
  try {
    const u = new URL(publicBaseUrl);
    if (u.protocol !== "https:" && u.protocol !== "http:") throw new Error("scheme");
  } catch {
    throw new Error(`PUBLIC_BASE_URL must be an http(s) URL, got "${publicBaseUrl}"`);
  }
  return {
    port,
    host: nonEmpty(env.HOST) ?? "127.0.0.1",
    dataDir: nonEmpty(env.DATA_DIR) ?? "./.data",
    editorToken: nonEmpty(env.EDITOR_TOKEN) ?? "",
    signingSecret: nonEmpty(env.SIGNING_SECRET) ?? "",
    publicBaseUrl,
    newsletterName,
    newsletterSlug: slugify(newsletterName),
    newsletterLang: newsletterLang(env),
    newsletterTz: newsletterTz(env, newsletterLang(env)),
    fromEmail: nonEmpty(env.FROM_EMAIL) ?? "newsletter@localhost",
    sourcesFile: nonEmpty(env.SOURCES_FILE),
    allowPrivateNetwork: env.ALLOW_PRIVATE_NETWORK === "1" || env.ALLOW_PRIVATE_NETWORK === "true",
    trustProxy: count(env, "TRUST_PROXY", "how many X-Forwarded-For hops to trust"),
    githubApiUrl: (nonEmpty(env.GITHUB_API_URL) ?? "https://api.github.com").replace(/\/+$/, ""),
    githubToken: nonEmpty(env.GITHUB_TOKEN),
    kaggleApiUrl: (nonEmpty(env.KAGGLE_API_URL) ?? "https://api.kaggle.com/v1").replace(/\/+$/, ""),
    kaggleApiToken: nonEmpty(env.KAGGLE_API_TOKEN),
    kaggleUsername: nonEmpty(env.KAGGLE_USERNAME),
    kaggleKey: nonEmpty(env.KAGGLE_KEY),
    deadlineReminderDays:
      nonEmpty(env.DEADLINE_REMINDER_DAYS) === undefined
        ? 7
        : count(env, "DEADLINE_REMINDER_DAYS", "days before a deadline to remind; 0: never"),
    dynamodbEndpoint: nonEmpty(env.DYNAMODB_ENDPOINT),
    sesEndpoint: nonEmpty(env.SES_ENDPOINT),
    sesMaxSendRate: int(env, "SES_MAX_SEND_RATE", 14, 0.001),
    pollCron: nonEmpty(env.POLL_CRON) ?? "0 * * * *",
    region: nonEmpty(env.AWS_REGION) ?? nonEmpty(env.AWS_DEFAULT_REGION) ?? "us-east-1",
    tableName: nonEmpty(env.TABLE_NAME) ?? "newsletter",
    utmSource: nonEmpty(env.UTM_SOURCE),
    utmCampaign: nonEmpty(env.UTM_CAMPAIGN) ?? "issue-{number}",
    userAgent:
      nonEmpty(env.USER_AGENT) ??
      `${newsletterName.replace(/[^\x20-\x7e]/g, "")}/0.1 (+${publicBaseUrl}; newsletter feed reader)`,
    mediaBucket: nonEmpty(env.MEDIA_BUCKET),
    queues: {
      poll: nonEmpty(env.POLL_QUEUE_URL),
      unfurl: nonEmpty(env.UNFURL_QUEUE_URL),
      send: nonEmpty(env.SEND_QUEUE_URL),
      confirm: nonEmpty(env.CONFIRM_QUEUE_URL),
    },
  };
}

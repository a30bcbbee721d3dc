/**
 * Unit prices of the services the stacks use: AWS's us-east-1 list prices, written down from the
 * pricing pages as they read in June 2025 (this machine has no network: they were not re-checked
 * since; `asOf` says so on every printed line). No free tier is subtracted from a price; the
 * always-free allowances that apply are kept beside it (`freePerMonth`, in the price's own unit)
 * so the model can also print a total after them.
 */

export interface Price {
  /** Dollars per `per` units. */
  usd: number;
  per: number;
  /** What one unit is ("GB-second", "request", "alarm metric-month", ...). */
  unit: string;
  /** The AWS pricing page it comes from. */
  source: string;
  /** Always-free units a month for the whole account (0: none). */
  freePerMonth: number;
}

export const PRICES_AS_OF = "list price as of June 2025";

const LAMBDA = "https://aws.amazon.com/lambda/pricing/";
const DYNAMODB = "https://aws.amazon.com/dynamodb/pricing/on-demand/";
const SQS = "https://aws.amazon.com/sqs/pricing/";
const SNS = "https://aws.amazon.com/sns/pricing/";
const APIGW = "https://aws.amazon.com/api-gateway/pricing/";
const CLOUDWATCH = "https://aws.amazon.com/cloudwatch/pricing/";
const S3 = "https://aws.amazon.com/s3/pricing/";
const SES = "https://aws.amazon.com/ses/pricing/";
const EC2_TRANSFER = "https://aws.amazon.com/ec2/pricing/on-demand/#Data_Transfer";

export const PRICES = {
  /** Lambda on Arm (Graviton), first 7.5 billion GB-seconds a month. */
  lambdaGbSecondArm: {
    usd: 0.0000133334,
    per: 1,
    unit: "GB-second (arm64)",
    source: LAMBDA,
    freePerMonth: 400_000,
  },
  lambdaRequest: { usd: 0.2, per: 1_000_000, unit: "request", source: LAMBDA, freePerMonth: 1_000_000 },
  /** On-demand, after the November 2024 price cut (halved). */
  dynamoWriteUnit: {
    usd: 0.625,
    per: 1_000_000,
    unit: "write request unit",
    source: DYNAMODB,
    freePerMonth: 0,
  },
  dynamoReadUnit: {
    usd: 0.125,
    per: 1_000_000,
    unit: "read request unit",
    source: DYNAMODB,
    freePerMonth: 0,
  },
  dynamoStorageGb: {
    usd: 0.25,
    per: 1,
    unit: "GB-month (table + indexes)",
    source: DYNAMODB,
    freePerMonth: 25,
  },
  dynamoPitrGb: {
    usd: 0.2,
    per: 1,
    unit: "GB-month (point-in-time recovery)",
    source: DYNAMODB,
    freePerMonth: 0,
  },
  /** Standard queues, every API action of up to 64 KB (ReceiveMessage, empty ones included). */
  sqsRequest: { usd: 0.4, per: 1_000_000, unit: "request", source: SQS, freePerMonth: 1_000_000 },
  snsPublish: { usd: 0.5, per: 1_000_000, unit: "publish request", source: SNS, freePerMonth: 1_000_000 },
  /** Deliveries to Lambda and SQS are free; to e-mail they are not. */
  snsEmailDelivery: { usd: 2, per: 100_000, unit: "e-mail notification", source: SNS, freePerMonth: 1_000 },
  /** HTTP API, first 300 million a month (each 512 KB counted as one). */
  httpApiRequest: { usd: 1, per: 1_000_000, unit: "request", source: APIGW, freePerMonth: 0 },
  logsIngestGb: { usd: 0.5, per: 1, unit: "GB ingested", source: CLOUDWATCH, freePerMonth: 5 },
  /** Stored compressed; the 5 GB free covers ingestion, archive and scanned data together. */
  logsStorageGb: { usd: 0.03, per: 1, unit: "GB-month stored", source: CLOUDWATCH, freePerMonth: 0 },
  /** Standard resolution: each metric an alarm reads counts (an expression of two metrics: two). */
  alarmMetric: { usd: 0.1, per: 1, unit: "alarm metric-month", source: CLOUDWATCH, freePerMonth: 10 },
  customMetric: { usd: 0.3, per: 1, unit: "metric-month", source: CLOUDWATCH, freePerMonth: 10 },
  s3StorageGb: { usd: 0.023, per: 1, unit: "GB-month (Standard)", source: S3, freePerMonth: 0 },
  s3Put: { usd: 0.005, per: 1_000, unit: "PUT request", source: S3, freePerMonth: 0 },
  s3Get: { usd: 0.0004, per: 1_000, unit: "GET request", source: S3, freePerMonth: 0 },
  /** Out to the internet, first 10 TB; the first 100 GB a month are free account-wide. */
  transferOutGb: {
    usd: 0.09,
    per: 1,
    unit: "GB out to the internet",
    source: EC2_TRANSFER,
    freePerMonth: 100,
  },
  /** Outbound mail sent from Lambda (not EC2), and its data. */
  sesMessage: { usd: 0.1, per: 1_000, unit: "message", source: SES, freePerMonth: 0 },
} as const satisfies Record<string, Price>;

export type PriceKey = keyof typeof PRICES;
export type PriceTable = Record<PriceKey, Price>;

/**
 * What the synthesized CloudFormation templates say that costs money: each function's memory,
 * architecture and timeout, the queues and their event sources (whose pollers bill SQS requests
 * even when idle), topics, alarms and the metrics they read, custom metrics, log groups and their
 * retention, buckets, HTTP APIs, the table's billing mode, and anything billed by the hour whatever
 * the traffic (NAT gateways, provisioned concurrency or capacity, KMS keys, Secrets Manager
 * secrets, ...).
 */

// biome-ignore lint/suspicious/noExplicitAny: CloudFormation JSON
type Cfn = any;

export interface Template {
  Resources?: Record<string, { Type: string; Properties?: Cfn }>;
}

export interface FunctionInfo {
  /** `api`, `poll-worker`, ... (from the handler); SST's own handlers keep their logical id. */
  name: string;
  stack: string;
  id: string;
  memoryMb: number;
  timeoutS: number;
  arm64: boolean;
  /** Ours (a handler under functions/) or a deploy-time helper (SST's custom resources). */
  ours: boolean;
  /** Its SQS event source: messages per invocation and most invocations at once. */
  batchSize?: number;
  maxConcurrency?: number;
  /** The schedule rule that invokes it (`cron(0 * * * ? *)`, `rate(15 minutes)`). */
  schedule?: string;
}

export interface AlwaysOn {
  type: string;
  id: string;
  /** Why it is billed whatever the traffic. */
  what: string;
}

export interface Infra {
  functions: FunctionInfo[];
  /** Standard queues (dead-letter queues included). */
  queues: number;
  /** SQS event source mappings, and how many of them set a maximum concurrency. */
  sqsEventSources: number;
  sqsEventSourcesWithMaxConcurrency: number;
  topics: number;
  alarms: number;
  /** Metrics the alarms read, each billed (an expression over two metrics counts two). */
  alarmMetrics: number;
  /** Metrics outside AWS's namespaces that the alarms read: published by us, billed per metric. */
  customMetrics: string[];
  logGroups: number;
  /** The longest retention (days) of any log group; null when one never expires. */
  logRetentionDays: number | null;
  buckets: number;
  httpApis: number;
  tables: { id: string; billing: string; pitr: boolean; indexes: number }[];
  scheduleRules: string[];
  /** SSM parameters (SST's secrets and outputs): the standard tier is free. */
  ssmParameters: number;
  alwaysOn: AlwaysOn[];
}

const shortStack = (file: string) => file.replace(/\.template\.json$/, "").replace(/^.*-weekly-ml-news-/, "");

/** Resource types billed per hour or month whatever the traffic, and what each is. */
const ALWAYS_ON_TYPES: Record<string, string> = {
  "AWS::EC2::NatGateway": "NAT gateway: billed per hour and per GB",
  "AWS::KMS::Key": "customer-managed KMS key: $1 a month each",
  "AWS::SecretsManager::Secret": "Secrets Manager secret: $0.40 a month each",
  "AWS::EC2::Instance": "EC2 instance: billed per hour",
  "AWS::RDS::DBInstance": "RDS instance: billed per hour",
  "AWS::ElasticLoadBalancingV2::LoadBalancer": "load balancer: billed per hour",
  "AWS::EC2::VPCEndpoint": "interface VPC endpoint: billed per hour",
  "AWS::ElastiCache::CacheCluster": "cache cluster: billed per hour",
  "AWS::CloudFront::Distribution": "(CloudFront: billed per request only)",
};

export function readInfra(templates: Record<string, Template>): Infra {
  const infra: Infra = {
    functions: [],
    queues: 0,
    sqsEventSources: 0,
    sqsEventSourcesWithMaxConcurrency: 0,
    topics: 0,
    alarms: 0,
    alarmMetrics: 0,
    customMetrics: [],
    logGroups: 0,
    logRetentionDays: 0,
    buckets: 0,
    httpApis: 0,
    tables: [],
    scheduleRules: [],
    ssmParameters: 0,
    alwaysOn: [],
  };
  const custom = new Set<string>();
  const queueIds = new Set<string>();
  for (const [file, template] of Object.entries(templates)) {
    const stack = shortStack(file);
    for (const [id, r] of Object.entries(template.Resources ?? {})) {
      if (r.Type === "AWS::SQS::Queue") queueIds.add(`${stack}/${id}`);
    }
  }
  for (const [file, template] of Object.entries(templates)) {
    const stack = shortStack(file);
    for (const [id, r] of Object.entries(template.Resources ?? {})) {
      const p = r.Properties ?? {};
      switch (r.Type) {
        case "AWS::Lambda::Function": {
          const handler = typeof p.Handler === "string" ? p.Handler : "";
          const ours = handler.startsWith("functions/");
          infra.functions.push({
            name: ours ? handler.replace(/^functions\//, "").replace(/\.handler$/, "") : id,
            stack,
            id,
            memoryMb: Number(p.MemorySize ?? 128),
            timeoutS: Number(p.Timeout ?? 3),
            arm64: Array.isArray(p.Architectures) && p.Architectures.includes("arm64"),
            ours,
          });
          break;
        }
        case "AWS::Lambda::Version":
        case "AWS::Lambda::Alias":
          if (p.ProvisionedConcurrencyConfig)
            infra.alwaysOn.push({
              type: r.Type,
              id,
              what: "provisioned concurrency: billed per GB-second kept warm",
            });
          break;
        case "AWS::Lambda::EventSourceMapping": {
          const arn = JSON.stringify(p.EventSourceArn ?? "");
          const fromQueue =
            [...queueIds].some((q) => arn.includes(q.split("/")[1]!)) || arn.includes(":sqs:");
          if (fromQueue) {
            infra.sqsEventSources++;
            if (p.ScalingConfig?.MaximumConcurrency) infra.sqsEventSourcesWithMaxConcurrency++;
          }
          if (p.ProvisionedPollerConfig)
            infra.alwaysOn.push({ type: r.Type, id, what: "provisioned event pollers: billed per hour" });
          break;
        }
        case "AWS::SQS::Queue":
          infra.queues++;
          break;
        case "AWS::SNS::Topic":
          infra.topics++;
          break;
        case "AWS::CloudWatch::Alarm": {
          infra.alarms++;
          const metrics: Cfn[] = p.Metrics
            ? (p.Metrics as Cfn[]).filter((m) => m.MetricStat).map((m) => m.MetricStat.Metric)
            : [{ Namespace: p.Namespace, MetricName: p.MetricName }];
          infra.alarmMetrics += metrics.length;
          for (const m of metrics) {
            const ns = typeof m.Namespace === "string" ? m.Namespace : JSON.stringify(m.Namespace);
            if (!ns.startsWith("AWS/")) custom.add(`${ns}/${m.MetricName}`);
          }
          break;
        }
        case "AWS::Logs::LogGroup": {
          infra.logGroups++;
          const days = p.RetentionInDays === undefined ? null : Number(p.RetentionInDays);
          if (days === null || infra.logRetentionDays === null) infra.logRetentionDays = null;
          else infra.logRetentionDays = Math.max(infra.logRetentionDays, days);
          break;
        }
        case "AWS::S3::Bucket":
          infra.buckets++;
          break;
        case "AWS::SSM::Parameter":
          infra.ssmParameters++;
          if (p.Tier === "Advanced")
            infra.alwaysOn.push({
              type: r.Type,
              id,
              what: "advanced-tier SSM parameter: $0.05 a month each",
            });
          break;
        case "AWS::ApiGatewayV2::Api":
          infra.httpApis++;
          break;
        case "AWS::Events::Rule":
          if (p.ScheduleExpression) infra.scheduleRules.push(String(p.ScheduleExpression));
          break;
        case "AWS::DynamoDB::Table": {
          const billing = String(p.BillingMode ?? "PROVISIONED");
          infra.tables.push({
            id,
            billing,
            pitr: p.PointInTimeRecoverySpecification?.PointInTimeRecoveryEnabled === true,
            indexes: (p.GlobalSecondaryIndexes ?? []).length,
          });
          if (billing !== "PAY_PER_REQUEST")
            infra.alwaysOn.push({
              type: r.Type,
              id,
              what: "provisioned read/write capacity: billed per hour",
            });
          break;
        }
        default: {
          const what = ALWAYS_ON_TYPES[r.Type];
          if (what && !what.startsWith("(")) infra.alwaysOn.push({ type: r.Type, id, what });
        }
      }
    }
  }
  // Event sources and schedules, onto the functions they invoke (same stack).
  for (const [file, template] of Object.entries(templates)) {
    const stack = shortStack(file);
    for (const r of Object.values(template.Resources ?? {})) {
      const p = r.Properties ?? {};
      const fnOf = (ref: Cfn) =>
        infra.functions.find(
          (f) => f.stack === stack && (ref?.Ref === f.id || ref?.["Fn::GetAtt"]?.[0] === f.id),
        );
      if (r.Type === "AWS::Lambda::EventSourceMapping") {
        const fn = fnOf(p.FunctionName);
        if (fn) {
          fn.batchSize = Number(p.BatchSize ?? 10);
          fn.maxConcurrency = p.ScalingConfig?.MaximumConcurrency;
        }
      }
      if (r.Type === "AWS::Events::Rule" && p.ScheduleExpression) {
        for (const t of (p.Targets ?? []) as Cfn[]) {
          const fn = fnOf(t.Arn);
          if (fn) fn.schedule = String(p.ScheduleExpression);
        }
      }
    }
  }
  infra.customMetrics = [...custom].sort();
  infra.functions.sort((a, b) => a.name.localeCompare(b.name));
  return infra;
}

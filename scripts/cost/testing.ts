/** Hand-made CloudFormation for the cost model's tests: only what the model reads. */
import type { Template } from "./templates.js";

// biome-ignore lint/suspicious/noExplicitAny: hand-made CloudFormation
export type Res = Record<string, { Type: string; Properties?: any }>;

const fn = (name: string, memory = 1024, timeout = 60): Res[string] => ({
  Type: "AWS::Lambda::Function",
  Properties: {
    Handler: `functions/${name}.handler`,
    MemorySize: memory,
    Timeout: timeout,
    Architectures: ["arm64"],
  },
});
const queueSource = (fnId: string, queueId: string, batch: number, max?: number): Res[string] => ({
  Type: "AWS::Lambda::EventSourceMapping",
  Properties: {
    FunctionName: { Ref: fnId },
    EventSourceArn: { "Fn::GetAtt": [queueId, "Arn"] },
    BatchSize: batch,
    ...(max ? { ScalingConfig: { MaximumConcurrency: max } } : {}),
  },
});
const schedule = (fnId: string, expr: string): Res[string] => ({
  Type: "AWS::Events::Rule",
  Properties: { ScheduleExpression: expr, Targets: [{ Arn: { "Fn::GetAtt": [fnId, "Arn"] }, Id: "t" }] },
});

/** Two stacks holding every function the model prices, a queue-fed one, alarms, logs, a bucket, an API. */
export function templates(
  patch: (r: { ingest: Res; api: Res }) => void = () => {},
): Record<string, Template> {
  const ingest: Res = {
    Table: {
      Type: "AWS::DynamoDB::Table",
      Properties: {
        BillingMode: "PAY_PER_REQUEST",
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        GlobalSecondaryIndexes: [{}, {}],
      },
    },
    PollQueue: { Type: "AWS::SQS::Queue" },
    DeadLetterQueue: { Type: "AWS::SQS::Queue" },
    Schedule: fn("poll-schedule"),
    ScheduleRule: schedule("Schedule", "cron(0 * * * ? *)"),
    Worker: fn("poll-worker", 1024, 120),
    WorkerSource: queueSource("Worker", "PollQueue", 10, 10),
    Unfurl: fn("unfurl-worker"),
    Send: fn("send-worker", 1024, 900),
    Confirm: fn("confirm-worker"),
    Resume: fn("send-resume"),
    ResumeRule: schedule("Resume", "rate(15 minutes)"),
    Feedback: fn("ses-feedback", 1024, 30),
    Topic: { Type: "AWS::SNS::Topic" },
    Media: { Type: "AWS::S3::Bucket" },
    WorkerLogs: { Type: "AWS::Logs::LogGroup", Properties: { RetentionInDays: 30 } },
    DlqAlarm: {
      Type: "AWS::CloudWatch::Alarm",
      Properties: { Namespace: "AWS/SQS", MetricName: "ApproximateNumberOfMessagesVisible" },
    },
    Throttles: {
      Type: "AWS::CloudWatch::Alarm",
      Properties: { Namespace: "AWS/Lambda", MetricName: "Throttles" },
    },
    Stuck: { Type: "AWS::CloudWatch::Alarm", Properties: { Namespace: "app", MetricName: "StuckIssues" } },
  };
  const api: Res = {
    Api: { Type: "AWS::ApiGatewayV2::Api" },
    ServerErrors: {
      Type: "AWS::CloudWatch::Alarm",
      Properties: { Namespace: "AWS/ApiGateway", MetricName: "5xx", Statistic: "Average" },
    },
    ApiFunction: fn("api", 1024, 30),
    Web: fn("web", 256, 10),
    Helper: { Type: "AWS::Lambda::Function", Properties: { Handler: "index.handler", MemorySize: 1024 } },
  };
  patch({ ingest, api });
  return {
    "dev-weekly-ml-news-Ingest.template.json": { Resources: ingest },
    "dev-weekly-ml-news-Api.template.json": { Resources: api },
  };
}

import { describe, expect, it } from "vitest";
import { readInfra } from "./templates.js";
import { templates } from "./testing.js";

describe("readInfra", () => {
  it("reads functions, event sources, schedules, alarms and their metrics, custom metrics, retention", () => {
    const infra = readInfra(templates());
    const worker = infra.functions.find((f) => f.name === "poll-worker")!;
    expect(worker).toMatchObject({
      memoryMb: 1024,
      timeoutS: 120,
      arm64: true,
      ours: true,
      batchSize: 10,
      maxConcurrency: 10,
    });
    expect(infra.functions.find((f) => f.name === "send-resume")?.schedule).toBe("rate(15 minutes)");
    expect(infra.functions.find((f) => f.name === "Helper")?.ours).toBe(false);
    expect(infra).toMatchObject({
      queues: 2,
      sqsEventSources: 1,
      sqsEventSourcesWithMaxConcurrency: 1,
      topics: 1,
      alarms: 4,
      alarmMetrics: 4,
      customMetrics: ["app/StuckIssues"],
      logRetentionDays: 30,
      buckets: 1,
      httpApis: 1,
      ssmParameters: 0,
      alwaysOn: [],
    });
    expect(infra.tables).toEqual([{ id: "Table", billing: "PAY_PER_REQUEST", pitr: true, indexes: 2 }]);
  });

  it("counts each metric an alarm's expression reads, and only ours as custom", () => {
    const infra = readInfra(
      templates(({ api }) => {
        api.ErrorRate = {
          Type: "AWS::CloudWatch::Alarm",
          Properties: {
            Metrics: [
              { Id: "expr", Expression: "100 * errors / invocations" },
              { Id: "errors", MetricStat: { Metric: { Namespace: "AWS/Lambda", MetricName: "Errors" } } },
              {
                Id: "invocations",
                MetricStat: { Metric: { Namespace: "AWS/Lambda", MetricName: "Invocations" } },
              },
            ],
          },
        };
      }),
    );
    expect(infra).toMatchObject({ alarms: 5, alarmMetrics: 6, customMetrics: ["app/StuckIssues"] });
  });

  it("finds what is billed whatever the traffic", () => {
    const infra = readInfra(
      templates(({ ingest }) => {
        ingest.Key = { Type: "AWS::KMS::Key" };
        ingest.Nat = { Type: "AWS::EC2::NatGateway" };
        ingest.Secret = { Type: "AWS::SecretsManager::Secret" };
        ingest.Param = { Type: "AWS::SSM::Parameter", Properties: { Tier: "Advanced" } };
        ingest.FreeParam = { Type: "AWS::SSM::Parameter", Properties: { Type: "String" } };
        ingest.Table!.Properties.BillingMode = "PROVISIONED";
        ingest.Alias = {
          Type: "AWS::Lambda::Alias",
          Properties: { ProvisionedConcurrencyConfig: { ProvisionedConcurrentExecutions: 1 } },
        };
      }),
    );
    expect(infra.alwaysOn.map((a) => a.type).sort()).toEqual([
      "AWS::DynamoDB::Table",
      "AWS::EC2::NatGateway",
      "AWS::KMS::Key",
      "AWS::Lambda::Alias",
      "AWS::SSM::Parameter",
      "AWS::SecretsManager::Secret",
    ]);
    expect(infra.ssmParameters).toBe(2);
  });

  it("a log group without retention makes the retention unbounded", () => {
    const infra = readInfra(
      templates(({ api }) => {
        api.Logs = { Type: "AWS::Logs::LogGroup", Properties: {} };
      }),
    );
    expect(infra.logRetentionDays).toBeNull();
  });
});

import { Match } from "aws-cdk-lib/assertions";
import { RetentionDays } from "aws-cdk-lib/aws-logs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { publicRouteSettings } from "./api-throttle.js";
import { DEFAULT_OPERATIONS, operationSettings } from "./operations.js";
import { Storage } from "./Storage.js";
import { buildApp } from "./testing.js";

describe("operationSettings", () => {
  it("has defaults for every stage", () => {
    const s = operationSettings({});
    expect(s.throttle).toEqual(DEFAULT_OPERATIONS.throttle);
    expect(s.apiReservedConcurrency).toBe(20);
    expect(s.logRetention).toBe(RetentionDays.ONE_MONTH);
    expect(s.operatorEmail).toBeUndefined();
  });

  it("reads each stage's deploy environment", () => {
    const s = operationSettings({
      API_THROTTLE: "200/400",
      SUBSCRIBE_THROTTLE: "1/2",
      ARCHIVE_THROTTLE: "50/100",
      MEDIA_THROTTLE: "100.5/300",
      API_RESERVED_CONCURRENCY: "50",
      LOG_RETENTION_DAYS: "90",
      OPERATOR_EMAIL: " ops@example.org ",
    });
    expect(s.throttle).toEqual({
      stage: { rate: 200, burst: 400 },
      subscribe: { rate: 1, burst: 2 },
      archive: { rate: 50, burst: 100 },
      media: { rate: 100.5, burst: 300 },
    });
    expect(s.apiReservedConcurrency).toBe(50);
    expect(s.logRetention).toBe(90);
    expect(s.operatorEmail).toBe("ops@example.org");
    expect(publicRouteSettings(s.throttle)["POST /subscribe"]).toEqual({
      ThrottlingRateLimit: 1,
      ThrottlingBurstLimit: 2,
    });
    // an account whose concurrency is too small to reserve any
    expect(operationSettings({ API_RESERVED_CONCURRENCY: "none" }).apiReservedConcurrency).toBeUndefined();
  });

  it("refuses values a deploy would fail on, or that make no sense", () => {
    expect(() => operationSettings({ API_THROTTLE: "fast" })).toThrow(/API_THROTTLE is "rate\/burst"/);
    expect(() => operationSettings({ SUBSCRIBE_THROTTLE: "0/5" })).toThrow(/SUBSCRIBE_THROTTLE/);
    expect(() => operationSettings({ MEDIA_THROTTLE: "80/100" })).toThrow(
      /MEDIA_THROTTLE exceeds API_THROTTLE/,
    );
    expect(() => operationSettings({ LOG_RETENTION_DAYS: "10" })).toThrow(
      /LOG_RETENTION_DAYS must be one of 1, 3, 5, 7/,
    );
    expect(() => operationSettings({ API_RESERVED_CONCURRENCY: "0" })).toThrow(/API_RESERVED_CONCURRENCY/);
    expect(() => operationSettings({ OPERATOR_EMAIL: "ops" })).toThrow(/OPERATOR_EMAIL/);
  });
});

describe("the operator topic without OPERATOR_EMAIL, and LOG_RETENTION_DAYS", () => {
  // biome-ignore lint/suspicious/noExplicitAny: CloudFormation JSON
  let template: any;
  let dispose: () => Promise<void>;
  beforeAll(async () => {
    // No function of ours here: nothing to bundle, a quick synthesis.
    const built = await buildApp(
      (app) => {
        app.stack(Storage);
      },
      { LOG_RETENTION_DAYS: "7" },
    );
    template = built.template(Storage);
    dispose = built.dispose;
  });
  afterAll(() => dispose?.());

  it("makes the TLS-only operator topic with no subscription", () => {
    template.resourceCountIs("AWS::SNS::Topic", 1);
    template.resourceCountIs("AWS::SNS::Subscription", 0);
    template.hasResourceProperties("AWS::SNS::TopicPolicy", {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: "Deny",
            Action: "sns:Publish",
            Condition: { Bool: { "aws:SecureTransport": "false" } },
          }),
        ]),
      },
    });
  });

  it("keeps logs as long as LOG_RETENTION_DAYS says", () => {
    template.allResourcesProperties("AWS::Logs::LogGroup", { RetentionInDays: 7 });
    template.resourceCountIs("AWS::Logs::LogGroup", 1);
  });
});

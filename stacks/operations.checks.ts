/**
 * The operational properties of the synthesized app (issue 15), asserted on the one synthesis of
 * app.test.ts (which calls `describeOperations`): cdk-nag's verdict, API throttling, reserved
 * concurrency, log groups and retention, TLS-only queues and topics, the app's one dead-letter
 * queue (every failure a caller does not see ends there), and the operator's alarms.
 */
import { describe, expect, it } from "vitest";
import { SERVER_ERROR_PERCENT } from "./alarms.js";
import { PUBLIC_ROUTES } from "./api-throttle.js";
import { DEFAULT_OPERATIONS } from "./operations.js";
import {
  type Cfn,
  type Cloud,
  functionName,
  type NagRow,
  type Resource,
  TEST_ACCOUNT,
  TEST_REGION,
} from "./testing.js";

/** The app's one dead-letter queue (Storage stack), as the templates name it. */
export const DEAD_LETTER_QUEUE = "queue:DeadLetterQueue";
/** The four alarms, each reading one metric: $0.40 a month (README's cost line). */
export const ALARMS = 4;

/** The rules suppressed somewhere, each beside its resource with its reason (README lists them). */
export const SUPPRESSED_RULES = [
  "AwsSolutions-APIG4",
  "AwsSolutions-IAM4",
  "AwsSolutions-IAM5",
  "AwsSolutions-L1",
  "AwsSolutions-S1",
  "AwsSolutions-SQS3",
  "Serverless-APIGWStructuredLogging",
  "Serverless-EventBusDLQ",
  "Serverless-LambdaDLQ",
  "Serverless-LambdaEventSourceMappingDestination",
  "Serverless-LambdaLatestVersion",
  "Serverless-LambdaTracing",
  "Serverless-SNSRedrivePolicy",
  "Serverless-SQSRedrivePolicy",
];

const TLS_ONLY = { Bool: { "aws:SecureTransport": "false" } };

export function describeOperations(get: () => { cloud: Cloud; nag: NagRow[]; operatorEmail: string }) {
  const cloud = () => get().cloud;
  const render = (r: Resource, v: Cfn) => cloud().render(r.stack, v);
  const alarms = () => cloud().ofType("AWS::CloudWatch::Alarm");
  const fnNamed = (name: string) => {
    const f = cloud().functions().get(name);
    if (!f) throw new Error(`no function ${name}`);
    return f;
  };

  describe("cdk-nag (AwsSolutionsChecks, ServerlessChecks)", () => {
    it("finds nothing unsuppressed, errors or warnings, in any stack", () => {
      const { nag } = get();
      const open = nag.filter((r) => r.compliance !== "Compliant" && r.compliance !== "Suppressed");
      expect(open.map((r) => `${r.level} ${r.rule} ${r.resource} (${r.compliance})`)).toEqual([]);
      // both packs ran over every stack
      const ran = new Set(nag.map((r) => `${r.rule.split("-")[0]} ${r.resource.split("/")[0]}`));
      for (const stack of ["Storage", "Secrets", "Ingest", "Mail", "Api"])
        for (const pack of ["AwsSolutions", "Serverless"])
          expect(ran).toContain(`${pack} test-weekly-ml-news-${stack}`);
    });

    it("suppresses only the documented rules, each with a reason, IAM ones for what they name", () => {
      const suppressed = get().nag.filter((r) => r.compliance === "Suppressed");
      expect([...new Set(suppressed.map((r) => r.rule))].sort()).toEqual(SUPPRESSED_RULES);
      for (const r of suppressed) expect(r.reason.length, `${r.rule} ${r.resource}`).toBeGreaterThan(20);
      // appliesTo: the report prefixes the reason with what it applies to
      for (const r of suppressed.filter((x) => /IAM[45]$/.test(x.rule)))
        expect(r.reason, r.resource).toMatch(
          /^\[(Policy::arn:<AWS::Partition>:iam::aws:policy\/service-role\/AWSLambdaBasicExecutionRole|Resource::\*|Resource::<(Table|Media)[0-9A-F]{8}\.Arn>\/(index|media)\/\*)\] /,
        );
    });
  });

  describe("throttling", () => {
    const stage = () => {
      const [s, ...more] = cloud().ofType("AWS::ApiGatewayV2::Stage");
      expect(more).toEqual([]);
      return s!;
    };

    it("limits the whole API at the stage", () => {
      const { rate, burst } = DEFAULT_OPERATIONS.throttle.stage;
      expect(stage().Properties.DefaultRouteSettings).toEqual({
        ThrottlingRateLimit: rate,
        ThrottlingBurstLimit: burst,
      });
    });

    it("gives each public route a tighter limit of its own, on routes that exist", () => {
      const t = DEFAULT_OPERATIONS.throttle;
      const want = (x: { rate: number; burst: number }) => ({
        ThrottlingRateLimit: x.rate,
        ThrottlingBurstLimit: x.burst,
      });
      expect(stage().Properties.RouteSettings).toEqual({
        "GET /subscribe": want(t.subscribe),
        "POST /subscribe": want(t.subscribe),
        "GET /confirm": want(t.subscribe),
        "GET /unsubscribe": want(t.subscribe),
        "POST /unsubscribe": want(t.subscribe),
        "GET /issues": want(t.archive),
        "GET /issues/{number}": want(t.archive),
        "GET /feed.xml": want(t.archive),
        "GET /media/{key}": want(t.media),
      });
      for (const group of [t.subscribe, t.archive, t.media]) {
        expect(group.rate).toBeLessThan(t.stage.rate);
        expect(group.burst).toBeLessThan(t.stage.burst);
      }
      const keys = cloud()
        .ofType("AWS::ApiGatewayV2::Route")
        .map((r) => r.Properties.RouteKey);
      for (const { route } of PUBLIC_ROUTES) expect(keys).toContain(route);
    });

    it("reserves concurrency for the API function only: the workers keep the rest of the account's", () => {
      const reserved = Object.fromEntries(
        [...cloud().functions()].map(([name, r]) => [name, r.Properties.ReservedConcurrentExecutions]),
      );
      expect(reserved.api).toBe(DEFAULT_OPERATIONS.apiReservedConcurrency);
      for (const [name, n] of Object.entries(reserved)) if (name !== "api") expect(n, name).toBeUndefined();
    });
  });

  describe("logs", () => {
    it("every log group keeps 30 days and goes with its stack", () => {
      const groups = cloud().ofType("AWS::Logs::LogGroup");
      expect(groups.length).toBeGreaterThan(0);
      for (const g of groups) {
        expect(g.Properties.RetentionInDays, g.id).toBe(DEFAULT_OPERATIONS.logRetentionDays);
        expect(g.DeletionPolicy, g.id).toBe("Delete");
      }
      // no log group is left to the runtime or to a retention-setting custom resource
      expect(cloud().ofType("Custom::LogRetention")).toEqual([]);
    });

    it("every Lambda function (SST's handlers too) logs to a log group of its own stack", () => {
      const fns = cloud().ofType("AWS::Lambda::Function");
      expect(fns.length).toBe(cloud().functions().size + 5); // ours and one SST handler per stack
      const used = new Set<string>();
      for (const f of fns) {
        const ref = f.Properties.LoggingConfig?.LogGroup?.Ref;
        expect(ref, functionName(f)).toBeDefined();
        expect(cloud().get(f.stack, ref).Type).toBe("AWS::Logs::LogGroup");
        used.add(`${f.stack}/${ref}`);
      }
      expect(used.size).toBe(fns.length);
    });

    it("the API's access log goes to an owned log group", () => {
      const [s] = cloud().ofType("AWS::ApiGatewayV2::Stage");
      const arn = s!.Properties.AccessLogSettings.DestinationArn["Fn::GetAtt"];
      expect(arn[1]).toBe("Arn");
      expect(cloud().get(s!.stack, arn[0]).Properties.RetentionInDays).toBe(
        DEFAULT_OPERATIONS.logRetentionDays,
      );
    });
  });

  describe("TLS", () => {
    const denies = (policy: Resource) =>
      (policy.Properties.PolicyDocument.Statement as Cfn[]).filter(
        (s) => s.Effect === "Deny" && JSON.stringify(s.Condition) === JSON.stringify(TLS_ONLY),
      );

    it("every queue refuses requests without TLS (aws:SecureTransport)", () => {
      const queues = cloud().ofType("AWS::SQS::Queue");
      expect(queues.length).toBe(5); // four job queues, one dead-letter queue
      for (const q of queues) {
        const name = cloud().nameOf(q.stack, q.id);
        const policy = cloud()
          .ofType("AWS::SQS::QueuePolicy")
          .find((p) => p.stack === q.stack && p.Properties.Queues.some((x: Cfn) => x.Ref === q.id));
        expect(policy, name).toBeDefined();
        expect(
          denies(policy!).map((s) => [s.Action, render(policy!, s.Resource)]),
          name,
        ).toEqual([["sqs:*", name]]);
      }
    });

    it("every topic refuses publishers without TLS", () => {
      const topics = cloud().ofType("AWS::SNS::Topic");
      expect(topics.map((t) => t.id.replace(/[0-9A-F]{8}$/, "")).sort()).toEqual([
        "OperatorTopic",
        "SesFeedbackTopic",
      ]);
      for (const t of topics) {
        const policy = cloud()
          .ofType("AWS::SNS::TopicPolicy")
          .find((p) => p.stack === t.stack && p.Properties.Topics.some((x: Cfn) => x.Ref === t.id));
        expect(policy, t.id).toBeDefined();
        expect(
          denies(policy!).map((s) => s.Action),
          t.id,
        ).toEqual(["sns:Publish"]);
      }
    });
  });

  describe("dead letters", () => {
    const queueNamed = (name: string) =>
      cloud()
        .ofType("AWS::SQS::Queue")
        .find((x) => cloud().nameOf(x.stack, x.id) === name)!;
    const policyOf = (q: Resource) =>
      cloud()
        .ofType("AWS::SQS::QueuePolicy")
        .find((p) => p.stack === q.stack && p.Properties.Queues.some((x: Cfn) => x.Ref === q.id))!;

    it("a notice SNS cannot deliver to ses-feedback waits in the dead-letter queue, which that topic may send to", () => {
      const sub = cloud()
        .ofType("AWS::SNS::Subscription")
        .find((s) => s.Properties.Protocol === "lambda")!;
      expect(render(sub, sub.Properties.RedrivePolicy.deadLetterTargetArn)).toBe(DEAD_LETTER_QUEUE);
      const q = queueNamed(DEAD_LETTER_QUEUE);
      expect(q.stack).toBe("Storage");
      const policy = policyOf(q);
      const allows = (policy.Properties.PolicyDocument.Statement as Cfn[]).filter(
        (s) => s.Effect === "Allow",
      );
      expect(allows).toEqual([
        expect.objectContaining({ Action: "sqs:SendMessage", Principal: { Service: "sns.amazonaws.com" } }),
      ]);
      expect(render(policy, allows[0].Resource)).toBe(DEAD_LETTER_QUEUE);
      // the very topic the subscription belongs to (the queue's stack names it: no cross-stack cycle)
      const topic = cloud().get(sub.stack, sub.Properties.TopicArn.Ref);
      expect(render(policy, allows[0].Condition.ArnEquals["aws:SourceArn"])).toBe(
        `arn:aws:sns:${TEST_REGION}:${TEST_ACCOUNT}:${topic.Properties.TopicName}`,
      );
    });

    it("every function's failure reaches the dead-letter queue, unless the HTTP API's caller got it", () => {
      const redrivesToDlq = new Set(
        cloud()
          .ofType("AWS::SQS::Queue")
          .filter((q) => q.Properties.RedrivePolicy)
          .filter((q) => render(q, q.Properties.RedrivePolicy.deadLetterTargetArn) === DEAD_LETTER_QUEUE)
          .map((q) => cloud().nameOf(q.stack, q.id)),
      );
      const viaApi = new Set(
        cloud()
          .ofType("AWS::ApiGatewayV2::Integration")
          .map((i) => render(i, i.Properties.IntegrationUri).replace(/^function:/, "")),
      );
      const how = Object.fromEntries(
        [...cloud().functions()].map(([name, f]) => {
          const asyncDlq = f.Properties.DeadLetterConfig?.TargetArn;
          const sources = cloud()
            .ofType("AWS::Lambda::EventSourceMapping")
            .filter((m) => render(m, m.Properties.FunctionName).replace(/\.Ref$/, "") === `function:${name}`)
            .map((m) => render(m, m.Properties.EventSourceArn));
          if (asyncDlq)
            return [name, render(f, asyncDlq) === DEAD_LETTER_QUEUE ? "async: dlq" : "async: other"];
          if (sources.length > 0)
            return [name, sources.every((q) => redrivesToDlq.has(q)) ? "queue: dlq" : "queue: other"];
          return [name, viaApi.has(name) ? "http" : "uncaught"];
        }),
      );
      expect(how).toEqual({
        api: "http",
        web: "http",
        "poll-worker": "queue: dlq",
        "unfurl-worker": "queue: dlq",
        "send-worker": "queue: dlq",
        "confirm-worker": "queue: dlq",
        "poll-schedule": "async: dlq",
        "send-resume": "async: dlq",
        "ses-feedback": "async: dlq",
      });
    });
  });

  describe("alarms", () => {
    const actions = (a: Resource) => (a.Properties.AlarmActions as Cfn[]).map((x) => render(a, x));
    const dims = (a: Resource, m: Cfn = a.Properties) =>
      Object.fromEntries((m.Dimensions as Cfn[]).map((d) => [d.Name, render(a, d.Value)]));
    const atLeast = (a: Resource, threshold: number) => {
      expect(a.Properties.Threshold).toBe(threshold);
      expect(a.Properties.ComparisonOperator).toBe("GreaterThanOrEqualToThreshold");
      expect(a.Properties.EvaluationPeriods).toBe(1);
    };

    it("publish to the operator topic, which mails the OPERATOR_EMAIL address", () => {
      expect(alarms().length).toBe(ALARMS); // README's cost line counts these
      for (const a of alarms())
        expect(actions(a), a.id).toEqual([expect.stringMatching(/^topic:OperatorTopic/)]);
      const mail = cloud()
        .ofType("AWS::SNS::Subscription")
        .filter((s) => s.Properties.Protocol === "email");
      // CloudWatch may publish (a topic policy of its own lets no service in unless it says so)
      const topicPolicy = cloud()
        .ofType("AWS::SNS::TopicPolicy")
        .find((p) => p.stack === "Storage")!;
      expect(topicPolicy.Properties.PolicyDocument.Statement).toContainEqual(
        expect.objectContaining({
          Effect: "Allow",
          Action: "sns:Publish",
          Principal: { Service: "cloudwatch.amazonaws.com" },
        }),
      );
      expect(mail.map((s) => [render(s, s.Properties.TopicArn), s.Properties.Endpoint])).toEqual([
        [expect.stringMatching(/^topic:OperatorTopic/), get().operatorEmail],
      ]);
    });

    it("read one metric each, four in all: $0.10 a month each", () => {
      const metrics = alarms().map((a) =>
        a.Properties.Metrics ? (a.Properties.Metrics as Cfn[]).filter((m) => m.MetricStat).length : 1,
      );
      expect(metrics).toEqual(alarms().map(() => 1));
      expect(metrics.reduce((n, m) => n + m, 0)).toBe(ALARMS);
    });

    it("fire when the dead-letter queue holds a message: one alarm, on that queue alone", () => {
      const queues = cloud()
        .ofType("AWS::SQS::Queue")
        .map((q) => cloud().nameOf(q.stack, q.id));
      expect(queues.filter((n) => /DLQ$|dead/i.test(n))).toEqual([DEAD_LETTER_QUEUE]);
      const watched = alarms()
        .filter((a) => a.Properties.MetricName === "ApproximateNumberOfMessagesVisible")
        .map((a) => {
          atLeast(a, 1);
          expect(a.Properties.Namespace).toBe("AWS/SQS");
          expect(a.Properties.Statistic).toBe("Maximum");
          expect(a.Properties.AlarmDescription).toMatch(/redrive/);
          return dims(a).QueueName!.replace(/\.QueueName$/, "");
        });
      expect(watched).toEqual([DEAD_LETTER_QUEUE]);
    });

    it("fire on the HTTP API's share of server errors over an hour, and on no function's errors", () => {
      const [a, ...more] = alarms().filter((x) => x.Properties.Namespace === "AWS/ApiGateway");
      expect(more).toEqual([]);
      atLeast(a!, SERVER_ERROR_PERCENT / 100);
      expect(a!.Properties.MetricName).toBe("5xx");
      expect(a!.Properties.Statistic).toBe("Average"); // each request a sample of 0 or 1: the share
      expect(a!.Properties.Period).toBe(3600);
      const [api] = cloud().ofType("AWS::ApiGatewayV2::Api");
      expect(dims(a!)).toEqual({ ApiId: cloud().nameOf(api!.stack, api!.id) });
      // no error-rate alarm is left on a function (a DLQ catches their failures, or the API's alarm)
      const lambdaMetrics = alarms().flatMap((x) =>
        x.Properties.Metrics
          ? (x.Properties.Metrics as Cfn[])
              .filter((m) => m.MetricStat)
              .map((m) => m.MetricStat.Metric.MetricName)
          : x.Properties.Namespace === "AWS/Lambda"
            ? [x.Properties.MetricName]
            : [],
      );
      expect(lambdaMetrics).toEqual(["Throttles"]);
    });

    it("fire on any throttle of the send worker", () => {
      const [a, ...more] = alarms().filter((x) => x.Properties.MetricName === "Throttles");
      expect(more).toEqual([]);
      atLeast(a!, 1);
      expect(dims(a!).FunctionName).toBe(
        cloud().nameOf(fnNamed("send-worker").stack, fnNamed("send-worker").id),
      );
    });

    it("fire when an issue has been stuck in sending or paused for an hour (the resume sweep's metric)", () => {
      const [a, ...more] = alarms().filter((x) => x.Properties.MetricName === "StuckIssues");
      expect(more).toEqual([]);
      atLeast(a!, 1);
      // what functions/send-resume.ts writes: namespace SST_APP, dimension Stage = SST_STAGE
      expect(a!.Properties.Namespace).toBe("weekly-ml-news");
      expect(dims(a!)).toEqual({ Stage: "test" });
      expect(a!.Properties.Statistic).toBe("Maximum");
      expect(a!.Properties.Period).toBe(900);
    });
  });
}

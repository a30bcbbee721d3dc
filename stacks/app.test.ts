/**
 * The whole app as `sst deploy` would build it (sst.config.ts's stacks and function defaults),
 * asserted on its CloudFormation: schedule, routes, queues, event sources, runtime, environment,
 * that each function's IAM policy reaches only what it uses, and each bundle's size (DESIGN.md's
 * budget: 1 MiB each, the API's 900 KiB). The same synthesis runs AWS's cdk-nag rule packs, and
 * the operational properties are checked on it too (operations.ts: throttling, logs, TLS, alarms).
 */
import { readdir, readFile, stat } from "node:fs/promises";
import path from "node:path";
import { loadConfig } from "@wkn/core/config";
import { FAILED_JOB_RETENTION_DAYS, JOB_MAX_ATTEMPTS } from "@wkn/core/store/failed-jobs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import config from "../sst.config.js";
import { Api } from "./Api.js";
import { PUBLIC_ROUTES } from "./api-throttle.js";
import { Ingest } from "./Ingest.js";
import { Mail } from "./Mail.js";
import { DEAD_LETTER_QUEUE, describeOperations } from "./operations.checks.js";
import { Secrets } from "./Secrets.js";
import { Storage } from "./Storage.js";
import {
  buildApp,
  Cloud,
  type NagRow,
  nagReport,
  type Resource,
  TEST_ACCOUNT,
  TEST_REGION,
} from "./testing.js";

const FROM = "Weekly ML News <news@mail.example.org>";
const OPERATOR = "ops@example.org";
const SSM = `arn:aws:ssm:${TEST_REGION}:${TEST_ACCOUNT}:parameter`;
const SES = `arn:aws:ses:${TEST_REGION}:${TEST_ACCOUNT}:identity`;
const secretPaths = (...ids: string[]) =>
  ids.flatMap((id) => [
    `${SSM}/sst/weekly-ml-news/test/Secret/${id}/value`,
    `${SSM}/sst/weekly-ml-news/.fallback/Secret/${id}/value`,
  ]);
const PUBLIC_BASE_URL_PARAM = `${SSM}/sst/weekly-ml-news/test/Parameter/PUBLIC_BASE_URL/value`;
const TABLE = ["table:Table", "table:Table/index/*"];

/** The functions on the table (the web function, which serves the page, has none). */
const FUNCTIONS = [
  "api",
  "confirm-worker",
  "poll-schedule",
  "poll-worker",
  "send-resume",
  "send-worker",
  "ses-feedback",
  "unfurl-worker",
];

const KiB = 1024;
/** DESIGN.md "Performance budget": each bundle minified, the AWS SDK external. */
const BUDGET = { default: 1024 * KiB, api: 900 * KiB };

let cloud: Cloud;
let nag: NagRow[];
let outdir: string;
let dispose: () => Promise<void>;
const fn = (name: string): Resource => {
  const r = cloud.functions().get(name);
  if (!r) throw new Error(`no function ${name}`);
  return r;
};
/** The unzipped code asset of a function, as the assembly holds it. */
const assetDir = (name: string): string =>
  path.join(outdir, `asset.${(fn(name).Properties.Code.S3Key as string).replace(/\.zip$/, "")}`);
/** What SST's deploy build leaves in every bundle (its `npm install` of no packages). */
const SST_INSTALL = ["package.json", "package-lock.json"];
async function filesOf(dir: string): Promise<{ path: string; bytes: number }[]> {
  const out: { path: string; bytes: number }[] = [];
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!e.isFile()) continue;
    const full = path.join(e.parentPath, e.name);
    out.push({ path: path.relative(dir, full).split(path.sep).join("/"), bytes: (await stat(full)).size });
  }
  return out.sort((a, b) => a.path.localeCompare(b.path));
}
const env = (name: string): Record<string, string> =>
  Object.fromEntries(
    Object.entries<unknown>(fn(name).Properties.Environment.Variables).map(([k, v]) => [
      k,
      cloud.render(fn(name).stack, v),
    ]),
  );

beforeAll(async () => {
  const built = await buildApp(
    (app) => config.stacks(app),
    { FROM_EMAIL: FROM, OPERATOR_EMAIL: OPERATOR },
    {
      nag: true,
    },
  );
  cloud = Cloud.fromApp(built, { Storage, Secrets, Ingest, Mail, Api });
  nag = await nagReport(built.outdir);
  outdir = built.outdir;
  dispose = built.dispose;
});
afterAll(() => dispose?.());

describe("functions", () => {
  it("are the nine entry points of functions/, on the newest Node runtime, arm64", () => {
    expect([...cloud.functions().keys()].sort()).toEqual([...FUNCTIONS, "web"].sort());
    for (const r of cloud.functions().values()) {
      expect(r.Properties.Runtime).toBe("nodejs24.x");
      expect(r.Properties.Architectures).toEqual(["arm64"]);
    }
  });

  it("are minified ESM bundles that require the AWS SDK from the runtime and do not bundle sst/node", async () => {
    for (const name of FUNCTIONS) {
      const key: string = fn(name).Properties.Code.S3Key;
      const dir = path.join(outdir, `asset.${key.replace(/\.zip$/, "")}`, "functions");
      // the entry and its chunks (splitting)
      const files = (await readdir(dir)).filter((f) => f.endsWith(".mjs"));
      const code = (await Promise.all(files.map((f) => readFile(path.join(dir, f), "utf8")))).join("\n");
      // external, loaded by require (stacks/bundle.ts, awsSdkRequired), minified: never an ESM import
      expect(code).toMatch(/[\w$]+\("@aws-sdk\/client-[a-z]+"\)/);
      expect(code).not.toMatch(/from\s*"@aws-sdk\//);
      expect(code).not.toContain("DynamoDB_20120810"); // the DynamoDB client's own code
      expect(code).not.toContain("sst/node");
      expect(code).not.toContain("__FETCH_FROM_SECRET__"); // sst/node's config client
    }
  });

  it("stay within the bundle budget: 1 MiB each, the API's 900 KiB", async () => {
    const sizes: Record<string, number> = {};
    for (const name of cloud.functions().keys()) {
      sizes[name] = (await filesOf(assetDir(name))).reduce((n, f) => n + f.bytes, 0);
    }
    for (const [name, bytes] of Object.entries(sizes)) {
      const budget = name === "api" ? BUDGET.api : BUDGET.default;
      expect(
        bytes,
        `${name}: ${(bytes / KiB).toFixed(1)} KiB of ${budget / KiB} KiB (npm run synth)`,
      ).toBeLessThanOrEqual(budget);
    }
  });

  it("each get the table's name, and only the settings and queue URLs loadConfig reads", () => {
    for (const name of FUNCTIONS) {
      const vars = env(name);
      expect(vars.TABLE_NAME).toBe("table:Table.Ref".replace(".Ref", ""));
      for (const key of Object.keys(vars).filter((k) => !/^(SST_|AWS_)/.test(k))) {
        // each name changes loadConfig's result: it is one loadConfig reads
        const sample = key.endsWith("_URL")
          ? "https://example.org"
          : key === "FROM_EMAIL"
            ? "a@example.org"
            : "x";
        expect(loadConfig({ [key]: sample }), key).not.toEqual(loadConfig({}));
      }
    }
  });

  it("receive exactly these variables", () => {
    const sst = ["AWS_NODEJS_CONNECTION_REUSE_ENABLED", "SST_APP", "SST_SSM_PREFIX", "SST_STAGE"];
    const settings = ["FROM_EMAIL", "NEWSLETTER_NAME", "TABLE_NAME"];
    const secret = (...ids: string[]) => ids.map((id) => `SST_Secret_value_${id}`);
    const viaSsm = "SST_Parameter_value_PUBLIC_BASE_URL";
    const expected: Record<string, string[]> = {
      api: [
        ...settings,
        "PUBLIC_BASE_URL",
        "CONFIRM_QUEUE_URL",
        "SEND_QUEUE_URL",
        "UNFURL_QUEUE_URL",
        "MEDIA_BUCKET",
        ...secret("EDITOR_TOKEN", "SIGNING_SECRET", "GITHUB_TOKEN", "KAGGLE_API_TOKEN"),
      ],
      "poll-schedule": [...settings, "POLL_QUEUE_URL"],
      "poll-worker": [...settings, "UNFURL_QUEUE_URL", viaSsm, ...secret("GITHUB_TOKEN", "KAGGLE_API_TOKEN")],
      "unfurl-worker": [...settings, "MEDIA_BUCKET", viaSsm],
      "send-worker": [...settings, "SEND_QUEUE_URL", viaSsm, ...secret("SIGNING_SECRET")],
      "confirm-worker": [...settings, viaSsm, ...secret("SIGNING_SECRET")],
      "send-resume": [...settings, "SEND_QUEUE_URL"],
      "ses-feedback": settings,
    };
    for (const name of FUNCTIONS) {
      expect(Object.keys(env(name)).sort(), name).toEqual([...sst, ...expected[name]!].sort());
    }
    expect(env("api").SEND_QUEUE_URL).toBe("queue:SendQueue");
    expect(env("api").UNFURL_QUEUE_URL).toBe("queue:UnfurlQueue");
    expect(env("api").CONFIRM_QUEUE_URL).toBe("queue:ConfirmQueue");
    expect(env("confirm-worker").FROM_EMAIL).toBe(FROM);
    expect(env("api").PUBLIC_BASE_URL).toMatch(/^AWS::ApiGatewayV2::Api:Api[0-9A-F]{8}\.ApiEndpoint$/);
    expect(env("poll-schedule").POLL_QUEUE_URL).toBe("queue:PollQueue");
    expect(env("poll-worker").UNFURL_QUEUE_URL).toBe("queue:UnfurlQueue");
    expect(env("send-worker").FROM_EMAIL).toBe(FROM);
    expect(env("send-worker").SEND_QUEUE_URL).toBe("queue:SendQueue"); // continuation jobs
    expect(env("send-worker").SST_SSM_PREFIX).toBe("/sst/weekly-ml-news/test/");
    expect(env("api").MEDIA_BUCKET).toBe("bucket:Media");
    expect(env("unfurl-worker").MEDIA_BUCKET).toBe("bucket:Media");
  });
});

describe("schedules", () => {
  it("run poll-schedule every hour and send-resume every 15 minutes", () => {
    const rules = cloud
      .ofType("AWS::Events::Rule")
      .map((r) => ({
        schedule: r.Properties.ScheduleExpression,
        targets: r.Properties.Targets.map((t: unknown) => cloud.render(r.stack, (t as { Arn: unknown }).Arn)),
      }))
      .sort((a, b) => a.schedule.localeCompare(b.schedule));
    expect(rules).toEqual([
      { schedule: "cron(0 * * * ? *)", targets: ["function:poll-schedule"] },
      { schedule: "rate(15 minutes)", targets: ["function:send-resume"] },
    ]);
  });
});

describe("queues", () => {
  const mappings = () =>
    cloud.ofType("AWS::Lambda::EventSourceMapping").map((m) => ({
      queue: cloud.render(m.stack, m.Properties.EventSourceArn),
      fn: cloud.render(m.stack, m.Properties.FunctionName).replace(/\.Ref$/, ""),
      props: m.Properties,
    }));

  it("each job queue moves a message to the app's one dead-letter queue after 3 receives", () => {
    const queues = cloud.ofType("AWS::SQS::Queue");
    const jobQueues = queues.filter((q) => q.Properties.RedrivePolicy);
    expect(jobQueues.map((q) => cloud.nameOf(q.stack, q.id)).sort()).toEqual([
      "queue:ConfirmQueue",
      "queue:PollQueue",
      "queue:SendQueue",
      "queue:UnfurlQueue",
    ]);
    for (const q of jobQueues) {
      const name = cloud.nameOf(q.stack, q.id);
      expect(cloud.render(q.stack, q.Properties.RedrivePolicy.deadLetterTargetArn), name).toBe(
        DEAD_LETTER_QUEUE,
      );
      expect(q.Properties.RedrivePolicy.maxReceiveCount, name).toBe(JOB_MAX_ATTEMPTS);
    }
    // the one other queue is that dead-letter queue, in the Storage stack, kept as long as a failed job
    const rest = queues.filter((q) => !q.Properties.RedrivePolicy);
    expect(rest.map((q) => `${q.stack} ${cloud.nameOf(q.stack, q.id)}`)).toEqual([
      `Storage ${DEAD_LETTER_QUEUE}`,
    ]);
    expect(rest[0]!.Properties.MessageRetentionPeriod).toBe(FAILED_JOB_RETENTION_DAYS * 24 * 3600);
  });

  it("the functions invoked asynchronously (the schedules, SES notices) send a run that failed Lambda's retries there too", () => {
    const withDlq = [...cloud.functions()]
      .filter(([, r]) => r.Properties.DeadLetterConfig)
      .map(([name, r]) => [name, cloud.render(r.stack, r.Properties.DeadLetterConfig.TargetArn)]);
    expect(Object.fromEntries(withDlq)).toEqual({
      "poll-schedule": DEAD_LETTER_QUEUE,
      "send-resume": DEAD_LETTER_QUEUE,
      "ses-feedback": DEAD_LETTER_QUEUE,
    });
  });

  it("are consumed by their workers, which report partial batch failures", () => {
    const m = mappings();
    expect(m.map(({ queue, fn }) => `${queue} -> ${fn}`).sort()).toEqual([
      "queue:ConfirmQueue -> function:confirm-worker",
      "queue:PollQueue -> function:poll-worker",
      "queue:SendQueue -> function:send-worker",
      "queue:UnfurlQueue -> function:unfurl-worker",
    ]);
    for (const { props } of m) expect(props.FunctionResponseTypes).toEqual(["ReportBatchItemFailures"]);
  });

  it("send one issue or confirmation per invocation, at most two at once (the SES rate holds)", () => {
    for (const queue of ["queue:SendQueue", "queue:ConfirmQueue"]) {
      const m = mappings().find((x) => x.queue === queue)!;
      expect(m.props.BatchSize, queue).toBe(1);
      expect(m.props.ScalingConfig, queue).toEqual({ MaximumConcurrency: 2 });
    }
  });

  it("hide a message for longer than its consumer may run", () => {
    for (const { queue, fn: f } of mappings()) {
      const q = cloud.ofType("AWS::SQS::Queue").find((x) => cloud.nameOf(x.stack, x.id) === queue)!;
      const timeout = fn(f.replace("function:", "")).Properties.Timeout as number;
      expect(q.Properties.VisibilityTimeout, queue).toBeGreaterThan(timeout);
    }
  });
});

describe("Mail", () => {
  it("subscribes ses-feedback to the SES notices topic, which SES of this account may publish to", () => {
    const subs = cloud.ofType("AWS::SNS::Subscription").filter((s) => s.Properties.Protocol === "lambda");
    expect(
      subs.map(
        (s) =>
          `${cloud.render(s.stack, s.Properties.TopicArn)} -> ${cloud.render(s.stack, s.Properties.Endpoint)}`,
      ),
    ).toEqual([expect.stringMatching(/^topic:SesFeedbackTopic\w+ -> function:ses-feedback$/)]);
    const policy = cloud.ofType("AWS::SNS::TopicPolicy").find((p) => p.stack === "Mail");
    expect(policy!.Properties.PolicyDocument.Statement).toContainEqual(
      expect.objectContaining({
        Action: "sns:Publish",
        Principal: { Service: "ses.amazonaws.com" },
        Condition: { StringEquals: { "aws:SourceAccount": TEST_ACCOUNT } },
      }),
    );
  });
});

describe("Api", () => {
  it("routes the page and its assets to the web function, everything else to the api function (HTTP API, payload 2.0)", () => {
    const routes = cloud.ofType("AWS::ApiGatewayV2::Route");
    const target = Object.fromEntries(
      routes.map((r) => {
        const integrationId = r.Properties.Target["Fn::Join"][1][1].Ref;
        const integration = cloud.get(r.stack, integrationId).Properties;
        expect(integration.PayloadFormatVersion).toBe("2.0");
        return [r.Properties.RouteKey, cloud.render(r.stack, integration.IntegrationUri)];
      }),
    );
    // one origin for both: the page's session cookie is SameSite=Strict
    expect(target).toEqual({
      "GET /": "function:web",
      "GET /index.html": "function:web",
      "GET /assets/{proxy+}": "function:web",
      "ANY /{proxy+}": "function:api",
      // named for their own throttling (operations.checks.ts)
      ...Object.fromEntries(PUBLIC_ROUTES.map((r) => [r.route, "function:api"])),
    });
    const [api] = cloud.ofType("AWS::ApiGatewayV2::Api");
    expect(api!.Properties.ProtocolType).toBe("HTTP");
    expect(api!.Properties.CorsConfiguration).toBeUndefined();
  });

  it("publishes its URL for the other stacks' functions when PUBLIC_BASE_URL is not set", () => {
    const param = cloud
      .ofType("AWS::SSM::Parameter")
      .find((p) => p.Properties.Name === "/sst/weekly-ml-news/test/Parameter/PUBLIC_BASE_URL/value");
    expect(cloud.render("Api", param!.Properties.Value)).toMatch(/\.ApiEndpoint$/);
  });
});

describe("the web function", () => {
  it("bundles the built page beside a small handler, and nothing of the API", async () => {
    const files = await filesOf(assetDir("web"));
    const page = await readFile(path.join(assetDir("web"), "web", "index.html"), "utf8");
    const referenced = [...page.matchAll(/(?:src|href)="\/(assets\/[^"]+)"/g)].map((m) => `web/${m[1]}`);
    expect(referenced.length).toBeGreaterThan(0);
    for (const ref of referenced) expect(files.map((f) => f.path)).toContain(ref);
    expect(files.map((f) => f.path).filter((p) => !p.startsWith("web/") && !SST_INSTALL.includes(p))).toEqual(
      ["functions/web.mjs"],
    );
    const handler = files.find((f) => f.path === "functions/web.mjs")!;
    expect(handler.bytes).toBeLessThan(100 * KiB); // hono and the server module
    const code = await readFile(path.join(assetDir("web"), "functions", "web.mjs"), "utf8");
    // no SDK, no API (zod), nothing of the build (Vite, rolldown)
    expect(code).not.toMatch(/@aws-sdk\/|DynamoDB_20120810|ZodError|rolldown|createServer/);
  });

  it("keeps the page out of the API's bundle", async () => {
    const files = (await filesOf(assetDir("api"))).map((f) => f.path);
    // the entry and the chunks of its lazily loaded route groups (splitting), nothing else
    const code = files.filter((p) => !SST_INSTALL.includes(p));
    expect(code).toContain("functions/api.mjs");
    expect(code.filter((p) => !/^functions\/[\w-]+\.mjs$/.test(p))).toEqual([]);
    const page = await readFile(path.join(assetDir("web"), "web", "index.html"), "utf8");
    for (const file of code) {
      const text = await readFile(path.join(assetDir("api"), file), "utf8");
      for (const [, asset] of page.matchAll(/\/assets\/([^"]+)"/g)) expect(text).not.toContain(asset);
    }
  });

  it("reads no table, queue or secret, and is given none", () => {
    const web = fn("web");
    expect(cloud.statements(web)).toEqual([]);
    const vars = Object.keys(web.Properties.Environment?.Variables ?? {});
    expect(
      vars.filter((v) => !/^(SST_APP|SST_STAGE|SST_SSM_PREFIX|AWS_NODEJS_CONNECTION_REUSE_ENABLED)$/.test(v)),
    ).toEqual([]);
  });
});

describe("least privilege", () => {
  const SQS_CONSUME = ["sqs:ReceiveMessage", "sqs:ChangeMessageVisibility", "sqs:DeleteMessage"];
  const expected: Record<
    string,
    {
      tableWrite: boolean;
      sends: string[];
      consumes?: string;
      dlq?: string;
      /** SendRawEmail on the sender's identity; "quota" adds GetSendQuota. */
      ses?: "send" | "quota";
      /** The media bucket: the API serves thumbnails, the unfurl worker stores them. */
      media?: "read" | "write";
      ssm: string[];
    }
  > = {
    api: {
      tableWrite: true,
      sends: ["queue:ConfirmQueue", "queue:SendQueue", "queue:UnfurlQueue"],
      ses: "quota",
      media: "read",
      ssm: secretPaths("EDITOR_TOKEN", "SIGNING_SECRET", "GITHUB_TOKEN", "KAGGLE_API_TOKEN"),
    },
    "poll-schedule": { tableWrite: false, sends: ["queue:PollQueue"], dlq: DEAD_LETTER_QUEUE, ssm: [] },
    "poll-worker": {
      tableWrite: true,
      sends: ["queue:UnfurlQueue"],
      consumes: "queue:PollQueue",
      ssm: [...secretPaths("GITHUB_TOKEN", "KAGGLE_API_TOKEN"), PUBLIC_BASE_URL_PARAM],
    },
    "unfurl-worker": {
      tableWrite: true,
      sends: [],
      consumes: "queue:UnfurlQueue",
      media: "write",
      ssm: [PUBLIC_BASE_URL_PARAM],
    },
    "send-worker": {
      tableWrite: true,
      sends: ["queue:SendQueue"],
      consumes: "queue:SendQueue",
      ses: "quota",
      ssm: [...secretPaths("SIGNING_SECRET"), PUBLIC_BASE_URL_PARAM],
    },
    "confirm-worker": {
      tableWrite: true,
      sends: [],
      consumes: "queue:ConfirmQueue",
      ses: "send",
      ssm: [...secretPaths("SIGNING_SECRET"), PUBLIC_BASE_URL_PARAM],
    },
    "ses-feedback": { tableWrite: true, sends: [], dlq: DEAD_LETTER_QUEUE, ssm: [] },
    "send-resume": { tableWrite: false, sends: ["queue:SendQueue"], dlq: DEAD_LETTER_QUEUE, ssm: [] },
  };

  it.each(FUNCTIONS)("%s reaches only its own table, queues, secrets and sender", (name) => {
    const f = fn(name);
    const want = expected[name]!;
    const statements = cloud.statements(f);

    // DynamoDB: the table and its indexes, read-only for the scheduler
    const dynamo = statements.filter((s) => s.actions.some((a) => a.startsWith("dynamodb:")));
    for (const s of dynamo) {
      expect(s.resources.filter((r) => r !== "table:Table").every((r) => r === "table:Table/index/*")).toBe(
        true,
      );
    }
    expect(cloud.reach(f, "dynamodb:Query")).toEqual(TABLE);
    expect(cloud.reach(f, "dynamodb:PutItem")).toEqual(want.tableWrite ? TABLE : []);
    expect(dynamo.flatMap((s) => s.actions)).not.toContain("dynamodb:*");

    // (Lambda itself sends a failed async event to the function's dead-letter queue, as the role)
    expect(cloud.reach(f, "sqs:SendMessage")).toEqual(
      [...want.sends, ...(want.dlq ? [want.dlq] : [])].sort(),
    );
    for (const a of SQS_CONSUME) expect(cloud.reach(f, a), a).toEqual(want.consumes ? [want.consumes] : []);
    // both sending and consuming come with these two
    const anyQueue = [...new Set([...want.sends, ...(want.consumes ? [want.consumes] : [])])].sort();
    for (const a of ["sqs:GetQueueUrl", "sqs:GetQueueAttributes"])
      expect(cloud.reach(f, a), a).toEqual(anyQueue);
    expect(cloud.reach(f, "ssm:GetParameters")).toEqual([...want.ssm].sort());
    if (want.ses) {
      expect(cloud.reach(f, "ses:SendRawEmail")).toEqual([
        `${SES}/mail.example.org`,
        `${SES}/news@mail.example.org`,
      ]);
    }
    expect(cloud.reach(f, "ses:GetSendQuota")).toEqual(want.ses === "quota" ? ["*"] : []);
    // media: objects of the one bucket; reading is not writing, and no one may delete
    expect(cloud.reach(f, "s3:GetObject")).toEqual(want.media === "read" ? ["bucket:Media/media/*"] : []);
    expect(cloud.reach(f, "s3:PutObject")).toEqual(want.media === "write" ? ["bucket:Media/media/*"] : []);

    // nothing else: every action is one of the above, no wildcard action, "*" only for GetSendQuota
    const known =
      /^(dynamodb:(BatchGetItem|BatchWriteItem|ConditionCheckItem|DeleteItem|DescribeTable|GetItem|GetRecords|GetShardIterator|PutItem|Query|Scan|UpdateItem)|sqs:(SendMessage|ReceiveMessage|ChangeMessageVisibility|GetQueueUrl|DeleteMessage|GetQueueAttributes)|ssm:GetParameters|ses:(SendRawEmail|GetSendQuota)|s3:(GetObject|PutObject))$/;
    for (const s of statements) {
      for (const a of s.actions) expect(a, `${name}: ${a}`).toMatch(known);
      if (s.resources.includes("*")) expect(s.actions).toEqual(["ses:GetSendQuota"]);
      if (!want.ses) expect(s.actions.some((a) => a.startsWith("ses:"))).toBe(false);
    }
  });
});

describe("hosted thumbnails", () => {
  it("live in a private, encrypted, TLS-only bucket that outlives the stack", () => {
    const [bucket, ...more] = cloud.ofType("AWS::S3::Bucket");
    expect(more).toEqual([]);
    expect(bucket!.Properties.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(bucket!.Properties.BucketEncryption.ServerSideEncryptionConfiguration).toEqual([
      { ServerSideEncryptionByDefault: { SSEAlgorithm: "AES256" } },
    ]);
    expect(bucket!.DeletionPolicy).toBe("Retain");
    const [policy] = cloud.ofType("AWS::S3::BucketPolicy");
    expect(policy!.Properties.PolicyDocument.Statement).toContainEqual(
      expect.objectContaining({
        Effect: "Deny",
        Action: "s3:*",
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      }),
    );
  });

  it("are made only by the unfurl worker, with sharp from a layer (arm64), never bundled", async () => {
    const withLayers = [...cloud.functions()].filter(([, r]) => r.Properties.Layers);
    expect(withLayers.map(([name]) => name)).toEqual(["unfurl-worker"]);
    const [layer, ...others] = cloud.ofType("AWS::Lambda::LayerVersion");
    expect(others).toEqual([]);
    expect(layer!.Properties.CompatibleArchitectures).toEqual(["arm64"]);
    expect(layer!.Properties.Description).toMatch(/^sharp \d+\.\d+\.\d+ \(linux arm64\)/);
    for (const name of cloud.functions().keys()) {
      const files = (await filesOf(assetDir(name))).map((f) => f.path);
      expect(
        files.filter((p) => p.includes("node_modules")),
        name,
      ).toEqual([]);
      const code = await readFile(path.join(assetDir(name), "functions", `${name}.mjs`), "utf8");
      expect(code, name).not.toContain("libvips"); // sharp's own code
    }
    const worker = await readFile(
      path.join(assetDir("unfurl-worker"), "functions", "unfurl-worker.mjs"),
      "utf8",
    );
    expect(worker).toMatch(/\("sharp"\)/); // required at run time, from the layer
    const api = await readFile(path.join(assetDir("api"), "functions", "api.mjs"), "utf8");
    expect(api).not.toMatch(/\("sharp"\)|limitInputPixels/); // the API only enqueues
  });
});

describeOperations(() => ({ cloud, nag, operatorEmail: OPERATOR }));

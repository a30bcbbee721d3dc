/**
 * The HTTP API: one function serves the Hono app (functions/api.ts), which also sends test copies
 * of issues and enqueues unfurl, send and confirm jobs (a `/subscribe` request's confirmation mail
 * goes out from the confirm worker). The editor's page (`GET /`, its assets) is another function
 * on the same API (functions/web.ts), so it shares the origin (the SameSite=Strict session cookie)
 * and stays out of the API's bundle.
 */
import path from "node:path";
import { ensureWebBuilt } from "@wkn/web/server/build";
import { RemovalPolicy } from "aws-cdk-lib";
import { CfnStage, HttpRoute } from "aws-cdk-lib/aws-apigatewayv2";
import { PolicyStatement } from "aws-cdk-lib/aws-iam";
import type { CfnLogGroup } from "aws-cdk-lib/aws-logs";
import { NagSuppressions } from "cdk-nag";
import * as sst from "sst/constructs";
import { useProject } from "sst/project.js";
import { alarmOnServerErrors } from "./alarms.js";
import { PUBLIC_ROUTES, publicRouteSettings } from "./api-throttle.js";
import { finishStack } from "./finish.js";
import { Ingest } from "./Ingest.js";
import { Mail } from "./Mail.js";
import {
  allowWildcards,
  GET_SEND_QUOTA_REASON,
  MEDIA_OBJECTS,
  suppressFunctionFindings,
  TABLE_INDEXES,
  TABLE_INDEXES_REASON,
} from "./nag.js";
import { operationSettings } from "./operations.js";
import { Secrets } from "./Secrets.js";
import { Storage } from "./Storage.js";
import { deploySettings, PUBLIC_BASE_URL_PARAMETER, sesSendStatements } from "./settings.js";

/** The built page, relative to the project's root (copyFiles' `from`). */
const WEB_DIST = "packages/web/dist";

export function Api({ stack }: sst.StackContext) {
  const { table, media, operatorTopic } = sst.use(Storage);
  const secrets = sst.use(Secrets);
  const { unfurlQueue } = sst.use(Ingest);
  const { sendQueue, confirmQueue } = sst.use(Mail);
  const settings = deploySettings();
  const ops = operationSettings();

  const apiFunction = new sst.Function(stack, "ApiFunction", {
    handler: "functions/api.handler",
    timeout: "30 seconds", // API Gateway's own limit
    // A flood of public requests stops here, short of the concurrency the queue workers need.
    reservedConcurrentExecutions: ops.apiReservedConcurrency,
    environment: {
      TABLE_NAME: table.tableName,
      ...settings.env,
      UNFURL_QUEUE_URL: unfurlQueue.queueUrl,
      SEND_QUEUE_URL: sendQueue.queueUrl,
      CONFIRM_QUEUE_URL: confirmQueue.queueUrl,
      MEDIA_BUCKET: media.bucketName,
    },
    // "poll now" runs in the API, hence the GitHub and Kaggle tokens.
    bind: [secrets.EDITOR_TOKEN, secrets.SIGNING_SECRET, secrets.GITHUB_TOKEN, secrets.KAGGLE_API_TOKEN],
  });
  table.cdk.table.grantReadWriteData(apiFunction);
  // GET /media/{key}: reading the thumbnails, nothing else of the bucket (the unfurl worker writes them).
  apiFunction.attachPermissions([
    new PolicyStatement({ actions: ["s3:GetObject"], resources: [media.arnForObjects("media/*")] }),
  ]);
  unfurlQueue.cdk.queue.grantSendMessages(apiFunction);
  sendQueue.cdk.queue.grantSendMessages(apiFunction);
  confirmQueue.cdk.queue.grantSendMessages(apiFunction);
  apiFunction.attachPermissions(sesSendStatements(stack, settings.fromAddress));
  suppressFunctionFindings(apiFunction, "sync");
  allowWildcards(apiFunction, [
    { appliesTo: TABLE_INDEXES, reason: TABLE_INDEXES_REASON },
    { appliesTo: MEDIA_OBJECTS, reason: "GET /media/{key} reads any thumbnail under media/." },
    { appliesTo: "Resource::*", reason: GET_SEND_QUOTA_REASON },
  ]);

  // The page built by Vite, read from memory: no table, queue or secret. SST loads this file
  // bundled (import.meta.url is not here), hence the project's root.
  const root = useProject().paths.root;
  const webFunction = new sst.Function(stack, "WebFunction", {
    handler: "functions/web.handler",
    timeout: "10 seconds",
    memorySize: "256 MB",
    copyFiles: [{ from: WEB_DIST, to: "web" }],
    hooks: {
      // Before its bundle is made (deploy, synth, the infra tests): dist/ is git-ignored. A deploy
      // ships the current page or fails; offline (NODE_ENV=test) a failed rebuild keeps the last.
      beforeBuild: async () => {
        await ensureWebBuilt({
          root: path.join(root, "packages", "web"),
          onFailure: process.env.NODE_ENV === "test" ? "keep" : "throw",
          log: (line) => console.log(line),
        });
      },
    },
  });

  suppressFunctionFindings(webFunction, "sync");

  const api = new sst.Api(stack, "Api", {
    cors: false, // the page and the API share one origin
    defaults: { throttle: ops.throttle.stage },
    routes: {
      "GET /": webFunction,
      "GET /index.html": webFunction,
      "GET /assets/{proxy+}": webFunction,
      "ANY /{proxy+}": apiFunction,
      // Public routes of the API function, named so each gets its own, lower limit.
      ...Object.fromEntries(PUBLIC_ROUTES.map((r) => [r.route, apiFunction])),
    },
  });
  const stage = api.cdk.httpApi.defaultStage?.node.defaultChild;
  if (!(stage instanceof CfnStage)) throw new Error("the HTTP API has no default stage");
  stage.routeSettings = publicRouteSettings(ops.throttle);
  // Route settings name routes that must exist first.
  const routes = api.node.findAll().filter((c) => c instanceof HttpRoute);
  stage.node.addDependency(...routes);
  // The access log (each visitor's IP and User-Agent): kept as long as the functions' logs, deleted
  // with the stack.
  const accessLog = api.cdk.accessLogGroup;
  if (!accessLog) throw new Error("the HTTP API has no access log");
  (accessLog.node.defaultChild as CfnLogGroup).retentionInDays = ops.logRetention;
  accessLog.applyRemovalPolicy(RemovalPolicy.DESTROY);
  NagSuppressions.addResourceSuppressions(stage, [
    {
      id: "Serverless-APIGWStructuredLogging",
      reason:
        "SST's access log format is JSON with unquoted numbers (status, latency), which this rule does not parse.",
    },
  ]);
  NagSuppressions.addResourceSuppressions(routes, [
    {
      id: "AwsSolutions-APIG4",
      reason:
        "Authorization lives in the app: /api/* takes the editor's bearer token or session cookie; the page, archive, media and subscription routes are public by design.",
    },
  ]);

  if (!settings.publicBaseUrl) {
    // No domain configured: links in mail use the API's own URL, published for the other stacks'
    // functions (see withPublicBaseUrl in settings.ts).
    apiFunction.addEnvironment("PUBLIC_BASE_URL", api.url);
    new sst.Config.Parameter(stack, PUBLIC_BASE_URL_PARAMETER, { value: api.url });
  }

  // The api and web functions answer their callers: no dead letter keeps their failures, so the
  // API's share of server errors is watched instead (one alarm for both: alarms.ts says why).
  alarmOnServerErrors(api, api.cdk.httpApi, operatorTopic);
  finishStack(stack, ops);
  stack.addOutputs({ ApiUrl: api.url, PublicBaseUrl: settings.publicBaseUrl ?? api.url });
  return { api, apiFunction, webFunction };
}

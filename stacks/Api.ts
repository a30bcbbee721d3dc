/**
 * The HTTP API: every route goes to one function serving the Hono app (functions/api.ts), which
 * also sends test copies of issues and enqueues unfurl, send and confirm jobs (a `/subscribe`
 * request's confirmation mail goes out from the confirm worker).
 */
import * as sst from "sst/constructs";
import { Ingest } from "./Ingest.js";
import { Mail } from "./Mail.js";
import { Secrets } from "./Secrets.js";
import { Storage } from "./Storage.js";
import { deploySettings, PUBLIC_BASE_URL_PARAMETER, sesSendStatements } from "./settings.js";

export function Api({ stack }: sst.StackContext) {
  const { table } = sst.use(Storage);
  const secrets = sst.use(Secrets);
  const { unfurlQueue } = sst.use(Ingest);
  const { sendQueue, confirmQueue } = sst.use(Mail);
  const settings = deploySettings();

  const apiFunction = new sst.Function(stack, "ApiFunction", {
    handler: "functions/api.handler",
    timeout: "30 seconds", // API Gateway's own limit
    environment: {
      TABLE_NAME: table.tableName,
      ...settings.env,
      UNFURL_QUEUE_URL: unfurlQueue.queueUrl,
      SEND_QUEUE_URL: sendQueue.queueUrl,
      CONFIRM_QUEUE_URL: confirmQueue.queueUrl,
    },
    // "poll now" runs in the API, hence the GitHub and Kaggle tokens.
    bind: [secrets.EDITOR_TOKEN, secrets.SIGNING_SECRET, secrets.GITHUB_TOKEN, secrets.KAGGLE_API_TOKEN],
  });
  table.cdk.table.grantReadWriteData(apiFunction);
  unfurlQueue.cdk.queue.grantSendMessages(apiFunction);
  sendQueue.cdk.queue.grantSendMessages(apiFunction);
  confirmQueue.cdk.queue.grantSendMessages(apiFunction);
  apiFunction.attachPermissions(sesSendStatements(stack, settings.fromAddress));

  const api = new sst.Api(stack, "Api", {
    cors: false, // the editor's page is served by the API itself
    routes: { "ANY /": apiFunction, "ANY /{proxy+}": apiFunction },
  });

  if (!settings.publicBaseUrl) {
    // No domain configured: links in mail use the API's own URL, published for the other stacks'
    // functions (see withPublicBaseUrl in settings.ts).
    apiFunction.addEnvironment("PUBLIC_BASE_URL", api.url);
    new sst.Config.Parameter(stack, PUBLIC_BASE_URL_PARAMETER, { value: api.url });
  }

  stack.addOutputs({ ApiUrl: api.url, PublicBaseUrl: settings.publicBaseUrl ?? api.url });
  return { api, apiFunction };
}

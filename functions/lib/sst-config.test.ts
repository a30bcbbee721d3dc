import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { SSMClient } from "@aws-sdk/client-ssm";
import { LOCAL_CREDENTIALS } from "@wkn/core/store/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLambdaCtx } from "./lambda-ctx.js";
import { boundValues, FETCH_FROM_SSM, givenValues, loadBoundValues, ssmPath } from "./sst-config.js";

/**
 * A loopback SSM endpoint answering GetParameters (AWS JSON 1.1) from a map, recording each call's
 * names; the real SDK client talks to it.
 */
function ssmServer(params: Record<string, string>) {
  const calls: string[][] = [];
  const server: Server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => {
      body += c;
    });
    req.on("end", () => {
      if (req.headers["x-amz-target"] !== "AmazonSSM.GetParameters") {
        res.writeHead(400, { "content-type": "application/x-amz-json-1.1" });
        res.end(JSON.stringify({ __type: "InvalidAction", message: String(req.headers["x-amz-target"]) }));
        return;
      }
      const { Names, WithDecryption } = JSON.parse(body) as { Names: string[]; WithDecryption?: boolean };
      calls.push(Names);
      if (Names.length > 10 || WithDecryption !== true) {
        res.writeHead(400, { "content-type": "application/x-amz-json-1.1" });
        res.end(JSON.stringify({ __type: "ValidationException", message: "bad request" }));
        return;
      }
      res.writeHead(200, { "content-type": "application/x-amz-json-1.1" });
      res.end(
        JSON.stringify({
          Parameters: Names.filter((n) => n in params).map((n) => ({
            Name: n,
            Value: params[n],
            Type: "SecureString",
          })),
          InvalidParameters: Names.filter((n) => !(n in params)),
        }),
      );
    });
  });
  return { server, calls };
}

const BASE_ENV = {
  SST_APP: "weekly-ml-news",
  SST_STAGE: "prod",
  SST_SSM_PREFIX: "/sst/weekly-ml-news/prod/",
  SST_Secret_value_EDITOR_TOKEN: FETCH_FROM_SSM,
  SST_Secret_value_SIGNING_SECRET: FETCH_FROM_SSM,
  SST_Secret_value_GITHUB_TOKEN: FETCH_FROM_SSM,
  TABLE_NAME: "prod-weekly-ml-news-Table",
  SEND_QUEUE_URL: "https://sqs.us-east-1.amazonaws.com/123456789012/prod-weekly-ml-news-SendQueue",
  PUBLIC_BASE_URL: "https://news.example.com",
  AWS_REGION: "us-east-1",
};

describe("SST-bound values from SSM", () => {
  const stage = "/sst/weekly-ml-news/prod/";
  const fallback = "/sst/weekly-ml-news/.fallback/";
  const { server, calls } = ssmServer({
    [`${stage}Secret/EDITOR_TOKEN/value`]: "editor-token-from-stage",
    [`${fallback}Secret/EDITOR_TOKEN/value`]: "editor-token-from-fallback",
    [`${fallback}Secret/SIGNING_SECRET/value`]: "signing-secret-from-fallback",
    [`${stage}Parameter/PUBLIC_BASE_URL/value`]: "https://abc123.execute-api.us-east-1.amazonaws.com",
  });
  let ssm: SSMClient;

  beforeAll(async () => {
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    const { port } = server.address() as AddressInfo;
    ssm = new SSMClient({
      region: "us-east-1",
      endpoint: `http://127.0.0.1:${port}`,
      credentials: LOCAL_CREDENTIALS,
    });
  });
  afterAll(async () => {
    ssm.destroy();
    await new Promise((r) => server.close(r));
  });

  it("finds the bound values by SST's environment convention and builds SST's paths", () => {
    const bound = boundValues({
      ...BASE_ENV,
      SST_Parameter_value_PUBLIC_BASE_URL: FETCH_FROM_SSM,
      SST_Secret_value_X: "plain",
    });
    expect(bound).toEqual([
      { type: "Secret", id: "EDITOR_TOKEN" },
      { type: "Secret", id: "SIGNING_SECRET" },
      { type: "Secret", id: "GITHUB_TOKEN" },
      { type: "Parameter", id: "PUBLIC_BASE_URL" },
    ]);
    expect(ssmPath(BASE_ENV, { type: "Secret", id: "EDITOR_TOKEN" })).toBe(
      `${stage}Secret/EDITOR_TOKEN/value`,
    );
    expect(ssmPath(BASE_ENV, { type: "Secret", id: "EDITOR_TOKEN" }, true)).toBe(
      `${fallback}Secret/EDITOR_TOKEN/value`,
    );
  });

  it("prefers the stage's value, falls back to the app-wide secret, reports what is set nowhere", async () => {
    calls.length = 0;
    const env = { ...BASE_ENV, SST_Parameter_value_PUBLIC_BASE_URL: FETCH_FROM_SSM };
    const { values, missing } = await loadBoundValues(env, ssm);
    expect(values).toEqual({
      EDITOR_TOKEN: "editor-token-from-stage",
      SIGNING_SECRET: "signing-secret-from-fallback",
      PUBLIC_BASE_URL: "https://abc123.execute-api.us-east-1.amazonaws.com",
    });
    expect(missing).toEqual(["GITHUB_TOKEN"]);
    // one call for the stage's paths, one for the fallbacks of the secrets not found there
    expect(calls).toHaveLength(2);
    expect(calls[1]).toEqual([
      `${fallback}Secret/SIGNING_SECRET/value`,
      `${fallback}Secret/GITHUB_TOKEN/value`,
    ]);
  });

  it("asks for at most 10 names per call", async () => {
    calls.length = 0;
    const env: Record<string, string> = { ...BASE_ENV };
    for (let i = 0; i < 23; i++) env[`SST_Parameter_value_P${i}`] = FETCH_FROM_SSM;
    const { missing } = await loadBoundValues(env, ssm);
    expect(missing).toHaveLength(23 + 1); // the parameters and GITHUB_TOKEN
    expect(calls.every((names) => names.length <= 10)).toBe(true);
  });

  it("builds the Lambda context: secrets in the config, queues and table from the environment", async () => {
    const ctx = await createLambdaCtx(BASE_ENV, { ssm });
    expect(ctx.config.editorToken).toBe("editor-token-from-stage");
    expect(ctx.config.signingSecret).toBe("signing-secret-from-fallback");
    expect(ctx.config.githubToken).toBeUndefined(); // optional: polling works without it
    expect(ctx.config.tableName).toBe("prod-weekly-ml-news-Table");
    expect(ctx.config.queues.send).toBe(BASE_ENV.SEND_QUEUE_URL);
    expect(ctx.config.publicBaseUrl).toBe("https://news.example.com");
  });

  it("refuses to start when a required secret is set nowhere", async () => {
    const env = { ...BASE_ENV, SST_SSM_PREFIX: "/sst/weekly-ml-news/other/", SST_APP: "other-app" };
    await expect(createLambdaCtx(env, { ssm })).rejects.toThrow(/EDITOR_TOKEN, SIGNING_SECRET/);
  });

  it("reads values given in the environment as they are, as sst/node does, without SSM", async () => {
    calls.length = 0;
    const env = {
      ...BASE_ENV,
      SST_Secret_value_EDITOR_TOKEN: "given-editor-token",
      SST_Secret_value_SIGNING_SECRET: "given-signing-secret",
      SST_Secret_value_GITHUB_TOKEN: "__FETCH_FROM_SECRET__:OTHER", // sst's reference: not a value
    };
    expect(givenValues(env)).toEqual({
      EDITOR_TOKEN: "given-editor-token",
      SIGNING_SECRET: "given-signing-secret",
    });
    const ctx = await createLambdaCtx(env, { ssm });
    expect(calls).toHaveLength(0);
    expect(ctx.config.editorToken).toBe("given-editor-token");
    expect(ctx.config.signingSecret).toBe("given-signing-secret");
  });

  it("makes no SSM call when nothing is bound", async () => {
    calls.length = 0;
    const ctx = await createLambdaCtx({ TABLE_NAME: "t", EDITOR_TOKEN: "from-env" }, { ssm });
    expect(calls).toHaveLength(0);
    expect(ctx.config.editorToken).toBe("from-env");
  });
});

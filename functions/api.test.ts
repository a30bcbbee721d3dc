import { startTestEnv, TEST_TOKEN, type TestEnv } from "@wkn/testing";
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/** An API Gateway HTTP API (payload 2.0) event, as the `ANY /{proxy+}` route delivers it. */
function httpEvent(
  method: string,
  path: string,
  headers: Record<string, string> = {},
): APIGatewayProxyEventV2 {
  return {
    version: "2.0",
    routeKey: "ANY /{proxy+}",
    rawPath: path,
    rawQueryString: "",
    headers: { host: "abc123.execute-api.us-east-1.amazonaws.com", ...headers },
    requestContext: {
      accountId: "123456789012",
      apiId: "abc123",
      domainName: "abc123.execute-api.us-east-1.amazonaws.com",
      domainPrefix: "abc123",
      http: { method, path, protocol: "HTTP/1.1", sourceIp: "192.0.2.1", userAgent: "test" },
      requestId: "req-1",
      routeKey: "ANY /{proxy+}",
      stage: "$default",
      time: "29/Nov/2025:12:00:00 +0000",
      timeEpoch: 0,
    },
    isBase64Encoded: false,
  };
}

describe("functions/api handler", () => {
  let env: TestEnv;
  let handler: (e: APIGatewayProxyEventV2, c: Context) => Promise<APIGatewayProxyStructuredResultV2>;

  beforeAll(async () => {
    env = await startTestEnv();
    const ctx = await env.ctx();
    // The handler builds its context from the environment at import, as on Lambda.
    Object.assign(process.env, {
      TABLE_NAME: ctx.config.tableName,
      DYNAMODB_ENDPOINT: env.dynamoEndpoint,
      EDITOR_TOKEN: TEST_TOKEN,
      SIGNING_SECRET: "a-signing-secret-for-the-test",
      AWS_REGION: "us-east-1",
    });
    ({ handler } = (await import("./api.js")) as unknown as { handler: typeof handler });
  });
  afterAll(async () => {
    await env.close();
  });

  it("answers the health check without a token", async () => {
    const res = await handler(httpEvent("GET", "/api/health"), {} as Context);
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body ?? "")).toEqual({ ok: true });
  });

  it("guards the editor routes with the token and serves them from the table", async () => {
    const denied = await handler(httpEvent("GET", "/api/sources"), {} as Context);
    expect(denied.statusCode).toBe(401);
    const res = await handler(
      httpEvent("GET", "/api/sources", { authorization: `Bearer ${TEST_TOKEN}` }),
      {} as Context,
    );
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body ?? "")).toEqual({ sources: [] });
  });
});

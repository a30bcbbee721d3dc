import { rm } from "node:fs/promises";
import { Template } from "aws-cdk-lib/assertions";
import { App, getStack, Function as SstFunction, type StackContext } from "sst/constructs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addressOf, deploySettings, EXAMPLE_FROM_EMAIL, withPublicBaseUrl } from "./settings.js";
import { initTestProject } from "./testing.js";

describe("deploySettings", () => {
  it("forwards the settings that are set, names the newsletter, parses the sender", () => {
    const s = deploySettings({
      NODE_ENV: "production",
      FROM_EMAIL: "Weekly ML News <news@example.org>",
      PUBLIC_BASE_URL: "https://news.example.org",
      UTM_SOURCE: " wmn ",
      KAGGLE_KEY: "not forwarded",
    });
    expect(s.env).toEqual({
      FROM_EMAIL: "Weekly ML News <news@example.org>",
      PUBLIC_BASE_URL: "https://news.example.org",
      UTM_SOURCE: "wmn",
      NEWSLETTER_NAME: "Weekly Kaggle News",
    });
    expect(s.fromAddress).toBe("news@example.org");
    expect(s.publicBaseUrl).toBe("https://news.example.org");
  });

  it("refuses a real deploy without a sender, uses an example one under test", () => {
    expect(() => deploySettings({})).toThrow(/FROM_EMAIL/);
    expect(deploySettings({ NODE_ENV: "test" }).fromAddress).toBe(EXAMPLE_FROM_EMAIL);
    expect(() => deploySettings({ NODE_ENV: "test", FROM_EMAIL: "not an address" })).toThrow(
      /not an address/,
    );
  });

  it("reads the address out of a display-name form", () => {
    expect(addressOf('"ML, weekly" <a@b.org>')).toBe("a@b.org");
    expect(addressOf(" a@b.org ")).toBe("a@b.org");
  });
});

describe("withPublicBaseUrl", () => {
  // Functions are bundled only by app.finish(): these stacks are synthesized without it.
  const templates: Record<"configured" | "unset", Template> = {} as never;
  let dir = "";
  afterAll(() => rm(dir, { recursive: true, force: true }));
  beforeAll(async () => {
    dir = await initTestProject();
    const app = new App({
      mode: "deploy",
      name: "weekly-ml-news",
      stage: "test",
      region: "us-east-1",
      account: "123456789012",
    });
    const stackWith = (name: string, env: Record<string, string>) => {
      const stackFn = ({ stack }: StackContext) => {
        const fn = new SstFunction(stack, "Fn", { handler: "functions/send-worker.handler" });
        withPublicBaseUrl(fn, stack, deploySettings({ NODE_ENV: "test", ...env }));
      };
      Object.defineProperty(stackFn, "name", { value: name });
      app.stack(stackFn);
      return stackFn;
    };
    const configured = stackWith("Configured", { PUBLIC_BASE_URL: "https://news.example.org" });
    const unset = stackWith("Unset", {});
    templates.configured = Template.fromStack(getStack(configured));
    templates.unset = Template.fromStack(getStack(unset));
  });

  it("passes a configured PUBLIC_BASE_URL as it is, with no SSM access", () => {
    const t = templates.configured;
    t.hasResourceProperties("AWS::Lambda::Function", {
      Environment: { Variables: { PUBLIC_BASE_URL: "https://news.example.org" } },
    });
    expect(JSON.stringify(t.toJSON())).not.toContain("ssm:GetParameters");
    expect(JSON.stringify(t.toJSON())).not.toContain("SST_Parameter_value_PUBLIC_BASE_URL");
  });

  it("otherwise points the function at the SSM parameter the Api stack writes", () => {
    const t = templates.unset;
    const fn = Object.values(t.findResources("AWS::Lambda::Function")).find((r) => r.Properties.Environment);
    const vars = fn?.Properties.Environment.Variables;
    expect(vars.SST_Parameter_value_PUBLIC_BASE_URL).toBe("__FETCH_FROM_SSM__");
    expect(vars.PUBLIC_BASE_URL).toBeUndefined();
    const [policy] = Object.values(t.findResources("AWS::IAM::Policy"));
    expect(policy?.Properties.PolicyDocument.Statement).toContainEqual({
      Action: "ssm:GetParameters",
      Effect: "Allow",
      Resource: {
        "Fn::Join": [
          "",
          [
            "arn:",
            { Ref: "AWS::Partition" },
            ":ssm:us-east-1:123456789012:parameter/sst/weekly-ml-news/test/Parameter/PUBLIC_BASE_URL/value",
          ],
        ],
      },
    });
  });
});

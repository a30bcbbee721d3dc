/**
 * Every SES failure the endpoint can answer, as the real SDK client sees it: the account options,
 * the named faults of SES_FAULTS and the transport faults.
 */
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  AccountSendingPausedException,
  ConfigurationSetDoesNotExistException,
  ConfigurationSetSendingPausedException,
  GetSendQuotaCommand,
  MailFromDomainNotVerifiedException,
  MessageRejected,
  SESClient,
  SESServiceException,
  SendEmailCommand,
  SendRawEmailCommand,
  type SendRawEmailCommandInput,
} from "@aws-sdk/client-ses";
import * as retry from "@smithy/core/retry";
import { afterEach, describe, expect, it } from "vitest";
import { SES_FAULTS, type SesAnswerFaultName } from "./faults.js";
import { type LocalSesOptions, type LocalSesStats, type SesFault, startLocalSes } from "./server.js";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function start(opts: Partial<LocalSesOptions> = {}) {
  const dir = await mkdtemp(join(tmpdir(), "local-ses-faults-"));
  const outboxDir = join(dir, "outbox");
  const ses = await startLocalSes({ outboxDir, maxSendRate: 100, ...opts });
  const client = new SESClient({
    endpoint: ses.endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
    maxAttempts: 1,
  });
  cleanups.push(async () => {
    client.destroy();
    await ses.close();
    await rm(dir, { recursive: true, force: true });
  });
  const outbox = async () => (await readdir(outboxDir)).filter((f) => f.endsWith(".eml"));
  return { ses, client, outbox };
}

const FROM = "Weekly ML News <newsletter@example.org>";
const message = (to = "reader@example.net") => `From: ${FROM}\r\nTo: ${to}\r\nSubject: hi\r\n\r\nbody\r\n`;
const raw = (extra: Partial<SendRawEmailCommandInput> = {}, to?: string) =>
  new SendRawEmailCommand({ RawMessage: { Data: Buffer.from(message(to)) }, ...extra });

type Sent = { send(command: SendRawEmailCommand | SendEmailCommand, options?: object): Promise<unknown> };

/** The SDK's error for a call, or a test failure when the call succeeded. */
async function failure(client: Sent, command: SendRawEmailCommand | SendEmailCommand, options = {}) {
  try {
    await client.send(command, options);
  } catch (err) {
    return err as SESServiceException & { code?: string; ConfigurationSetName?: string };
  }
  throw new Error("expected the call to fail");
}

// How the SDK's retry strategy classifies an error (its types predate the service exceptions').
type SdkError = Parameters<typeof retry.isThrottlingError>[0];
const isThrottlingError = (err: unknown) => retry.isThrottlingError(err as SdkError);
const isTransientError = (err: unknown) => retry.isTransientError(err as SdkError);

const counts = (named: Partial<LocalSesStats>): LocalSesStats => ({
  accepted: 0,
  throttled: 0,
  rejected: 0,
  failed: 0,
  hung: 0,
  reset: 0,
  ...named,
});

const notVerified = (list: string) =>
  `Email address is not verified. The following identities failed the check in region US-EAST-1: ${list}`;

describe("the named faults", () => {
  // name, HTTP status, message and class of what the real SDK throws; the counter it moves.
  const cases: Record<
    SesAnswerFaultName,
    [string, number, string, (new (...args: never[]) => Error) | null, keyof LocalSesStats]
  > = {
    Throttling: ["Throttling", 400, "Maximum sending rate exceeded.", null, "throttled"],
    DailyQuotaExceeded: ["Throttling", 400, "Daily message quota exceeded.", null, "throttled"],
    MessageRejected: ["MessageRejected", 400, "Address blacklisted.", MessageRejected, "rejected"],
    SenderNotVerified: ["MessageRejected", 400, notVerified(FROM), MessageRejected, "rejected"],
    RecipientNotVerified: [
      "MessageRejected",
      400,
      notVerified("reader@example.net"),
      MessageRejected,
      "rejected",
    ],
    AccountPausedByAws: [
      "MessageRejected",
      400,
      "Sending paused for this account. For more information, please check the inbox of the email address associated with your AWS account.",
      MessageRejected,
      "rejected",
    ],
    AccountSendingPaused: [
      "AccountSendingPausedException",
      400,
      "Email sending is disabled for your entire Amazon SES account.",
      AccountSendingPausedException,
      "rejected",
    ],
    ConfigurationSetDoesNotExist: [
      "ConfigurationSetDoesNotExistException",
      400,
      "Configuration set <newsletter> does not exist.",
      ConfigurationSetDoesNotExistException,
      "rejected",
    ],
    ConfigurationSetSendingPaused: [
      "ConfigurationSetSendingPausedException",
      400,
      "Email sending is disabled for the configuration set.",
      ConfigurationSetSendingPausedException,
      "rejected",
    ],
    MailFromDomainNotVerified: [
      "MailFromDomainNotVerifiedException",
      400,
      "The message could not be sent because Amazon SES could not read the MX record required to use the specified MAIL FROM domain.",
      MailFromDomainNotVerifiedException,
      "rejected",
    ],
    AccessDenied: [
      "AccessDenied",
      403,
      "User `arn:aws:sts::123456789012:assumed-role/SendWorker/send' is not authorized to perform " +
        "`ses:SendRawEmail' on resource `arn:aws:ses:us-east-1:123456789012:identity/example.org'",
      null,
      "rejected",
    ],
    InvalidClientTokenId: [
      "InvalidClientTokenId",
      403,
      "The security token included in the request is invalid.",
      null,
      "rejected",
    ],
    InternalFailure: [
      "InternalFailure",
      500,
      "The request processing has failed because of an unknown error, exception or failure.",
      null,
      "failed",
    ],
    ServiceUnavailable: ["ServiceUnavailable", 503, "Service is unable to handle request.", null, "failed"],
  };

  it("covers the whole catalogue", () => {
    expect(Object.keys(cases).sort()).toEqual(Object.keys(SES_FAULTS).sort());
  });

  it.each(Object.entries(cases))(
    "%s: the SDK throws its real name, status and message, and nothing is sent",
    async (fault, [name, status, text, type, counter]) => {
      const { ses, client, outbox } = await start({ fault: () => fault as SesAnswerFaultName });
      const err = await failure(client, raw({ ConfigurationSetName: "newsletter" }));

      expect(err).toBeInstanceOf(SESServiceException);
      if (type) expect(err).toBeInstanceOf(type);
      expect(err.name).toBe(name);
      expect(err.$metadata.httpStatusCode).toBe(status);
      expect(err.message).toBe(text);
      expect(err.$fault).toBe(status >= 500 ? "server" : "client");
      expect(isThrottlingError(err)).toBe(name === "Throttling");
      expect(isTransientError(err)).toBe(status >= 500); // what the SDK's retry strategy retries
      expect(await outbox()).toEqual([]);
      expect(ses.stats()).toEqual(counts({ [counter]: 1 }));
    },
  );

  it("names the configuration set on the SDK's exception", async () => {
    const { client } = await start({ fault: () => "ConfigurationSetSendingPaused" });
    const err = await failure(client, raw({ ConfigurationSetName: "weekly" }));
    expect(err).toBeInstanceOf(ConfigurationSetSendingPausedException);
    expect(err.ConfigurationSetName).toBe("weekly");
  });

  it("names the action and the sender's domain in AccessDenied", async () => {
    const { client } = await start({ fault: () => "AccessDenied" });
    const err = await failure(
      client,
      new SendEmailCommand({
        Source: "editor@news.example.com",
        Destination: { ToAddresses: ["reader@example.net"] },
        Message: { Subject: { Data: "s" }, Body: { Text: { Data: "b" } } },
      }),
    );
    expect(err.message).toBe(
      "User `arn:aws:sts::123456789012:assumed-role/SendWorker/send' is not authorized to perform " +
        "`ses:SendEmail' on resource `arn:aws:ses:us-east-1:123456789012:identity/news.example.com'",
    );
  });

  it("gives the hook the call's sender and recipients, and lets a fault win over a malformed request", async () => {
    const calls: Parameters<SesFault>[0][] = [];
    const { client } = await start({
      fault: (call) => {
        calls.push(call);
        return "ServiceUnavailable";
      },
    });
    await failure(client, raw({ Destinations: ["a@example.net", "B <b@example.net>"] }));
    const malformed = new SendRawEmailCommand({ RawMessage: { Data: Buffer.from("not a message") } });
    expect((await failure(client, malformed)).name).toBe("ServiceUnavailable");
    expect(calls).toEqual([
      {
        action: "SendRawEmail",
        n: 1,
        source: "newsletter@example.org",
        destinations: ["a@example.net", "b@example.net"],
      },
      { action: "SendRawEmail", n: 2 },
    ]);
  });
});

describe("the transport faults", () => {
  const shortly = () => ({ abortSignal: AbortSignal.timeout(150) });

  it("Hang: reads the request and never answers; the caller gives up", async () => {
    const { ses, client, outbox } = await start({ fault: () => "Hang" });
    const err = await failure(client, raw(), shortly());
    expect(err).toMatchObject({ name: "AbortError", message: "Request aborted" });
    expect(await outbox()).toEqual([]);
    expect(ses.stats()).toEqual(counts({ hung: 1 }));
  });

  it("Hang: requestTimeout fails the call only with throwOnRequestTimeout", async () => {
    const { ses } = await start({ fault: () => "Hang" });
    const quiet = { debug() {}, info() {}, warn() {}, error() {} };
    const withTimeout = (throwOnRequestTimeout: boolean) =>
      new SESClient({
        endpoint: ses.endpoint,
        region: "us-east-1",
        credentials: { accessKeyId: "local", secretAccessKey: "local" },
        maxAttempts: 1,
        requestHandler: { requestTimeout: 50, throwOnRequestTimeout, logger: quiet },
      });
    const strict = withTimeout(true);
    const lenient = withTimeout(false);
    cleanups.push(async () => {
      strict.destroy();
      lenient.destroy();
    });

    const timedOut = await failure(strict, raw());
    expect(timedOut).toMatchObject({ name: "TimeoutError", code: "ETIMEDOUT" });
    expect(isTransientError(timedOut)).toBe(true);
    // Without it the SDK only logs a warning and keeps waiting: here until the abort.
    expect((await failure(lenient, raw(), shortly())).name).toBe("AbortError");
    expect(ses.stats()).toEqual(counts({ hung: 2 }));
  });

  it("AcceptThenHang: sends the message, then never answers", async () => {
    const { ses, client, outbox } = await start({
      sendingPaused: true, // accepted regardless: the point is that it went out
      fault: ({ action }) => (action === "SendRawEmail" ? "AcceptThenHang" : null),
    });
    const err = await failure(client, raw(), shortly());
    expect(err.name).toBe("AbortError");
    expect(await outbox()).toHaveLength(1);
    expect(ses.messages()[0]).toMatchObject({ source: "newsletter@example.org" });
    expect(ses.stats()).toEqual(counts({ accepted: 1, hung: 1 }));
    const quota = await client.send(new GetSendQuotaCommand({}));
    expect(quota.SentLast24Hours).toBe(1);
  });

  it("ResetAfterRequest: drops the connection once the request is read", async () => {
    const { ses, client, outbox } = await start({ fault: () => "ResetAfterRequest" });
    const err = await failure(client, raw());
    // The SDK's node handler names a connection reset TimeoutError, with no HTTP status.
    expect(err).toMatchObject({ name: "TimeoutError", code: "ECONNRESET", message: "socket hang up" });
    expect(err.$metadata.httpStatusCode).toBeUndefined();
    expect(isTransientError(err)).toBe(true); // with maxAttempts > 1 the SDK sends the message again
    expect(await outbox()).toEqual([]);
    expect(ses.stats()).toEqual(counts({ reset: 1 }));
  });

  it("close() finishes while a call is left hanging", async () => {
    const { ses } = await start({ fault: () => "Hang" });
    const body = "Action=GetSendQuota&Version=2010-12-01";
    const answered = new Promise<string>((resolve) => {
      const req = request(`${ses.endpoint}/`, { method: "POST" }, () => resolve("answered"));
      req.on("error", (err) => resolve(err.message));
      req.setHeader("content-type", "application/x-www-form-urlencoded");
      req.end(body);
    });
    await expect.poll(() => ses.stats().hung).toBe(1);
    await ses.close();
    expect(await answered).toBe("socket hang up");
  });
});

describe("the account options", () => {
  const sendEmail = (source: string, to = "reader@example.net") =>
    new SendEmailCommand({
      Source: source,
      Destination: { ToAddresses: [to] },
      Message: { Subject: { Data: "s" }, Body: { Text: { Data: "b" } } },
    });

  it("verifiedIdentities: refuses an unverified sender as SES does, listing From and Source", async () => {
    const { ses, client, outbox } = await start({ verifiedIdentities: ["editor@example.com"] });

    const err = await failure(client, raw());
    expect(err).toBeInstanceOf(MessageRejected);
    expect(err.$metadata.httpStatusCode).toBe(400);
    expect(err.message).toBe(notVerified("Weekly ML News <newsletter@example.org>"));

    const both = await failure(client, raw({ Source: "newsletter@example.org" }));
    expect(both.message).toBe(notVerified("Weekly ML News <newsletter@example.org>, newsletter@example.org"));
    expect((await failure(client, sendEmail("newsletter@example.org"))).message).toBe(
      notVerified("newsletter@example.org"),
    );
    expect(await outbox()).toEqual([]);
    expect(ses.stats()).toEqual(counts({ rejected: 3 }));
  });

  it("verifiedIdentities: a domain covers its addresses and subdomains; recipients are free", async () => {
    const { ses, client } = await start({ verifiedIdentities: ["example.org"] });
    await client.send(raw());
    await client.send(sendEmail('"News" <news@mail.example.org>', "anyone@elsewhere.test"));
    expect(ses.stats().accepted).toBe(2);
    expect((await failure(client, sendEmail("news@example.org.evil.test"))).name).toBe("MessageRejected");
  });

  it("configure(): verifying the sender lets the same send through", async () => {
    const { ses, client, outbox } = await start({ verifiedIdentities: [] });
    expect((await failure(client, raw())).name).toBe("MessageRejected");

    ses.configure({ verifiedIdentities: ["newsletter@example.org"] });
    await client.send(raw());
    ses.configure({ verifiedIdentities: undefined }); // unset: every sender is accepted again
    await client.send(sendEmail("someone@else.test"));

    expect(await outbox()).toHaveLength(2);
    expect(ses.stats()).toEqual(counts({ accepted: 2, rejected: 1 }));
  });

  it("sandbox: names every unverified recipient, and only those", async () => {
    const { ses, client, outbox } = await start({
      verifiedIdentities: ["example.org", "friend@example.net"],
      sandbox: true,
    });
    const err = await failure(
      client,
      raw({ Destinations: ["friend@example.net", "a@example.net", "b@x.test"] }),
    );
    expect(err).toBeInstanceOf(MessageRejected);
    expect(err.message).toBe(notVerified("a@example.net, b@x.test"));
    expect(await outbox()).toEqual([]);

    await client.send(raw({ Destinations: ["friend@example.net"] }));
    ses.configure({ sandbox: false });
    await client.send(raw());
    expect(ses.stats()).toEqual(counts({ accepted: 2, rejected: 1 }));
  });

  it("sendingPaused: AccountSendingPausedException until resumed", async () => {
    const { ses, client, outbox } = await start({ sendingPaused: true });
    const err = await failure(client, raw());
    expect(err).toBeInstanceOf(AccountSendingPausedException);
    expect(err.name).toBe("AccountSendingPausedException");
    expect(err.$metadata.httpStatusCode).toBe(400);
    expect(err.message).toBe("Email sending is disabled for your entire Amazon SES account.");
    expect(await outbox()).toEqual([]);

    ses.configure({ sendingPaused: false });
    await client.send(raw());
    expect(ses.stats()).toEqual(counts({ accepted: 1, rejected: 1 }));
  });

  it("max24HourSend: reported by GetSendQuota; once used up, Throttling until the day has passed", async () => {
    let clock = 1_800_000_000_000;
    const { ses, client, outbox } = await start({ max24HourSend: 3, now: () => clock });
    expect(await client.send(new GetSendQuotaCommand({}))).toMatchObject({
      Max24HourSend: 3,
      MaxSendRate: 100,
      SentLast24Hours: 0,
    });

    await client.send(raw({ Destinations: ["a@example.net", "b@example.net"] }));
    clock += 1000;
    await client.send(raw({ Destinations: ["c@example.net", "d@example.net"] })); // 1 left: goes through
    clock += 1000;
    const err = await failure(client, raw());
    expect(err.name).toBe("Throttling");
    expect(err.$metadata.httpStatusCode).toBe(400);
    expect(err.message).toBe("Daily message quota exceeded.");
    expect(isThrottlingError(err)).toBe(true);
    expect(await outbox()).toHaveLength(2);
    expect((await client.send(new GetSendQuotaCommand({}))).SentLast24Hours).toBe(4);

    clock += 86_400_000 - 1000; // the first send leaves the window
    await client.send(raw());
    ses.configure({ max24HourSend: 10 });
    await client.send(raw());
    expect(ses.stats()).toEqual(counts({ accepted: 4, throttled: 1 }));
  });

  it("max24HourSend: concurrent sends cannot overshoot the quota", async () => {
    const { ses, client, outbox } = await start({ max24HourSend: 5 });
    const results = await Promise.allSettled(Array.from({ length: 12 }, () => client.send(raw())));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(5);
    expect(await outbox()).toHaveLength(5);
    expect(ses.stats()).toEqual(counts({ accepted: 5, throttled: 7 }));
  });

  it("configurationSets: an unknown name is ConfigurationSetDoesNotExistException", async () => {
    const { ses, client, outbox } = await start({ configurationSets: ["newsletter"] });
    const err = await failure(client, raw({ ConfigurationSetName: "weekly" }));
    expect(err).toBeInstanceOf(ConfigurationSetDoesNotExistException);
    expect(err.name).toBe("ConfigurationSetDoesNotExistException");
    expect(err.$metadata.httpStatusCode).toBe(400);
    expect(err.message).toBe("Configuration set <weekly> does not exist.");
    expect(err.ConfigurationSetName).toBe("weekly");
    expect(await outbox()).toEqual([]);

    await client.send(raw({ ConfigurationSetName: "newsletter" }));
    await client.send(raw());
    ses.configure({ configurationSets: ["newsletter", "weekly"] });
    await client.send(raw({ ConfigurationSetName: "weekly" }));
    expect(ses.stats()).toEqual(counts({ accepted: 3, rejected: 1 }));
  });

  it("leaves the named faults in charge: a fault answers even a send the account would take", async () => {
    const { client } = await start({
      verifiedIdentities: ["example.org"],
      fault: ({ n }) => (n === 1 ? "SenderNotVerified" : null),
    });
    expect((await failure(client, raw())).message).toBe(notVerified(FROM));
    await client.send(raw());
  });
});

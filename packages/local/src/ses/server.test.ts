import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  GetSendQuotaCommand,
  ListIdentitiesCommand,
  MessageRejected,
  SESClient,
  type SESServiceException,
  SendEmailCommand,
  type SendEmailCommandInput,
  SendRawEmailCommand,
  type SendRawEmailCommandInput,
} from "@aws-sdk/client-ses";
import { isThrottlingError } from "@smithy/core/retry";
import MailComposer from "nodemailer/lib/mail-composer";
import { parseHeaderValue } from "nodemailer/lib/mime-funcs";
import { afterEach, describe, expect, it } from "vitest";
import { readHeaders } from "./mime.js";
import { type LocalSesOptions, type LocalSesStats, type SesCall, startLocalSes } from "./server.js";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function start(opts: Partial<LocalSesOptions> = {}) {
  const dir = await mkdtemp(join(tmpdir(), "local-ses-"));
  const outboxDir = join(dir, "data", "outbox");
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
  return { ses, client, outboxDir };
}

async function composed(subject: string): Promise<Buffer> {
  return new MailComposer({
    from: '"Weekly Kaggle News" <news@example.com>',
    to: "reader@example.org",
    subject,
    text: "Plain text part",
    html: "<p>HTML part</p>",
    headers: {
      "List-Unsubscribe": "<https://news.example.com/unsubscribe?token=abc.def>",
      "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
      "X-Issue-Number": "72",
    },
  })
    .compile()
    .build();
}

const rawInput = (raw: Buffer | string, extra: Partial<SendRawEmailCommandInput> = {}) =>
  new SendRawEmailCommand({
    RawMessage: { Data: typeof raw === "string" ? Buffer.from(raw) : raw },
    ...extra,
  });

type SesCommand = SendRawEmailCommand | SendEmailCommand | ListIdentitiesCommand;

/** The SDK's error for a call, or a test failure when the call succeeded. */
async function failure(client: SESClient, command: SesCommand): Promise<SESServiceException> {
  try {
    await client.send(command as never); // one call for any of the commands: their types are overloads
  } catch (err) {
    return err as SESServiceException;
  }
  throw new Error("expected the call to fail");
}

/** The classification the SDK's retry strategy applies to an error. */
const classifiedAsThrottling = (err: unknown) =>
  isThrottlingError(err as Parameters<typeof isThrottlingError>[0]);

/** stats() with the counters a test does not name at 0. */
const counts = (named: Partial<LocalSesStats>): LocalSesStats => ({
  accepted: 0,
  throttled: 0,
  rejected: 0,
  failed: 0,
  hung: 0,
  reset: 0,
  ...named,
});

const emlFiles = async (dir: string) => (await readdir(dir)).filter((f) => f.endsWith(".eml")).sort();

describe("SendRawEmail", () => {
  it("writes the message byte for byte, with every header, to a time-sortable file in a new outbox", async () => {
    const { ses, client, outboxDir } = await start();
    const raw = await composed("Weekly Kaggle News #72");

    const out = await client.send(
      rawInput(raw, {
        Source: "news@example.com",
        Destinations: ["reader@example.org"],
        ConfigurationSetName: "newsletter",
        Tags: [{ Name: "issue", Value: "72" }],
      }),
    );

    expect(out.MessageId).toMatch(/^[0-9a-f]{16}-[0-9a-f-]{36}-000000$/);
    expect(out.$metadata.requestId).toBeTruthy();
    const files = await emlFiles(outboxDir);
    expect(files).toEqual([
      expect.stringMatching(new RegExp(`^\\d{8}T\\d{6}\\.\\d{3}Z-${out.MessageId}\\.eml$`)),
    ]);
    const written = await readFile(join(outboxDir, files[0]!));
    expect(written.equals(raw)).toBe(true);
    const headers = readHeaders(written);
    expect(headers.get("list-unsubscribe")).toEqual(["<https://news.example.com/unsubscribe?token=abc.def>"]);
    expect(headers.get("list-unsubscribe-post")).toEqual(["List-Unsubscribe=One-Click"]);
    expect(headers.get("x-issue-number")).toEqual(["72"]);
    expect(ses.messages()).toEqual([
      {
        id: out.MessageId,
        action: "SendRawEmail",
        source: "news@example.com",
        destinations: ["reader@example.org"],
        raw: written,
        file: join(outboxDir, files[0]!),
        configurationSetName: "newsletter",
        tags: [{ name: "issue", value: "72" }],
        acceptedAt: expect.any(Number),
      },
    ]);
    expect(ses.stats()).toEqual(counts({ accepted: 1, throttled: 0, rejected: 0 }));
  });

  it("keeps bytes that are not UTF-8 exactly as sent", async () => {
    const { client, outboxDir } = await start();
    const raw = Buffer.concat([
      Buffer.from(
        "From: a@example.com\r\nTo: b@example.com\r\nContent-Type: text/plain; charset=iso-8859-1\r\n",
      ),
      Buffer.from("Content-Transfer-Encoding: 8bit\r\n\r\nCaf"),
      Buffer.from([0xe9, 0xff, 0x00, 0x80]),
      Buffer.from("\r\n"),
    ]);
    await client.send(rawInput(raw));
    const [file] = await emlFiles(outboxDir);
    expect((await readFile(join(outboxDir, file!))).equals(raw)).toBe(true);
  });

  it("takes sender and recipients from From/To/Cc/Bcc when Source and Destinations are absent", async () => {
    const { ses, client } = await start();
    const raw =
      'From: "News" <news@example.com>\r\nTo: A <a@example.org>, b@example.org\r\nCc: c@example.org\r\n' +
      "Bcc:\r\n d@example.org\r\nSubject: hi\r\n\r\nbody\r\n";
    await client.send(rawInput(raw));
    expect(ses.messages()[0]).toMatchObject({
      source: "news@example.com",
      destinations: ["a@example.org", "b@example.org", "c@example.org", "d@example.org"],
    });
  });

  it("sends to Destinations, not the headers, when they are given", async () => {
    const { ses, client } = await start();
    const raw = "From: news@example.com\r\nTo: everyone@example.org\r\nSubject: hi\r\n\r\nbody\r\n";
    await client.send(rawInput(raw, { Destinations: ["one@example.org", '"Two" <two@example.org>'] }));
    expect(ses.messages()[0]!.destinations).toEqual(["one@example.org", "two@example.org"]);
  });

  it("gives distinct ids and files to concurrent sends", async () => {
    const { ses, client, outboxDir } = await start({ maxSendRate: 50 });
    const raws = await Promise.all(Array.from({ length: 20 }, (_, i) => composed(`Message ${i}`)));
    const ids = await Promise.all(raws.map(async (raw) => (await client.send(rawInput(raw))).MessageId!));

    expect(new Set(ids).size).toBe(20);
    expect(await readdir(outboxDir)).toHaveLength(20); // no temporary files left behind
    for (const [i, id] of ids.entries()) {
      const [file] = (await emlFiles(outboxDir)).filter((f) => f.endsWith(`-${id}.eml`));
      expect((await readFile(join(outboxDir, file!))).equals(raws[i]!)).toBe(true);
    }
    expect(ses.stats().accepted).toBe(20);
  });
});

describe("SendEmail", () => {
  it("builds a MIME message with subject, text and html, and without a Bcc header", async () => {
    const { ses, client, outboxDir } = await start();
    const input: SendEmailCommandInput = {
      Source: '"Weekly Kaggle News" <news@example.com>',
      Destination: {
        ToAddresses: ["a@example.org"],
        CcAddresses: ["c@example.org"],
        BccAddresses: ["h@example.org"],
      },
      ReplyToAddresses: ["editor@example.com"],
      Message: {
        Subject: { Data: "Confirm your subscription" },
        Body: { Text: { Data: "Please confirm." }, Html: { Data: "<p>Please <b>confirm</b>.</p>" } },
      },
    };
    const { MessageId } = await client.send(new SendEmailCommand(input));

    const [file] = await emlFiles(outboxDir);
    expect(file).toMatch(new RegExp(`-${MessageId}\\.eml$`));
    const raw = await readFile(join(outboxDir, file!));
    const headers = readHeaders(raw);
    expect(headers.get("subject")).toEqual(["Confirm your subscription"]);
    expect(headers.get("from")).toEqual(["Weekly Kaggle News <news@example.com>"]);
    expect(headers.get("to")).toEqual(["a@example.org"]);
    expect(headers.get("cc")).toEqual(["c@example.org"]);
    expect(headers.get("reply-to")).toEqual(["editor@example.com"]);
    expect(headers.has("bcc")).toBe(false);
    expect(headers.get("message-id")).toEqual([`<${MessageId}@email.amazonses.com>`]);

    const contentType = parseHeaderValue(headers.get("content-type")![0]!);
    expect(contentType.value).toBe("multipart/alternative");
    const parts = raw
      .toString("utf8")
      .split(`--${contentType.params.boundary}`)
      .slice(1, -1)
      .map((part) => part.replace(/^\r\n/, "").split("\r\n\r\n"));
    expect(parts.map(([head]) => readHeaders(Buffer.from(head!)).get("content-type")![0])).toEqual([
      "text/plain; charset=utf-8",
      "text/html; charset=utf-8",
    ]);
    expect(parts.map(([, body]) => body!.trim())).toEqual([
      "Please confirm.",
      "<p>Please <b>confirm</b>.</p>",
    ]);
    expect(ses.messages()[0]).toMatchObject({
      action: "SendEmail",
      source: "news@example.com",
      destinations: ["a@example.org", "c@example.org", "h@example.org"],
    });
  });
});

describe("GetSendQuota", () => {
  it("reports the configured rate and the recipients sent in the last 24 hours", async () => {
    const { client } = await start({ maxSendRate: 14 });
    const raw = "From: news@example.com\r\nTo: a@example.org, b@example.org\r\n\r\nbody\r\n";
    await client.send(rawInput(raw));

    const quota = await client.send(new GetSendQuotaCommand({}));
    expect(quota).toMatchObject({ MaxSendRate: 14, Max24HourSend: 14 * 86_400, SentLast24Hours: 2 });
  });
});

describe("the send rate", () => {
  const oneRecipient = "From: news@example.com\r\nTo: a@example.org\r\n\r\nbody\r\n";

  it("answers SES's Throttling error past the rate, which the SDK classifies as throttling, and writes nothing", async () => {
    let clock = 1_800_000_000_000;
    const { ses, client, outboxDir } = await start({ maxSendRate: 2, now: () => clock });

    const results = await Promise.allSettled(
      Array.from({ length: 5 }, () => client.send(rawInput(oneRecipient))),
    );
    const errors = results.flatMap((r) => (r.status === "rejected" ? [r.reason] : []));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(2);
    expect(errors).toHaveLength(3);
    for (const err of errors) {
      expect(err.name).toBe("Throttling");
      expect(err.message).toBe("Maximum sending rate exceeded.");
      expect(err.$metadata.httpStatusCode).toBe(400);
      expect(err.$fault).toBe("client");
      expect(classifiedAsThrottling(err)).toBe(true);
    }
    expect(await emlFiles(outboxDir)).toHaveLength(2);
    expect(ses.stats()).toEqual(counts({ accepted: 2, throttled: 3, rejected: 0 }));

    clock += 500; // half a second refills one message at 2/s
    await client.send(rawInput(oneRecipient));
    expect((await failure(client, rawInput(oneRecipient))).name).toBe("Throttling");
  });

  it("counts one message per recipient", async () => {
    let clock = 1_800_000_000_000;
    const { client } = await start({ maxSendRate: 2, now: () => clock });
    const threeRecipients =
      "From: news@example.com\r\nTo: a@example.org, b@example.org, c@example.org\r\n\r\nx\r\n";

    await client.send(rawInput(threeRecipients)); // more recipients than the rate: accepted, leaves a debt
    clock += 500;
    expect((await failure(client, rawInput(oneRecipient))).name).toBe("Throttling");
    clock += 500;
    await client.send(rawInput(oneRecipient));
  });

  it("throttles a real-time burst to what the rate allows", async () => {
    const { ses, client } = await start({ maxSendRate: 1 });
    const started = performance.now();
    const results = await Promise.allSettled(
      Array.from({ length: 5 }, () => client.send(rawInput(oneRecipient))),
    );
    const seconds = (performance.now() - started) / 1000;

    const accepted = results.filter((r) => r.status === "fulfilled").length;
    expect(accepted).toBeGreaterThanOrEqual(1);
    expect(accepted).toBeLessThanOrEqual(1 + Math.ceil(seconds));
    expect(ses.stats()).toEqual(counts({ accepted, throttled: 5 - accepted, rejected: 0 }));
  });
});

describe("malformed requests", () => {
  const cases: [string, SesCommand, string, RegExp][] = [
    [
      "a raw message that is not MIME",
      rawInput("hello world, this is not a message"),
      "InvalidParameterValue",
      /header/,
    ],
    [
      "no From and no Source",
      rawInput("To: a@example.org\r\n\r\nx"),
      "InvalidParameterValue",
      /Missing required header 'From'/,
    ],
    [
      "no recipients in headers or Destinations",
      rawInput("From: news@example.com\r\nSubject: x\r\n\r\nx"),
      "InvalidParameterValue",
      /Missing required header 'To'/,
    ],
    [
      "an invalid destination",
      rawInput("From: news@example.com\r\n\r\nx", { Destinations: ["not-an-address"] }),
      "InvalidParameterValue",
      /Missing final '@domain'/,
    ],
    [
      "an invalid To header",
      rawInput("From: news@example.com\r\nTo: first@second@example.org\r\n\r\nx"),
      "InvalidParameterValue",
      /illegal character/,
    ],
    [
      "a message over 10 MB",
      rawInput(
        Buffer.concat([
          Buffer.from("From: a@example.com\r\nTo: b@example.com\r\n\r\n"),
          Buffer.alloc(10_485_760),
        ]),
      ),
      "InvalidParameterValue",
      /Message length is more than 10485760 bytes long/,
    ],
    [
      "no RawMessage.Data",
      new SendRawEmailCommand({ RawMessage: {} } as SendRawEmailCommandInput),
      "MissingParameter",
      /RawMessage\.Data/,
    ],
    [
      "SendEmail without a subject",
      new SendEmailCommand({
        Source: "news@example.com",
        Destination: { ToAddresses: ["a@example.org"] },
        Message: { Body: { Text: { Data: "x" } } },
      } as SendEmailCommandInput),
      "MissingParameter",
      /Message\.Subject\.Data/,
    ],
    [
      "SendEmail to an invalid address",
      new SendEmailCommand({
        Source: "news@example.com",
        Destination: { ToAddresses: ["@example.org"] },
        Message: { Subject: { Data: "s" }, Body: { Text: { Data: "x" } } },
      }),
      "InvalidParameterValue",
      /Missing local name/,
    ],
    [
      "an action the endpoint does not have",
      new ListIdentitiesCommand({}),
      "InvalidAction",
      /ListIdentities/,
    ],
  ];

  it.each(cases)("refuses %s with SES's error", async (_, command, code, message) => {
    const { ses, client, outboxDir } = await start();
    const err = await failure(client, command);
    expect(err.name).toBe(code);
    expect(err.message).toMatch(message);
    expect(err.$metadata.httpStatusCode).toBe(400);
    expect(classifiedAsThrottling(err)).toBe(false);
    expect(await emlFiles(outboxDir)).toEqual([]);
    expect(ses.stats()).toEqual(counts({ accepted: 0, throttled: 0, rejected: 1 }));
  });
});

describe("the fault hook", () => {
  it("answers the chosen calls with Throttling or MessageRejected before handling them", async () => {
    const seen: SesCall[] = [];
    const { ses, client } = await start({
      fault: (call) => {
        seen.push(call);
        if (call.action !== "SendRawEmail") return null;
        if (call.n === 2) return "Throttling";
        if (call.n === 3) return "MessageRejected";
        return null;
      },
    });
    const raw = "From: news@example.com\r\nTo: a@example.org\r\n\r\nx\r\n";

    await client.send(rawInput(raw));
    const throttled = await failure(client, rawInput(raw));
    const rejected = await failure(client, rawInput(raw));
    await client.send(rawInput(raw));
    await client.send(new GetSendQuotaCommand({}));

    expect(throttled.name).toBe("Throttling");
    expect(classifiedAsThrottling(throttled)).toBe(true);
    expect(rejected).toBeInstanceOf(MessageRejected);
    expect(rejected.name).toBe("MessageRejected");
    expect(rejected.$metadata.httpStatusCode).toBe(400);
    const send = (n: number) => ({
      action: "SendRawEmail",
      n,
      source: "news@example.com",
      destinations: ["a@example.org"],
    });
    expect(seen).toEqual([send(1), send(2), send(3), send(4), { action: "GetSendQuota", n: 1 }]);
    expect(ses.messages()).toHaveLength(2);
    expect(ses.stats()).toEqual(counts({ accepted: 2, throttled: 1, rejected: 1 }));
  });
});

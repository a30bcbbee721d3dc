/** The classification of the errors the real SES client throws, against the local SES endpoint. */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { SESClient, SendRawEmailCommand } from "@aws-sdk/client-ses";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LOCAL_CREDENTIALS } from "../store/client.js";
import { classifySesError, sesErrorText } from "./ses-errors.js";
import { type SesHandle, startSes } from "./testing.js";

let handle: SesHandle;
const faults: Record<number, "Throttling" | "MessageRejected"> = { 1: "Throttling", 2: "MessageRejected" };
beforeAll(async () => {
  handle = await startSes(100, ({ action, n }) => (action === "SendRawEmail" ? (faults[n] ?? null) : null));
});
afterAll(() => handle.close());

const client = (endpoint: string) =>
  new SESClient({ region: "us-east-1", endpoint, credentials: LOCAL_CREDENTIALS, maxAttempts: 1 });
const RAW = Buffer.from("From: a@news.example.org\r\nTo: b@example.com\r\nSubject: x\r\n\r\nhello\r\n");
const send = (c: SESClient, raw = RAW) =>
  c
    .send(
      new SendRawEmailCommand({
        Source: "a@news.example.org",
        Destinations: ["b@example.com"],
        RawMessage: { Data: raw },
      }),
    )
    .then(
      () => undefined,
      (e: unknown) => e,
    );

/** A loopback server answering, in turn: an account-level refusal, a 500, a dropped connection. */
async function sesLike() {
  const error = (code: string, message: string) =>
    `<ErrorResponse xmlns="http://ses.amazonaws.com/doc/2010-12-01/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>r-1</RequestId></ErrorResponse>`;
  let n = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      n++;
      if (n === 1)
        res
          .writeHead(400, { "content-type": "text/xml" })
          .end(error("AccountSendingPausedException", "Sending paused."));
      else if (n === 2)
        res.writeHead(500, { "content-type": "text/xml" }).end(error("InternalFailure", "Internal failure."));
      else req.socket.destroy();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

const SENDER = "a@news.example.org";
const kind = (e: unknown) => classifySesError(e, SENDER).kind;

describe("classifySesError", () => {
  it("tells a slow-down from a refusal of the recipient and from a refusal of the call", async () => {
    const c = client(handle.ses.endpoint);
    const throttled = await send(c);
    expect(classifySesError(throttled, SENDER)).toMatchObject({ kind: "transient", throttled: true });
    const rejected = await send(c);
    expect(kind(rejected)).toBe("recipient");
    expect(sesErrorText(rejected)).toMatch(/^MessageRejected: /);
    const malformed = await send(c, Buffer.from("no headers, no body"));
    expect((malformed as Error).name).toBe("InvalidParameterValue");
    expect(kind(malformed)).toBe("account"); // the message itself: every copy would fail alike
    // a daily quota answer is Throttling too, but waiting seconds does not help
    expect(
      classifySesError(
        Object.assign(new Error("Daily message quota exceeded."), { name: "Throttling" }),
        SENDER,
      ),
    ).toMatchObject({ kind: "account", code: "daily_quota" });
  });

  it("knows a connection that was never made sent nothing, and a dropped one may have", async () => {
    const closed = client("http://127.0.0.1:9");
    expect(classifySesError(await send(closed), SENDER)).toMatchObject({
      kind: "transient",
      throttled: false,
    });
    const answers = await sesLike();
    try {
      const c = client(answers.endpoint);
      const paused = await send(c);
      expect((paused as Error).name).toBe("AccountSendingPausedException");
      expect(classifySesError(paused, SENDER)).toMatchObject({ kind: "account", code: "sending_paused" });
      expect(kind(await send(c))).toBe("transient"); // 500 InternalFailure: SES answered, nothing sent
      expect(kind(await send(c))).toBe("ambiguous"); // connection dropped after the request was written
    } finally {
      await answers.close();
    }
  });
});

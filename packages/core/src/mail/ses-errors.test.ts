/**
 * The classification of what the real SES client throws, against the local SES endpoint answering
 * every failure in SES's own shapes (packages/local/src/ses/faults.ts): who is wrong decides.
 */
import { SESClient, SendRawEmailCommand } from "@aws-sdk/client-ses";
import type { SesFaultName } from "@wkn/local/ses";
import { type SesHandle, startSes } from "@wkn/testing/mail";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LOCAL_CREDENTIALS } from "../store/client.js";
import { answerWithin } from "./send-loop.js";
import { classifySesError, type SesVerdict, sesErrorText } from "./ses-errors.js";

const SENDER = "newsletter@news.example.org";
let handle: SesHandle;
/** The fault the endpoint answers to the next SendRawEmail. */
let next: SesFaultName | null = null;
beforeAll(async () => {
  handle = await startSes(1000, ({ action }) => (action === "SendRawEmail" ? next : null));
});
afterAll(() => handle.close());

const client = (endpoint: string) =>
  new SESClient({ region: "us-east-1", endpoint, credentials: LOCAL_CREDENTIALS, maxAttempts: 1 });
const RAW = Buffer.from(`From: ${SENDER}\r\nTo: reader@example.com\r\nSubject: x\r\n\r\nhello\r\n`);

/** What SendRawEmail throws, given up on after `timeoutMs` as the sender does (answerWithin). */
async function answerTo(
  fault: SesFaultName | null,
  c = client(handle.ses.endpoint),
  raw: Uint8Array = RAW,
  timeoutMs = 5000,
) {
  next = fault;
  try {
    const call = c.send(
      new SendRawEmailCommand({
        Source: SENDER,
        Destinations: ["reader@example.com"],
        RawMessage: { Data: raw },
      }),
    );
    await answerWithin(call, timeoutMs);
    return undefined;
  } catch (e) {
    return e;
  } finally {
    next = null;
    c.destroy();
  }
}

const verdictOf = async (
  fault: SesFaultName | null,
  c?: SESClient,
  raw: Uint8Array = RAW,
): Promise<SesVerdict> => classifySesError(await answerTo(fault, c, raw), SENDER);

describe("classifySesError", () => {
  it("stops the send for faults of the account or the sender, with the reason in words", async () => {
    const cases: [SesFaultName, string, RegExp][] = [
      ["SenderNotVerified", "sender_not_verified", /newsletter@news\.example\.org.*not a verified identity/],
      ["MailFromDomainNotVerified", "sender_not_verified", /Verify the sender/],
      ["AccountSendingPaused", "sending_paused", /Re-enable sending/],
      ["AccountPausedByAws", "sending_paused", /AWS has paused sending/],
      ["ConfigurationSetSendingPaused", "sending_paused", /paused sending/],
      ["DailyQuotaExceeded", "daily_quota", /24-hour sending quota is used up/],
      ["ConfigurationSetDoesNotExist", "configuration_set", /configuration set is missing/],
      ["AccessDenied", "access_denied", /credentials or permissions/],
      ["InvalidClientTokenId", "access_denied", /credentials or permissions/],
    ];
    for (const [fault, code, reason] of cases) {
      const v = await verdictOf(fault);
      expect(v, fault).toMatchObject({ kind: "account", code });
      if (v.kind === "account") expect(v.reason, fault).toMatch(reason);
      expect(v.reason, fault).toMatch(/resume/i);
    }
  });

  it("fails one delivery for faults of the recipient (the sandbox's unverified recipient included)", async () => {
    expect(await verdictOf("MessageRejected")).toMatchObject({ kind: "recipient" });
    const sandboxed = await verdictOf("RecipientNotVerified");
    expect(sandboxed).toMatchObject({ kind: "recipient", reason: expect.stringMatching(/sandbox/) });
    // an address SES cannot take fails that address; a message it cannot take fails them all alike
    const badAddress = Object.assign(new Error("Missing final '@domain'"), { name: "InvalidParameterValue" });
    expect(classifySesError(badAddress, SENDER).kind).toBe("recipient");
    const malformed = await verdictOf(null, undefined, Buffer.from("no headers, no body"));
    expect(malformed).toMatchObject({ kind: "account", code: "message_refused" });
  });

  it("retries transient faults: throttling, SES's 5xx answers, a connection never made", async () => {
    expect(await verdictOf("Throttling")).toMatchObject({ kind: "transient", throttled: true });
    expect(await verdictOf("InternalFailure")).toMatchObject({ kind: "transient", throttled: false });
    expect(await verdictOf("ServiceUnavailable")).toMatchObject({ kind: "transient", throttled: false });
    expect(await verdictOf(null, client("http://127.0.0.1:9"))).toMatchObject({ kind: "transient" });
  });

  it("calls ambiguous only a request that was written and got no answer", async () => {
    const reset = await answerTo("ResetAfterRequest");
    expect(classifySesError(reset, SENDER).kind).toBe("ambiguous");
    const hung = await answerTo("AcceptThenHang", undefined, RAW, 300);
    expect(classifySesError(hung, SENDER).kind).toBe("ambiguous");
    expect(handle.ses.stats().accepted).toBeGreaterThanOrEqual(1); // it was in fact sent
  });

  it("describes an error briefly for the delivery record", async () => {
    expect(sesErrorText(await answerTo("MessageRejected"))).toBe("MessageRejected: Address blacklisted.");
    expect(sesErrorText(Object.assign(new Error("x".repeat(900)), { name: "E" }))).toHaveLength(500);
  });
});

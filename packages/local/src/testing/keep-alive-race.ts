/**
 * What a pooled connection the server is closing does to SendRawEmail (README "When a send goes
 * wrong"):
 *
 *   node --import tsx packages/local/src/testing/keep-alive-race.ts [rounds=18]
 *
 * Against the local SES endpoint (Node's http server: it announces a 5 s keep-alive and closes an
 * idle connection a second later), each round opens ten connections with ten calls at once, leaves
 * them idle for 5.970–5.995 s (the instant the server closes them) and makes ten calls again:
 * once with the SES client as the product makes it (runtime.ts: idle connections closed by the
 * client first), once with the SDK's default agent. A reset call is one SES may have taken, so the
 * sender marks it ambiguous. Prints a JSON line per client.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SESClient, SendRawEmailCommand } from "@aws-sdk/client-ses";
import { loadConfig } from "@wkn/core/config";
import { classifySesError } from "@wkn/core/mail/ses-errors";
import { createCtx } from "@wkn/core/runtime";
import { LOCAL_CREDENTIALS } from "@wkn/core/store/client";
import { startLocalSes } from "../ses/server.js";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
const ROUNDS = Number(process.argv[2] ?? 18);
const FROM = "news@example.org";
const raw = Buffer.from(`From: ${FROM}\r\nTo: a@example.org\r\nSubject: hi\r\n\r\nhello\r\n`);

const outboxDir = mkdtempSync(join(tmpdir(), "wkn-keep-alive-"));
const ses = await startLocalSes({ outboxDir, maxSendRate: 10_000 });
try {
  const product = createCtx(loadConfig({ SES_ENDPOINT: ses.endpoint, FROM_EMAIL: FROM })).ses;
  const sdkDefault = new SESClient({
    region: "us-east-1",
    endpoint: ses.endpoint,
    credentials: LOCAL_CREDENTIALS,
    maxAttempts: 1,
  });
  for (const [name, client] of [
    ["product (idle connections closed by the client)", product],
    ["SDK default agent", sdkDefault],
  ] as const) {
    const send = () =>
      client.send(
        new SendRawEmailCommand({ Source: FROM, Destinations: ["a@example.org"], RawMessage: { Data: raw } }),
      );
    let calls = 0;
    const failures = new Map<string, number>();
    for (let round = 0; round < ROUNDS; round++) {
      await Promise.all(Array.from({ length: 10 }, send));
      await new Promise((r) => setTimeout(r, 5970 + (round % 6) * 5));
      for (const r of await Promise.allSettled(Array.from({ length: 10 }, send))) {
        calls++;
        if (r.status === "rejected") {
          const v = classifySesError(r.reason, FROM);
          const what = `${v.kind}: ${v.reason}`;
          failures.set(what, (failures.get(what) ?? 0) + 1);
        }
      }
    }
    const failed = [...failures.values()].reduce((a, b) => a + b, 0);
    console.log(JSON.stringify({ client: name, calls, failed, failures: Object.fromEntries(failures) }));
  }
} finally {
  await ses.close();
  rmSync(outboxDir, { recursive: true, force: true });
}

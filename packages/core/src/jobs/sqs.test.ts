/** The SQS job runner against a loopback server speaking SQS's JSON protocol (the real SDK client). */
import { createHash } from "node:crypto";
import { SQSClient } from "@aws-sdk/client-sqs";
import { afterAll, expect, it } from "vitest";
import { closeServers, serve } from "../fetch/testing.js";
import { LOCAL_CREDENTIALS } from "../store/client.js";
import { enqueueAll } from "./index.js";
import { sqsJobs } from "./sqs.js";

afterAll(closeServers);

it("enqueues many jobs in batches of 10 and reports exactly the entries SQS refused", async () => {
  const server = await serve((req, res, body) => {
    const target = String(req.headers["x-amz-target"]);
    const input = JSON.parse(body) as { Entries: { Id: string; MessageBody: string }[] };
    res.writeHead(200, { "content-type": "application/x-amz-json-1.0" });
    if (target !== "AmazonSQS.SendMessageBatch") return res.end("{}");
    // The second batch has one refused entry.
    const refuse =
      input.Entries.length === 10 && input.Entries[0]!.MessageBody.includes('"s10"') ? ["3"] : [];
    res.end(
      JSON.stringify({
        Successful: input.Entries.filter((e) => !refuse.includes(e.Id)).map((e) => ({
          Id: e.Id,
          MessageId: `m-${e.Id}`,
          MD5OfMessageBody: createHash("md5").update(e.MessageBody).digest("hex"), // the SDK checks it
        })),
        Failed: refuse.map((Id) => ({ Id, Code: "InternalError", Message: "try again", SenderFault: false })),
      }),
    );
  });
  const client = new SQSClient({
    region: "us-east-1",
    endpoint: server.origin,
    credentials: LOCAL_CREDENTIALS,
  });
  const jobs = sqsJobs({ poll: `${server.origin}/123/poll` }, client);
  const ids = Array.from({ length: 23 }, (_, i) => ({ sourceId: `s${i}` }));
  const errors = await enqueueAll(jobs, "poll", ids);
  client.destroy();

  const batches = server.requests.filter((r) => r.headers["x-amz-target"] === "AmazonSQS.SendMessageBatch");
  expect(batches.map((b) => (JSON.parse(b.body) as { Entries: unknown[] }).Entries.length).sort()).toEqual([
    10, 10, 3,
  ]);
  const sent = batches.flatMap((b) =>
    (JSON.parse(b.body) as { Entries: { MessageBody: string }[] }).Entries.map(
      (e) => JSON.parse(e.MessageBody).sourceId,
    ),
  );
  expect(sent.sort()).toEqual(ids.map((i) => i.sourceId).sort());
  expect(errors).toHaveLength(1);
  expect(String(errors[0])).toContain("InternalError");
});

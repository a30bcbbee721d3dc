import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { afterEach, describe, expect, it } from "vitest";
import { loadConfig } from "./config.js";
import { sendRaw } from "./mail/ses.js";
import { createCtx } from "./runtime.js";
import { IDLE_CONNECTION_MS } from "./store/client.js";
import { rawDbOf } from "./store/raw.js";

/**
 * A server that answers SES's SendRawEmail and DynamoDB's GetItem alike and says, for every
 * connection, who closed it: the client (its FIN came first) or the server (an idle keep-alive
 * connection timed out on its side). A request written on a connection the server is closing is
 * reset, and SendRawEmail is never retried, so the clients must close idle connections first.
 */
async function fakeAws(keepAliveTimeout: number) {
  const closes: ("client" | "server")[] = [];
  let connections = 0;
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      if (req.headers["x-amz-target"]) {
        res.setHeader("content-type", "application/x-amz-json-1.0");
        res.end("{}");
      } else {
        res.setHeader("content-type", "text/xml");
        res.end(
          '<SendRawEmailResponse xmlns="http://ses.amazonaws.com/doc/2010-12-01/"><SendRawEmailResult><MessageId>m-1</MessageId></SendRawEmailResult><ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></SendRawEmailResponse>',
        );
      }
    });
  });
  server.keepAliveTimeout = keepAliveTimeout;
  server.on("connection", (socket) => {
    connections++;
    let ended = false;
    socket.on("end", () => {
      ended = true;
    });
    socket.on("error", () => {
      ended = true; // a reset from the client
    });
    socket.on("close", () => closes.push(ended ? "client" : "server"));
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    endpoint,
    closes,
    connections: () => connections,
    /** Resolves once `n` connections have closed (waits on the state, not on a timer). */
    async closed(n: number) {
      while (closes.length < n) await new Promise((r) => setTimeout(r, 20));
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

let servers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

function ctxFor(endpoint: string) {
  return createCtx(
    loadConfig({ SES_ENDPOINT: endpoint, DYNAMODB_ENDPOINT: endpoint, FROM_EMAIL: "news@example.org" }),
  );
}

const raw = Buffer.from("From: news@example.org\r\nTo: a@example.org\r\nSubject: hi\r\n\r\nhello\r\n");

describe("the SDK clients' pooled connections", () => {
  it("are closed by SES's and DynamoDB's clients before the server's announced keep-alive ends", async () => {
    // Node's http server (the local endpoints run on it) announces `Keep-Alive: timeout=2` here and
    // closes at 3 s (a second's grace). Node's agent would close at 1 s (a second before the
    // announced end), but it reads the announcement only when it has an idle timeout of its own.
    const aws = await fakeAws(2000);
    servers.push(aws);
    const ctx = ctxFor(aws.endpoint);
    expect(await sendRaw(ctx, raw, ["a@example.org"])).toBe("m-1");
    await rawDbOf(ctx.store).doc.send(new GetCommand({ TableName: "t", Key: { pk: "a", sk: "b" } }));
    await aws.closed(2);
    expect(aws.closes).toEqual(["client", "client"]);
  });

  it(`are closed by the SES client after ${IDLE_CONNECTION_MS} ms idle when the server announces nothing`, async () => {
    // keepAliveTimeout 0: no announcement, and the server never closes an idle connection itself.
    const aws = await fakeAws(0);
    servers.push(aws);
    const ctx = ctxFor(aws.endpoint);
    expect(await sendRaw(ctx, raw, ["a@example.org"])).toBe("m-1");
    await aws.closed(1);
    expect(aws.closes).toEqual(["client"]);
    // The next call opens a fresh connection.
    expect(await sendRaw(ctx, raw, ["a@example.org"])).toBe("m-1");
    expect(aws.connections()).toBe(2);
  });
});

import { Hono } from "hono";
import { getConnInfo as lambdaConnInfo } from "hono/aws-lambda";
import { describe, expect, it } from "vitest";
import { type ClientAddress, clientIp, resolveClientIp } from "./client-ip.js";

/** The adapters as the runtimes pass them: API Gateway's view (the edge), a node server's socket. */
const lambda: ClientAddress = { peer: (c) => lambdaConnInfo(c).remote.address, edge: true };
const node: ClientAddress = {
  peer: (c) =>
    (c.env as { incoming?: { socket?: { remoteAddress?: string } } }).incoming?.socket?.remoteAddress,
};

const probe = (trustProxy: number, address: ClientAddress) =>
  new Hono().get("/", (c) => c.text(resolveClientIp(c, trustProxy, address)));
const ip = (trustProxy: number, headers: Record<string, string>, env?: unknown) =>
  Promise.resolve(
    probe(trustProxy, (env as { requestContext?: unknown })?.requestContext ? lambda : node).request(
      "http://localhost/",
      { headers },
      env as object,
    ),
  ).then((r) => r.text());
const socket = (remoteAddress: string) => ({ incoming: { socket: { remoteAddress } } });

describe("resolveClientIp", () => {
  it("prefers API Gateway's sourceIp whatever X-Forwarded-For says", async () => {
    const xff = { "x-forwarded-for": "203.0.113.7, 10.0.0.1" };
    for (const trust of [0, 1, 2]) {
      expect(await ip(trust, xff, { requestContext: { http: { sourceIp: "198.51.100.9" } } })).toBe(
        "198.51.100.9",
      );
      expect(await ip(trust, xff, { requestContext: { identity: { sourceIp: "198.51.100.8" } } })).toBe(
        "198.51.100.8",
      );
    }
  });

  it("ignores X-Forwarded-For without TRUST_PROXY: the socket address, however the header rotates", async () => {
    const seen = new Set<string>();
    for (let i = 0; i < 5; i++) {
      seen.add(await ip(0, { "x-forwarded-for": `192.0.2.${i}` }, socket("203.0.113.50")));
      seen.add(await ip(0, { "x-forwarded-for": `192.0.2.${i}, 10.0.0.${i}` }, socket("203.0.113.50")));
    }
    expect([...seen]).toEqual(["203.0.113.50"]);
    expect(await ip(0, {}, socket("::1"))).toBe("::1");
    expect(await ip(0, { "x-forwarded-for": "192.0.2.1" })).toBe("unknown");
  });

  it("takes the address TRUST_PROXY hops from the right end; what a client forges on the left is ignored", async () => {
    const proxy = socket("10.0.0.1");
    // one proxy appended the address it saw: the last entry
    expect(await ip(1, { "x-forwarded-for": "203.0.113.7" }, proxy)).toBe("203.0.113.7");
    const forged = new Set<string>();
    for (let i = 0; i < 5; i++)
      forged.add(await ip(1, { "x-forwarded-for": `192.0.2.${i}, 6.6.6.${i} ,203.0.113.7` }, proxy));
    expect([...forged]).toEqual(["203.0.113.7"]);
    // two proxies: the second from the right
    expect(await ip(2, { "x-forwarded-for": "192.0.2.1, 203.0.113.7, 10.0.0.9" }, proxy)).toBe("203.0.113.7");
    // fewer entries than hops: the leftmost; no header at all: the socket
    expect(await ip(3, { "x-forwarded-for": "203.0.113.7, 10.0.0.9" }, proxy)).toBe("203.0.113.7");
    expect(await ip(1, {}, proxy)).toBe("10.0.0.1");
    expect(await ip(1, { "x-forwarded-for": " , " }, proxy)).toBe("10.0.0.1");
    expect((await ip(1, { "x-forwarded-for": "x".repeat(500) }, proxy)).length).toBe(64);
  });
});

describe("clientIp", () => {
  it("trusts no forwarding header when the middleware did not resolve the address", async () => {
    const app = new Hono().get("/", (c) => c.text(clientIp(c)));
    const res = await app.request("/", { headers: { "x-forwarded-for": "192.0.2.1" } }, socket("127.0.0.1"));
    expect(await res.text()).toBe("unknown");
  });

  it("is unknown when the runtime says nothing of the connection", async () => {
    const app = new Hono().get("/", (c) => c.text(resolveClientIp(c, 0, lambda)));
    expect(await (await app.request("/", {}, {})).text()).toBe("unknown");
  });
});

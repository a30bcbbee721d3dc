import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { clientIp } from "../../client-ip.js";
import { clientIpFrom } from "./index.js";

function app(trustProxy: number) {
  const a = new Hono();
  a.use(
    "*",
    clientIpFrom({
      trustProxy,
      address: { peer: (c) => (c.env as typeof env).incoming.socket.remoteAddress },
    }),
  );
  a.get("/", (c) => c.text(clientIp(c)));
  return a;
}
const env = { incoming: { socket: { remoteAddress: "10.0.0.1" } } };
const key = async (a: Hono, xff: string) =>
  (await a.request("/", { headers: { "x-forwarded-for": xff } }, env)).text();

describe("clientIpFrom", () => {
  it("with TRUST_PROXY unset (0), rotating X-Forwarded-For gives one client key: the socket's", async () => {
    const a = app(0);
    const keys = new Set(
      await Promise.all(["192.0.2.1", "192.0.2.2", "198.51.100.7, 192.0.2.3"].map((x) => key(a, x))),
    );
    expect([...keys]).toEqual(["10.0.0.1"]);
  });

  it("with TRUST_PROXY=1, the last hop is the client and a forged left part is ignored", async () => {
    const a = app(1);
    expect(await key(a, "192.0.2.1, 203.0.113.7")).toBe("203.0.113.7");
    expect(await key(a, "198.51.100.99, 203.0.113.7")).toBe("203.0.113.7");
    expect(await key(a, "203.0.113.8")).toBe("203.0.113.8");
  });
});

import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { clientIp } from "./client-ip.js";

const app = new Hono().get("/", (c) => c.text(clientIp(c)));
const ip = (headers: Record<string, string>, env?: unknown) =>
  Promise.resolve(app.request("http://localhost/", { headers }, env as object)).then((r) => r.text());

describe("clientIp", () => {
  it("prefers API Gateway's sourceIp, then the first X-Forwarded-For hop, then the socket", async () => {
    const xff = { "x-forwarded-for": "203.0.113.7, 10.0.0.1" };
    expect(await ip(xff, { requestContext: { http: { sourceIp: "198.51.100.9" } } })).toBe("198.51.100.9");
    expect(await ip(xff, { requestContext: { identity: { sourceIp: "198.51.100.8" } } })).toBe(
      "198.51.100.8",
    );
    expect(await ip(xff, { incoming: { socket: { remoteAddress: "127.0.0.1" } } })).toBe("203.0.113.7");
    expect(await ip({}, { incoming: { socket: { remoteAddress: "::1" } } })).toBe("::1");
    expect(await ip({})).toBe("unknown");
  });
});

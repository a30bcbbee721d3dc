import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { sameOrigin } from "./index.js";

const ORIGIN = "https://news.example.org";

function app(cookie?: string) {
  const a = new Hono();
  a.use("*", sameOrigin({ origin: `${ORIGIN}/`, cookie }));
  a.on(["GET", "OPTIONS", "POST", "PUT", "PATCH", "DELETE"], "/x", (c) => c.text("ok"));
  return a;
}

const send = (a: Hono, method: string, headers: Record<string, string>, body?: string) =>
  a.request("/x", { method, headers, body });

describe("sameOrigin", () => {
  const session = { cookie: "s=1", "content-type": "application/json" };

  it("refuses a change with the cookie unless it comes from our origin, naming what was wrong", async () => {
    const a = app("s");
    const refused: [Record<string, string>, RegExp][] = [
      [{ "sec-fetch-site": "cross-site", origin: "https://evil.example" }, /Sec-Fetch-Site is cross-site/],
      [{ "sec-fetch-site": "same-site", origin: "https://admin.example.org" }, /Sec-Fetch-Site is same-site/],
      [{ "sec-fetch-site": "none" }, /Sec-Fetch-Site is none/],
      [{}, /Origin header is missing/],
      [{ origin: "https://evil.example" }, /Origin https:\/\/evil\.example is not allowed/],
      [{ origin: "http://news.example.org" }, /is not allowed/],
      [{ origin: "null" }, /is not allowed/],
      [{ origin: ORIGIN, "content-type": "text/plain;charset=UTF-8" }, /text\/plain body/],
      [{ origin: ORIGIN, "content-type": "application/x-www-form-urlencoded" }, /x-www-form-urlencoded/],
      [{ "sec-fetch-site": "same-origin", "content-type": "text/plain" }, /text\/plain body/],
    ];
    for (const method of ["POST", "PUT", "PATCH", "DELETE"]) {
      for (const [headers, message] of refused) {
        const res = await send(a, method, { ...session, ...headers }, "{}");
        expect(res.status, `${method} ${JSON.stringify(headers)}`).toBe(403);
        const { error } = await res.json();
        expect(error.code).toBe("forbidden");
        expect(error.message).toMatch(message);
        expect(error.message).toContain(ORIGIN);
      }
    }
  });

  it("lets our own origin through, by Sec-Fetch-Site or by Origin", async () => {
    const a = app("s");
    for (const headers of <Record<string, string>[]>[
      { "sec-fetch-site": "same-origin" },
      { "sec-fetch-site": "same-origin", origin: ORIGIN },
      { origin: ORIGIN },
      { origin: ORIGIN, "content-type": "multipart/form-data; boundary=x" },
    ]) {
      expect((await send(a, "POST", { ...session, ...headers }, "{}")).status, JSON.stringify(headers)).toBe(
        200,
      );
    }
  });

  it("leaves reads, bearer-token requests and (with `cookie`) requests without the session alone", async () => {
    const a = app("s");
    const foreign = { origin: "https://evil.example", "sec-fetch-site": "cross-site" };
    for (const method of ["GET", "HEAD", "OPTIONS"])
      expect((await send(a, method, { cookie: "s=1", ...foreign })).status, method).toBe(200);
    expect((await send(a, "POST", { ...session, authorization: "Bearer t" }, "{}")).status).toBe(200);
    expect((await send(a, "POST", { "content-type": "text/plain", ...foreign }, "x")).status).toBe(200);
    expect((await send(a, "POST", { cookie: "other=1", ...foreign }, "x")).status).toBe(200);
  });

  it("without `cookie`, checks every request that has no bearer token (sign-in)", async () => {
    const a = app();
    expect((await send(a, "POST", { "content-type": "application/json" }, "{}")).status).toBe(403);
    expect((await send(a, "POST", { "content-type": "application/json", origin: ORIGIN }, "{}")).status).toBe(
      200,
    );
    expect((await send(a, "POST", { authorization: "Bearer t" }, "{}")).status).toBe(200);
  });
});

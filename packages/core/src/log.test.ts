import { describe, expect, it } from "vitest";
import { createLogger, hashedEmail } from "./log.js";

function lines() {
  const out: Record<string, unknown>[] = [];
  const log = createLogger({ service: "test" }, (l) => out.push(JSON.parse(l)));
  return { log, out };
}

describe("logger", () => {
  it("keeps an error's name, message, code, stack and cause", () => {
    const { log, out } = lines();
    const cause = Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" });
    log.error("poll failed", { error: new TypeError("bad feed", { cause }) });
    const e = out[0]!.error as Record<string, unknown>;
    expect(e.name).toBe("TypeError");
    expect(e.message).toBe("bad feed");
    expect(e.stack).toContain("log.test.ts");
    expect(e.cause).toMatchObject({ name: "Error", message: "connect ECONNREFUSED", code: "ECONNREFUSED" });
  });

  it("does not let a field overwrite time, level or msg", () => {
    const { log, out } = lines();
    log.warn("real message", { level: "debug", msg: "forged", time: "yesterday" });
    expect(out[0]).toMatchObject({
      level: "warn",
      msg: "real message",
      "field.level": "debug",
      "field.msg": "forged",
      "field.time": "yesterday",
    });
    expect(out[0]!.time).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it("never throws: circular values, BigInt, throwing getters and a failing sink", () => {
    const { log, out } = lines();
    const a: Record<string, unknown> = { name: "a" };
    a.self = a;
    const err = new Error("loop") as Error & { self?: unknown };
    err.self = err;
    const getter = Object.defineProperty({}, "boom", {
      enumerable: true,
      get() {
        throw new Error("no");
      },
    });
    expect(() => log.info("odd", { a, n: 10n, getter, err, inf: Number.POSITIVE_INFINITY })).not.toThrow();
    expect(out[0]).toMatchObject({
      a: { name: "a", self: "[circular]" },
      n: "10",
      getter: { boom: "[unreadable]" },
      inf: "Infinity",
    });
    const broken = createLogger({}, () => {
      throw new Error("EPIPE");
    });
    expect(() => broken.error("x")).not.toThrow();
  });

  it("hashes e-mail addresses wherever they appear, the same way each time", () => {
    const { log, out } = lines();
    log.info("bounce for Ann@Example.com", {
      email: "ann@example.com",
      addresses: ["bob@example.org"],
      error: new Error("Email address is not verified: ann@example.com"),
    });
    const text = JSON.stringify(out[0]);
    expect(text).not.toMatch(/example\.(com|org)/);
    const ann = hashedEmail("ann@example.com");
    expect(ann).toMatch(/^<email:[0-9a-f]{12}>$/);
    expect(out[0]!.email).toBe(ann);
    expect(out[0]!.msg).toBe(`bounce for ${ann}`);
    expect((out[0]!.error as { message: string }).message).toContain(ann);
    expect(out[0]!.addresses).toEqual([hashedEmail("bob@example.org")]);
  });

  it("a child's lines carry its fields (a request or invocation id)", () => {
    const { log, out } = lines();
    log.child({ requestId: "r-1" }).info("hello", { n: 1 });
    expect(out[0]).toMatchObject({ service: "test", requestId: "r-1", msg: "hello", n: 1 });
  });
});

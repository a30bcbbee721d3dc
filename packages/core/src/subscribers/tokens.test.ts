import { describe, expect, it } from "vitest";
import { signToken, TOKEN_TTL_SECONDS, TokenError, type TokenProblem, verifyToken } from "./tokens.js";

const SECRET = "secret-for-tokens";
const ID = "0123456789abcdef0123456789abcdef";
const now = new Date("2026-03-01T12:00:00Z");
const later = (seconds: number) => new Date(now.getTime() + seconds * 1000);

function problemOf(fn: () => unknown): TokenProblem | undefined {
  try {
    fn();
  } catch (e) {
    if (e instanceof TokenError) return e.problem;
    throw e;
  }
  return undefined;
}

describe("mail tokens", () => {
  it("round-trips purpose and subscriber id in a compact URL-safe token", () => {
    const token = signToken(SECRET, { purpose: "confirm", subscriberId: ID, now });
    expect(token).toMatch(/^[A-Za-z0-9._-]+$/);
    expect(encodeURIComponent(token)).toBe(token);
    expect(token.length).toBeLessThan(90);
    const v = verifyToken(SECRET, token, "confirm", later(60));
    expect(v).toEqual({ purpose: "confirm", subscriberId: ID, expiresAt: later(TOKEN_TTL_SECONDS.confirm) });
  });

  it("lets confirm tokens expire after a week and unsubscribe tokens last a year", () => {
    const confirm = signToken(SECRET, { purpose: "confirm", subscriberId: ID, now });
    expect(problemOf(() => verifyToken(SECRET, confirm, "confirm", later(6 * 86_400)))).toBeUndefined();
    expect(problemOf(() => verifyToken(SECRET, confirm, "confirm", later(7 * 86_400)))).toBe("expired");
    const unsub = signToken(SECRET, { purpose: "unsubscribe", subscriberId: ID, now });
    expect(problemOf(() => verifyToken(SECRET, unsub, "unsubscribe", later(300 * 86_400)))).toBeUndefined();
    expect(problemOf(() => verifyToken(SECRET, unsub, "unsubscribe", later(366 * 86_400)))).toBe("expired");
  });

  it("refuses a token used for the other purpose", () => {
    const confirm = signToken(SECRET, { purpose: "confirm", subscriberId: ID, now });
    const unsub = signToken(SECRET, { purpose: "unsubscribe", subscriberId: ID, now });
    expect(problemOf(() => verifyToken(SECRET, confirm, "unsubscribe", now))).toBe("wrong_purpose");
    expect(problemOf(() => verifyToken(SECRET, unsub, "confirm", now))).toBe("wrong_purpose");
  });

  it("refuses any change to the token, and a token signed with another secret", () => {
    const token = signToken(SECRET, { purpose: "unsubscribe", subscriberId: ID, now });
    const [p, id, exp, mac] = token.split(".") as [string, string, string, string];
    const otherId = `${id.slice(0, -1)}${id.endsWith("0") ? "1" : "0"}`;
    const longer = (Number.parseInt(exp, 36) + 1_000_000).toString(36);
    const flipped = `${mac.slice(0, -1)}${mac.endsWith("A") ? "B" : "A"}`;
    for (const forged of [
      [p, otherId, exp, mac],
      [p, id, longer, mac],
      ["c", id, exp, mac],
      [p, id, exp, flipped],
    ]) {
      expect(
        problemOf(() =>
          verifyToken(SECRET, forged.join("."), forged[0] === "c" ? "confirm" : "unsubscribe", now),
        ),
      ).toBe("bad_signature");
    }
    expect(problemOf(() => verifyToken("another-secret", token, "unsubscribe", now))).toBe("bad_signature");
  });

  it("refuses malformed tokens", () => {
    for (const t of [
      undefined,
      "",
      "abc",
      "x.y.z.w",
      "u..1.AAAAAAAAAAAAAAAAAAAAAA",
      `u.${ID}.zz.short`,
      "u".repeat(300),
    ]) {
      expect(
        problemOf(() => verifyToken(SECRET, t, "unsubscribe", now)),
        String(t),
      ).toBe("malformed");
    }
  });
});

import { describe, expect, it } from "vitest";
import { addressesOf, checkAddress, headerRecipients, readHeaders } from "./mime.js";

describe("readHeaders", () => {
  it("reads unfolded fields by lower-case name up to the first empty line", () => {
    const raw = Buffer.from(
      "From: a@example.com\r\nTo: b@example.com,\r\n c@example.com\r\nX-Twice: 1\nx-twice: 2\r\n\r\nBody: not a header\r\n",
    );
    const headers = readHeaders(raw);
    expect(headers.get("to")).toEqual(["b@example.com, c@example.com"]);
    expect(headers.get("x-twice")).toEqual(["1", "2"]);
    expect(headers.has("body")).toBe(false);
  });

  it("refuses lines that are not header fields, as SES does", () => {
    expect(() => readHeaders(Buffer.from("just some text\r\n\r\n"))).toThrow(
      expect.objectContaining({ code: "InvalidParameterValue" }),
    );
    expect(() => readHeaders(Buffer.from(": value\r\n\r\n"))).toThrow("Empty header names are illegal.");
  });
});

describe("addresses", () => {
  it("gives the bare addresses of a field", () => {
    expect(addressesOf('"Doe, Jane" <jane@example.com>, =?UTF-8?Q?J=C3=BCrgen?= <j@example.de>')).toEqual([
      "jane@example.com",
      "j@example.de",
    ]);
    const headers = readHeaders(Buffer.from("To: a@x.org\r\nCc: b@x.org\r\nBcc: c@x.org\r\n\r\n"));
    expect(headerRecipients(headers)).toEqual(["a@x.org", "b@x.org", "c@x.org"]);
  });

  it.each([
    ["not-an-address", "Missing final '@domain'"],
    ["user@", "Missing final '@domain'"],
    ["@example.com", "Missing local name"],
    ["a@b@example.com", "Local address contains illegal character."],
    ["user@exa mple.com", "Domain contains illegal character."],
  ])("refuses %s with SES's message", (address, message) => {
    expect(() => checkAddress(address)).toThrow(message);
  });

  it("accepts the addresses the local runtime uses", () => {
    expect(checkAddress("newsletter@localhost")).toBe("newsletter@localhost");
    expect(checkAddress("first.last+tag@sub.example.co.uk")).toBe("first.last+tag@sub.example.co.uk");
  });
});

import { describe, expect, it } from "vitest";
import { addressPolicy, nonPublicReason } from "./address.js";

describe("nonPublicReason", () => {
  it.each([
    ["127.0.0.1", "loopback"],
    ["127.255.0.9", "loopback"],
    ["10.1.2.3", "private"],
    ["172.16.0.1", "private"],
    ["172.31.255.254", "private"],
    ["192.168.1.1", "private"],
    ["169.254.169.254", "linkLocal"],
    ["100.64.0.1", "carrierGradeNat"],
    ["224.0.0.1", "multicast"],
    ["239.255.255.250", "multicast"],
    ["255.255.255.255", "broadcast"],
    ["0.0.0.0", "unspecified"],
    ["0.1.2.3", "unspecified"],
    ["240.0.0.1", "reserved"],
    ["192.0.2.1", "reserved"],
    ["198.18.0.1", "reserved"],
    ["::1", "loopback"],
    ["::", "unspecified"],
    ["fe80::1", "linkLocal"],
    ["fc00::1", "uniqueLocal"],
    ["fd12:3456::1", "uniqueLocal"],
    ["ff02::1", "multicast"],
    ["2001:db8::1", "reserved"],
    ["2001::1", "teredo"],
    ["64:ff9b:1::a00:1", "rfc6052"],
    ["fec0::1", "deprecatedSiteLocal"],
    ["4000::1", "reserved"],
  ])("refuses %s (%s)", (ip, reason) => {
    expect(nonPublicReason(ip)).toBe(reason);
  });

  it.each([
    ["::ffff:127.0.0.1", "loopback"],
    ["::ffff:7f00:1", "loopback"],
    ["::ffff:169.254.169.254", "linkLocal"],
    ["::127.0.0.1", "loopback"],
    ["::ffff:0:10.0.0.1", "private"],
    ["64:ff9b::10.0.0.1", "private"],
    ["64:ff9b::7f00:1", "loopback"],
    ["2002:7f00:1::", "loopback"],
    ["2002:a9fe:a9fe::1", "linkLocal"],
  ])("judges %s by the IPv4 address inside it (%s)", (ip, reason) => {
    expect(nonPublicReason(ip)).toMatch(new RegExp(`^${reason} IPv4 address`));
  });

  it.each([
    "8.8.8.8",
    "1.1.1.1",
    "151.101.1.69",
    "2606:4700:4700::1111",
    "2a00:1450:4001:80b::200e",
    "::ffff:8.8.8.8",
    "64:ff9b::808:808",
    "2002:808:808::1",
  ])("allows the public address %s", (ip) => {
    expect(nonPublicReason(ip)).toBeUndefined();
  });

  it("calls garbage invalid", () => {
    expect(nonPublicReason("example.com")).toBe("invalid");
  });
});

describe("addressPolicy", () => {
  it("allowPrivateNetwork lifts the rule", () => {
    const allow = addressPolicy({ allowPrivateNetwork: true });
    expect(allow("127.0.0.1")).toBeUndefined();
    expect(allow("169.254.169.254")).toBeUndefined();
  });

  it("makes exceptions only for the listed addresses and ranges", () => {
    const policy = addressPolicy({
      allowPrivateNetwork: false,
      allowAddresses: ["127.0.0.2", "10.9.0.0/16", "fd00::1"],
    });
    expect(policy("127.0.0.2")).toBeUndefined();
    expect(policy("10.9.200.1")).toBeUndefined();
    expect(policy("fd00::1")).toBeUndefined();
    expect(policy("127.0.0.1")).toBe("loopback");
    expect(policy("10.10.0.1")).toBe("private");
    expect(policy("fd00::2")).toBe("uniqueLocal");
    expect(policy("8.8.8.8")).toBeUndefined();
  });
});

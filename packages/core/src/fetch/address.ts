/**
 * Which IP addresses the fetcher may connect to. Range tables come from ipaddr.js; the only rules
 * written here are the IPv6 forms that carry an IPv4 address inside them, which are judged by
 * that IPv4 address.
 */
import ipaddr from "ipaddr.js";

/** The IPv4 address an IPv6 address embeds (mapped, compatible, SIIT, NAT64, 6to4), if any. */
function embeddedIPv4(v6: ipaddr.IPv6): ipaddr.IPv4 | undefined {
  const p = v6.parts;
  const v4 = (hi: number, lo: number) => new ipaddr.IPv4([hi >> 8, hi & 0xff, lo >> 8, lo & 0xff]);
  const last32 = () => v4(p[6] ?? 0, p[7] ?? 0);
  const zeros = (from: number, to: number) => p.slice(from, to).every((x) => x === 0);
  if (zeros(0, 5) && p[5] === 0xffff) return last32(); // ::ffff:a.b.c.d (mapped)
  if (zeros(0, 6)) return last32(); // ::a.b.c.d (deprecated "compatible"), also :: and ::1
  if (zeros(0, 4) && p[4] === 0xffff && p[5] === 0) return last32(); // ::ffff:0:a.b.c.d (RFC 6145)
  if (p[0] === 0x64 && p[1] === 0xff9b && zeros(2, 6)) return last32(); // 64:ff9b::/96 (NAT64)
  if (p[0] === 0x2002) return v4(p[1] ?? 0, p[2] ?? 0); // 6to4
  return undefined;
}

function classifyV4(v4: ipaddr.IPv4): string | undefined {
  const range = v4.range();
  return range === "unicast" ? undefined : range;
}

/**
 * Why `ip` is not a public internet address (the ipaddr.js range name, e.g. "loopback",
 * "private", "linkLocal"), or undefined when it is one. Unparseable input counts as "invalid".
 */
export function nonPublicReason(ip: string): string | undefined {
  let addr: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    addr = ipaddr.parse(ip.replace(/^\[|\]$/g, ""));
  } catch {
    return "invalid";
  }
  if (addr.kind() === "ipv4") return classifyV4(addr as ipaddr.IPv4);
  const v6 = addr as ipaddr.IPv6;
  const range = v6.range();
  if (range === "unspecified" || range === "loopback") return range;
  const v4 = embeddedIPv4(v6);
  if (v4) {
    const reason = classifyV4(v4);
    return reason ? `${reason} IPv4 address ${v4.toString()} embedded in ${range}` : undefined;
  }
  if (range !== "unicast") return range; // includes teredo, local-use NAT64 (64:ff9b:1::/48), uniqueLocal
  // Everything ipaddr.js leaves unclassified but outside 2000::/3 is unassigned space.
  return v6.match(ipaddr.IPv6.parse("2000::"), 3) ? undefined : "reserved";
}

export type AddressPolicy = (ip: string) => string | undefined;

/**
 * The rule the fetcher applies to every address it would connect to: a reason to refuse, or
 * undefined. `allowPrivateNetwork` lifts it; `allowAddresses` (IPs or CIDR ranges) are exceptions,
 * e.g. an internal proxy, or the one loopback server of a test.
 */
export function addressPolicy(opts: {
  allowPrivateNetwork: boolean;
  allowAddresses?: string[];
}): AddressPolicy {
  if (opts.allowPrivateNetwork) return () => undefined;
  const exceptions = (opts.allowAddresses ?? []).map((a) =>
    a.includes("/") ? ipaddr.parseCIDR(a) : ([ipaddr.parse(a), a.includes(":") ? 128 : 32] as const),
  );
  return (ip) => {
    const reason = nonPublicReason(ip);
    if (reason === undefined || reason === "invalid") return reason;
    const addr = ipaddr.parse(ip.replace(/^\[|\]$/g, ""));
    const excepted = exceptions.some(([net, bits]) => addr.kind() === net.kind() && addr.match(net, bits));
    return excepted ? undefined : reason;
  };
}

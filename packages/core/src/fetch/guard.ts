/**
 * The request guard: which URLs may be fetched, and a DNS lookup for the sockets that refuses
 * non-public addresses. The check sits in the lookup the connection itself uses, so the address
 * that is checked is the address that is connected to (no DNS-rebinding window).
 */
import dns from "node:dns";
import net, { type LookupFunction } from "node:net";
import { type AddressPolicy, addressPolicy } from "./address.js";
import { FetchError } from "./errors.js";

const DNS_CODES = new Set(["ENOTFOUND", "EAI_AGAIN", "EAI_FAIL", "EAI_NODATA", "EAI_NONAME", "ENODATA"]);

export const isDnsError = (err: unknown) => DNS_CODES.has((err as { code?: string })?.code ?? "");

/** Parses `input` (relative to `base` for a redirect's Location) and allows http and https only. */
export function parseTarget(input: string, base?: URL): URL {
  let url: URL;
  try {
    url = new URL(input, base);
  } catch {
    const where = base ? ` (redirect from ${base.href})` : "";
    throw new FetchError("bad_url", `Not a valid URL: "${input}"${where}`, { url: input });
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    const where = base ? `, redirected to from ${base.href}` : "";
    throw new FetchError("bad_scheme", `Only http and https URLs can be fetched, not ${url.href}${where}`, {
      url: url.href,
    });
  }
  return url;
}

/** The host as the socket layer wants it: IPv6 literals without brackets. */
export const socketHost = (url: URL) => url.hostname.replace(/^\[|\]$/g, "");

function blocked(url: URL, address: string, reason: string): FetchError {
  const host = socketHost(url);
  const what = host === address ? address : `${host} (${address})`;
  return new FetchError(
    "blocked_address",
    `Refused to fetch ${url.href}: ${what} is a ${reason} address, not a public internet address`,
    { url: url.href },
  );
}

/**
 * Checks an IP-literal host before connecting: Node connects to literals without a lookup. The
 * WHATWG parser has already turned numeric forms (`2130706433`, `0x7f.1`, `0177.0.0.1`) into
 * dotted quads, so they arrive here as the address they mean.
 */
export function checkLiteralHost(url: URL, policy: AddressPolicy): void {
  const host = socketHost(url);
  if (net.isIP(host) === 0) return;
  const reason = policy(host);
  if (reason) throw blocked(url, host, reason);
}

/** A `lookup` for `http.request` that resolves every address and refuses the request if any is not allowed. */
export function guardedLookup(url: URL, policy: AddressPolicy): LookupFunction {
  return (hostname, options, callback) => {
    dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, "", 0);
      for (const { address } of addresses) {
        const reason = policy(address);
        if (reason) return callback(blocked(url, address, reason) as unknown as NodeJS.ErrnoException, "", 0);
      }
      const first = addresses[0];
      if (!first) {
        const none = Object.assign(new Error(`no addresses for ${hostname}`), { code: "ENOTFOUND" });
        return callback(none, "", 0);
      }
      if ((options as dns.LookupOptions).all) {
        (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, addresses);
      } else callback(null, first.address, first.family);
    });
  };
}

/**
 * What can be refused before storing a URL (a hand-added link), without the network: a host that
 * is literally localhost or a non-public address. The answer completes "not …" ("localhost",
 * "a loopback address"); undefined when nothing is refused. Host names are judged when fetched.
 */
export function literalHostRefusal(url: URL, opts: { allowPrivateNetwork: boolean }): string | undefined {
  if (opts.allowPrivateNetwork) return undefined;
  const host = socketHost(url).replace(/\.$/, "");
  if (host === "localhost" || host.endsWith(".localhost")) return "localhost";
  if (net.isIP(host) === 0) return undefined;
  const reason = addressPolicy(opts)(host);
  return reason && `a ${reason} address`;
}

/**
 * The address rule end to end: literal, numeric and IPv6 forms, names that resolve to loopback,
 * and redirects from an allowed server to refused targets.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFetcher } from "./fetcher.js";
import { literalHostRefusal } from "./guard.js";
import { closeServers, failure, serve, TEST_UA, type TestServer } from "./testing.js";

const guarded = createFetcher({ userAgent: TEST_UA, allowPrivateNetwork: false });
afterAll(async () => {
  guarded.close();
  await closeServers();
});

describe("the address rule", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await serve((_req, res) => res.end("secret"));
  });

  it.each([
    "http://127.0.0.1:PORT/",
    "http://10.0.0.1/",
    "http://172.16.5.4/",
    "http://192.168.1.1/",
    "http://169.254.169.254/latest/meta-data/",
    "http://100.64.0.1/",
    "http://224.0.0.1/",
    "http://255.255.255.255/",
    "http://0.0.0.0:PORT/",
    "http://240.0.0.1/",
    // numeric host forms, which the URL parser turns into dotted quads
    "http://2130706433:PORT/",
    "http://0x7f.1:PORT/",
    "http://017700000001:PORT/",
    "http://0177.0.0.1:PORT/",
    "http://127.1:PORT/",
    "http://0x7f000001:PORT/",
    "http://127.0.0.1.:PORT/",
    "http://0:PORT/",
    "http://%31%32%37.0.0.1:PORT/",
    "http://2852039166/", // 169.254.169.254
    // IPv6
    "http://[::1]:PORT/",
    "http://[::]:PORT/",
    "http://[fe80::1]/",
    "http://[fc00::1]/",
    "http://[fd00:ec2::254]/",
    "http://[ff02::1]/",
    "http://[::ffff:127.0.0.1]:PORT/",
    "http://[0:0:0:0:0:ffff:7f00:1]:PORT/",
    "http://[::ffff:169.254.169.254]/",
    "http://[::127.0.0.1]:PORT/",
    "http://[64:ff9b::10.0.0.1]/",
    "http://[64:ff9b::127.0.0.1]/",
    "http://[2002:7f00:1::]/",
    "http://[2002:c0a8:101::1]/",
    "http://[2001::1]/",
  ])("refuses %s", async (template) => {
    const url = template.replace("PORT", String(server.port));
    const err = await failure(guarded(url));
    expect(err.code).toBe("blocked_address");
    expect(err.message).toContain("Refused to fetch");
    expect(server.requests).toHaveLength(0);
  });

  it("refuses a host name that resolves to loopback, at connect time, naming host and address", async () => {
    const err = await failure(guarded(`http://localhost:${server.port}/feed`));
    expect(err.code).toBe("blocked_address");
    expect(err.message).toMatch(/localhost \((127\.0\.0\.1|::1)\) is a loopback address/);
    expect(err.url).toBe(`http://localhost:${server.port}/feed`);
    expect(server.requests).toHaveLength(0);
  });

  it("lets ALLOW_PRIVATE_NETWORK through, by address and by name", async () => {
    const open = createFetcher({ userAgent: TEST_UA, allowPrivateNetwork: true });
    try {
      expect((await open(`http://127.0.0.1:${server.port}/`)).body.toString()).toBe("secret");
      expect((await open(`http://localhost:${server.port}/`)).body.toString()).toBe("secret");
    } finally {
      open.close();
    }
  });
});

describe("URL and scheme", () => {
  const open = createFetcher({ userAgent: TEST_UA, allowPrivateNetwork: true });
  afterAll(() => open.close());

  it.each([
    "file:///etc/passwd",
    "ftp://example.com/feed",
    "gopher://example.com/",
    "data:text/plain,hi",
    "javascript:alert(1)",
  ])("refuses %s even with private networks allowed", async (url) => {
    const err = await failure(open(url));
    expect(err.code).toBe("bad_scheme");
    expect(err.message).toContain("Only http and https");
  });

  it.each(["not a url", "http://", "http://[::1", "http://4294967296/", "/relative/path"])(
    "calls %s a bad URL",
    async (url) => {
      const err = await failure(open(url));
      expect(err.code).toBe("bad_url");
      expect(err.message).toContain(url);
    },
  );
});

describe("redirects are checked on every hop", () => {
  // The first hop must be allowed and the next refused: the first server listens on 127.0.0.2,
  // which this fetcher excepts; everything else goes through the production rule unchanged.
  const fetcher = createFetcher({
    userAgent: TEST_UA,
    allowPrivateNetwork: false,
    allowAddresses: ["127.0.0.2"],
  });
  afterAll(() => fetcher.close());

  async function redirector(location: (target: TestServer) => string) {
    const target = await serve((_req, res) => res.end("internal"));
    const first = await serve((_req, res) => {
      res.writeHead(302, { location: location(target) });
      res.end();
    }, "127.0.0.2");
    return { first, target };
  }

  it("reaches the excepted server itself", async () => {
    const s = await serve((_req, res) => res.end("public"), "127.0.0.2");
    expect((await fetcher(`${s.origin}/`)).body.toString()).toBe("public");
  });

  it.each([
    ["127.0.0.1", (t: TestServer) => `http://127.0.0.1:${t.port}/admin`],
    ["the metadata address", () => "http://169.254.169.254/latest/meta-data/iam/"],
    ["a name resolving to loopback", (t: TestServer) => `http://localhost:${t.port}/`],
    ["IPv4-mapped IPv6 loopback", (t: TestServer) => `http://[::ffff:127.0.0.1]:${t.port}/`],
    ["a decimal loopback", (t: TestServer) => `http://2130706433:${t.port}/`],
  ])("refuses a redirect to %s", async (_name, location) => {
    const { first, target } = await redirector(location);
    const err = await failure(fetcher(`${first.origin}/feed`));
    expect(err.code).toBe("blocked_address");
    expect(first.requests).toHaveLength(1);
    expect(target.requests).toHaveLength(0);
  });

  it("refuses a redirect to another scheme", async () => {
    const { first } = await redirector(() => "file:///etc/passwd");
    const err = await failure(fetcher(`${first.origin}/feed`));
    expect(err.code).toBe("bad_scheme");
    expect(err.message).toContain(`redirected to from ${first.origin}/feed`);
  });
});

describe("literalHostRefusal", () => {
  it("refuses localhost and literal non-public addresses without the network", () => {
    const rule = { allowPrivateNetwork: false };
    const refusal = (url: string, r = rule) => literalHostRefusal(new URL(url), r);
    expect(refusal("https://example.com/feed.xml")).toBeUndefined();
    expect(refusal("http://internal.example/feed")).toBeUndefined(); // judged when fetched
    expect(refusal("http://localhost:3000/")).toBe("localhost");
    expect(refusal("http://app.localhost./")).toBe("localhost");
    expect(refusal("http://0x7f.1/")).toBe("a loopback address");
    expect(refusal("http://[::1]/")).toBe("a loopback address");
    expect(refusal("http://169.254.169.254/")).toBe("a linkLocal address");
    expect(refusal("http://10.0.0.5/", { allowPrivateNetwork: true })).toBeUndefined();
    expect(refusal("http://localhost/", { allowPrivateNetwork: true })).toBeUndefined();
  });
});

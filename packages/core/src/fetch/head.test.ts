/** HEAD through the guarded fetcher: no body is read (nor capped), redirects keep the method. */
import { afterEach, describe, expect, it } from "vitest";
import { createFetcher } from "./fetcher.js";
import { closeServers, serve, TEST_UA } from "./testing.js";

afterEach(closeServers);

describe("HEAD", () => {
  it("returns the status with an empty body, whatever Content-Length announces, after redirects as HEAD", async () => {
    const s = await serve((req, res) => {
      if (req.url === "/see-other") return res.writeHead(303, { location: "/big" }).end();
      res.writeHead(200, { "content-length": String(50 * 1024 * 1024), "content-type": "text/html" }).end();
    });
    const fetch = createFetcher({ userAgent: TEST_UA, allowPrivateNetwork: true });
    try {
      const res = await fetch(`${s.origin}/see-other`, { method: "HEAD", maxBytes: 1024 });
      expect(res).toMatchObject({ status: 200, url: `${s.origin}/big`, redirects: 1 });
      expect(res.body.length).toBe(0);
      expect(s.requests.map((r) => `${r.method} ${r.url}`)).toEqual(["HEAD /see-other", "HEAD /big"]);
    } finally {
      fetch.close();
    }
  });
});

import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ASSET_CACHE,
  CSP,
  contentTypeOf,
  isWebPath,
  PAGE_CACHE,
  routeWeb,
  WEB_DIST,
  WebBuildMissingError,
  webApp,
} from "./index.js";

let root: string;
let dist: string;
const PAGE = '<!doctype html><script type="module" src="/assets/index-abc.js"></script>';

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "wkn-web-"));
  dist = join(root, "dist");
  mkdirSync(join(dist, "assets", "fonts"), { recursive: true });
  writeFileSync(join(dist, "index.html"), PAGE);
  writeFileSync(join(dist, "assets", "index-abc.js"), "console.log(1)");
  writeFileSync(join(dist, "assets", "index-abc.css"), "body{}");
  writeFileSync(join(dist, "assets", "fonts", "a-1.woff2"), Buffer.from([0, 1, 2, 255]));
  writeFileSync(join(dist, ".inputs"), "hash");
  // Outside the assets: never served, whatever the path says.
  writeFileSync(join(root, "secret.txt"), "secret");
  symlinkSync(join(root, "secret.txt"), join(dist, "assets", "link.txt"));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const get = (path: string, init?: RequestInit) => webApp({ dir: dist }).request(path, init);

function expectSecure(res: Response) {
  expect(res.headers.get("content-security-policy")).toBe(CSP);
  expect(res.headers.get("x-content-type-options")).toBe("nosniff");
  expect(res.headers.get("x-frame-options")).toBe("DENY");
  expect(res.headers.get("referrer-policy")).toBe("no-referrer");
}

describe("the page", () => {
  it.each(["/", "/index.html"])("GET %s is index.html, never cached, under the strict CSP", async (path) => {
    const res = await get(path);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(PAGE);
    expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(res.headers.get("cache-control")).toBe(PAGE_CACHE);
    expectSecure(res);
  });

  it("allows only its own scripts, styles and API, https pictures, no framing or plugins", () => {
    expect(CSP).toBe(
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' https: data:; connect-src 'self'; frame-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'",
    );
  });

  it("answers HEAD without a body", async () => {
    const res = await get("/", { method: "HEAD" });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("");
  });

  it("is read once: a change on disk shows only in a new app", async () => {
    const app = webApp({ dir: dist });
    writeFileSync(join(dist, "index.html"), "changed");
    try {
      expect(await (await app.request("/")).text()).toBe(PAGE);
      expect(await (await webApp({ dir: dist }).request("/")).text()).toBe("changed");
    } finally {
      writeFileSync(join(dist, "index.html"), PAGE);
    }
  });

  it("cannot be made without a build, and says how to make one", () => {
    expect(() => webApp({ dir: join(root, "nothing") })).toThrow(WebBuildMissingError);
    expect(() => webApp({ dir: join(root, "nothing") })).toThrow(/npx vite build -c packages\/web/);
  });
});

describe("the assets", () => {
  it.each([
    ["/assets/index-abc.js", "text/javascript; charset=utf-8", "console.log(1)"],
    ["/assets/index-abc.css", "text/css; charset=utf-8", "body{}"],
  ])("GET %s: %s, cached for good", async (path, type, body) => {
    const res = await get(path);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe(type);
    expect(res.headers.get("cache-control")).toBe(ASSET_CACHE);
    expect(await res.text()).toBe(body);
    expectSecure(res);
  });

  it("serves files in subfolders byte for byte", async () => {
    const res = await get("/assets/fonts/a-1.woff2");
    expect(res.headers.get("content-type")).toBe("font/woff2");
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(new Uint8Array([0, 1, 2, 255]));
  });

  it("knows the usual types", () => {
    expect(contentTypeOf("a.MJS")).toBe("text/javascript; charset=utf-8");
    expect(contentTypeOf("a.svg")).toBe("image/svg+xml");
    expect(contentTypeOf("a.png")).toBe("image/png");
    expect(contentTypeOf("a")).toBe("application/octet-stream");
  });
});

describe("anything else is 404", () => {
  it.each([
    "/assets/missing.js",
    "/assets/",
    "/assets",
    "/assets/INDEX-ABC.js",
    "/assets/index-abc.js/",
    "/index.htm",
    "/.inputs",
    "/dist/index.html",
    "/api/health",
    // climbing out of assets/: normalised away by the URL, or encoded, or a backslash
    "/assets/../secret.txt",
    "/assets/../../secret.txt",
    "/assets/%2e%2e/%2e%2e/secret.txt",
    "/assets/..%2f..%2fsecret.txt",
    "/assets/..%5c..%5csecret.txt",
    "/assets/%2e%2e%2findex.html",
    "/assets/fonts/../../secret.txt",
    "/assets//etc/passwd",
    "/assets/%00",
    // a symlink inside assets/ pointing out of it
    "/assets/link.txt",
  ])("GET %s", async (path) => {
    const res = await get(path);
    expect(res.status).toBe(404);
    expect(await res.text()).toBe("Not Found");
    expectSecure(res);
  });

  it("as is every other method", async () => {
    for (const method of ["POST", "PUT", "DELETE", "PATCH"]) {
      expect((await get("/", { method })).status, method).toBe(404);
      expect((await get("/assets/index-abc.js", { method })).status, method).toBe(404);
    }
  });
});

describe("routeWeb", () => {
  const api = { fetch: (req: Request) => new Response(`api ${req.method} ${new URL(req.url).pathname}`) };
  const web = { fetch: (req: Request) => new Response(`web ${req.method} ${new URL(req.url).pathname}`) };
  const route = routeWeb(web, api);
  const call = async (path: string, method = "GET") =>
    (await route(new Request(`http://localhost${path}`, { method }))).text();

  it("sends GET and HEAD for the page and assets to the web app, all else to the API", async () => {
    expect(await call("/")).toBe("web GET /");
    expect(await call("/", "HEAD")).toBe("web HEAD /");
    expect(await call("/index.html")).toBe("web GET /index.html");
    expect(await call("/assets/index-abc.js")).toBe("web GET /assets/index-abc.js");
    expect(await call("/", "POST")).toBe("api POST /");
    expect(await call("/assets/x.js", "DELETE")).toBe("api DELETE /assets/x.js");
    expect(await call("/api/sources")).toBe("api GET /api/sources");
    expect(await call("/assets")).toBe("api GET /assets");
    expect(await call("/issues/1")).toBe("api GET /issues/1");
    expect(await call("/assets/../api/health")).toBe("api GET /api/health");
  });

  it("agrees with isWebPath", () => {
    expect(["/", "/index.html", "/assets/a.js"].every(isWebPath)).toBe(true);
    expect(["/api", "/assets", "/feed.xml", "/issues"].some(isWebPath)).toBe(false);
  });
});

describe("the built page (packages/web/dist, built by npm test's global setup)", () => {
  const html = () => readFileSync(join(WEB_DIST, "index.html"), "utf8");

  it("has no inline script, style or handler: it runs under the CSP", () => {
    const page = html();
    for (const tag of page.match(/<script\b[^>]*>[\s\S]*?<\/script>/gi) ?? []) {
      expect(tag).toMatch(/^<script\b[^>]*\ssrc="\/assets\/[^"]+"[^>]*><\/script>$/);
    }
    expect(page).not.toMatch(/<style\b/i);
    expect(page).not.toMatch(/\sstyle\s*=/i);
    expect(page).not.toMatch(/\son[a-z]+\s*=/i);
    expect(page).not.toMatch(/javascript:/i);
  });

  it("serves every script and stylesheet the page names, with its type", async () => {
    const app = webApp();
    const refs = [...html().matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]!);
    expect(refs.some((r) => r.endsWith(".js"))).toBe(true);
    for (const ref of refs) {
      const res = await app.request(ref);
      expect(res.status, ref).toBe(200);
      expect(res.headers.get("content-type"), ref).toMatch(/^text\/(javascript|css); charset=utf-8$/);
      expect(ref, "hashed names: cached for good").toMatch(/-[\w-]{6,}\.(js|css)$/);
    }
  });
});

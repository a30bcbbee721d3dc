/**
 * Serves the editor's page built by Vite (packages/web/dist): the same small Hono app locally (in
 * front of the API on the one node server, packages/local) and on AWS (its own function,
 * functions/web.ts, beside the API's). Node-side code: it never enters the client bundle, and the
 * API's Lambda bundle never holds the page.
 *
 * Every file is read once, when the app is made, and kept in memory: `GET /` (and
 * `/index.html`) is dist/index.html, never cached, under a strict CSP (Vite writes no inline
 * script or style); `GET /assets/<file>` is a hashed file, cached for good. Anything else is 404:
 * a request path is looked up as is among the files read, so no path can climb out of dist.
 */
import { type Dirent, readdirSync, readFileSync } from "node:fs";
import { extname, join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { Hono } from "hono";

/** dist/ of this package, where Vite writes the page (see build.ts). */
export const WEB_DIST = fileURLToPath(new URL("../dist/", import.meta.url));

/** The page's Content-Security-Policy: only its own scripts, styles and API; pictures from https. */
export const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' https: data:",
  "connect-src 'self'",
  "frame-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "object-src 'none'",
].join("; ");

/** On every answer, the page's and the assets' alike (a 404 too). */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "content-security-policy": CSP,
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "referrer-policy": "no-referrer",
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-resource-policy": "same-origin",
};

export const PAGE_CACHE = "no-store";
export const ASSET_CACHE = "public, max-age=31536000, immutable";

const TYPES: Record<string, string> = {
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".html": "text/html; charset=utf-8",
  ".json": "application/json",
  ".map": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".webp": "image/webp",
  ".avif": "image/avif",
  ".ico": "image/x-icon",
  ".woff": "font/woff",
  ".woff2": "font/woff2",
  ".ttf": "font/ttf",
  ".txt": "text/plain; charset=utf-8",
};

/** The content type of a file served from dist, by its extension. */
export const contentTypeOf = (file: string): string =>
  TYPES[extname(file).toLowerCase()] ?? "application/octet-stream";

/**
 * Paths the web app answers: the page and its assets. The local server sends GET and HEAD
 * requests for them here and everything else to the API; on AWS they are the web function's
 * routes (stacks/Api.ts).
 */
export const isWebPath = (path: string): boolean =>
  path === "/" || path === "/index.html" || path.startsWith("/assets/");

export class WebBuildMissingError extends Error {
  constructor(dir: string) {
    super(
      `the editor's page is not built: no index.html in ${dir} (npm start and npm test build it; by hand: npx vite build -c packages/web/vite.config.ts)`,
    );
    this.name = "WebBuildMissingError";
  }
}

interface File {
  body: Uint8Array<ArrayBuffer>;
  type: string;
}

/** index.html and every regular file under assets/ (by URL path, `/assets/a/b.js`). */
function readDist(dir: string): { page: Uint8Array<ArrayBuffer>; assets: Map<string, File> } {
  let page: Uint8Array<ArrayBuffer>;
  try {
    page = new Uint8Array(readFileSync(join(dir, "index.html")));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") throw new WebBuildMissingError(dir);
    throw e;
  }
  const assets = new Map<string, File>();
  const assetsDir = join(dir, "assets");
  let entries: Dirent[];
  try {
    entries = readdirSync(assetsDir, { withFileTypes: true, recursive: true });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") entries = [];
    else throw e;
  }
  for (const entry of entries) {
    // Regular files only: a symlink is not followed out of dist.
    if (!entry.isFile()) continue;
    const file = join(entry.parentPath, entry.name);
    const url = `/assets/${relative(assetsDir, file).split(sep).join("/")}`;
    assets.set(url, { body: new Uint8Array(readFileSync(file)), type: contentTypeOf(file) });
  }
  return { page, assets };
}

export interface WebAppOptions {
  /** The built page: index.html and assets/ (default: this package's dist/). */
  dir?: string;
}

/** The page and its assets as a Hono app. Throws WebBuildMissingError when `dir` has no index.html. */
export function webApp(opts: WebAppOptions = {}): Hono {
  const { page, assets } = readDist(opts.dir ?? WEB_DIST);
  const app = new Hono();

  app.use(async (c, next) => {
    await next();
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) c.res.headers.set(name, value);
  });

  const servePage = () =>
    new Response(page, {
      headers: { "content-type": "text/html; charset=utf-8", "cache-control": PAGE_CACHE },
    });
  app.get("/", servePage);
  app.get("/index.html", servePage);

  app.get("/assets/*", (c) => {
    // The path as the client sent it (no decoding, no normalising): only a file's own name matches.
    const file = assets.get(new URL(c.req.url).pathname);
    if (!file) return notFound();
    return new Response(file.body, {
      headers: { "content-type": file.type, "cache-control": ASSET_CACHE },
    });
  });

  app.notFound(() => notFound());
  return app;
}

const notFound = () =>
  new Response("Not Found", {
    status: 404,
    headers: { "content-type": "text/plain; charset=utf-8", "cache-control": PAGE_CACHE },
  });

type Fetch = (req: Request) => Response | Promise<Response>;

/**
 * One fetch for the local server: GET and HEAD requests for the page and its assets go to `web`,
 * everything else to `api`, as API Gateway routes them on AWS.
 */
export function routeWeb(web: { fetch: Fetch }, api: { fetch: Fetch }): Fetch {
  return (req) => {
    if (req.method === "GET" || req.method === "HEAD") {
      if (isWebPath(new URL(req.url).pathname)) return web.fetch(req);
    }
    return api.fetch(req);
  };
}

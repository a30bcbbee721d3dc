/**
 * Cross-site request forgery guard for the session cookie. SameSite=Strict is not enough: a
 * "site" is scheme + registrable domain, so another port on localhost or a sibling subdomain
 * is same-site and its pages' POSTs carry the cookie. A change made with the cookie must come
 * from our own origin: `Sec-Fetch-Site: same-origin`, or (browsers without Fetch Metadata) an
 * `Origin` equal to ours. Form and text/plain bodies are refused outright: they are what a page
 * can send anywhere without a CORS preflight, and our page only sends JSON and CSV files.
 *
 * A request with `Authorization: Bearer …` is not checked: a browser sends that header to
 * another origin only after a CORS preflight, which this app never grants.
 */
import type { MiddlewareHandler } from "hono";
import { getCookie } from "hono/cookie";
import { errorBody } from "../../errors.js";

export interface SameOriginOptions {
  /** The one origin allowed (PUBLIC_BASE_URL's), e.g. `https://news.example.com`. */
  origin: string;
  /**
   * Check only requests carrying this cookie (the session). Without it every request without a
   * bearer token is checked: sign-in, which would otherwise let a page pick the editor's session.
   */
  cookie?: string;
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);
/** Content types a cross-origin page can send without a preflight, other than multipart. */
const FORM_TYPES = new Set(["application/x-www-form-urlencoded", "text/plain"]);
const RULE = "must be JSON, CSV or a multipart upload, sent from";

/**
 * @example app.use("/api/*", sameOrigin({ origin: new URL(config.publicBaseUrl).origin, cookie: SESSION_COOKIE }))
 */
export const sameOrigin = (options: SameOriginOptions): MiddlewareHandler => {
  const allowed = new URL(options.origin).origin;
  return async function sameOrigin(c, next) {
    if (SAFE_METHODS.has(c.req.method)) return next();
    if (/^Bearer\s/i.test(c.req.header("authorization") ?? "")) return next();
    if (options.cookie !== undefined && getCookie(c, options.cookie) === undefined) return next();

    const refuse = (why: string) =>
      c.json(errorBody("forbidden", `${why}: a change made with the session cookie ${RULE} ${allowed}`), 403);
    const type = (c.req.header("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
    if (FORM_TYPES.has(type)) return refuse(`a ${type} body is refused`);
    const site = c.req.header("sec-fetch-site");
    if (site === "same-origin") return next();
    if (site !== undefined) return refuse(`Sec-Fetch-Site is ${site}`);
    const origin = c.req.header("origin");
    if (origin === undefined) return refuse("the Origin header is missing");
    if (origin !== allowed) return refuse(`Origin ${origin} is not allowed`);
    return next();
  };
};

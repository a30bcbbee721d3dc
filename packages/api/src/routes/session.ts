/**
 * The web page's login: the editor types the token once and gets an HttpOnly, SameSite=Strict
 * session cookie (an HMAC of an expiry, never the token: middleware/auth). These routes check the
 * token themselves, so they sit before the /api auth middleware. Sign-in is only taken from our
 * own origin (middleware/same-origin), so another page cannot sign the editor's browser into a
 * session; sign-out with the cookie is guarded by app.ts like every other change.
 */
import { createRoute, z } from "@hono/zod-openapi";
import type { Ctx } from "@wkn/core/context";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { errorBody } from "../errors.js";
import {
  issueSession,
  SESSION_COOKIE,
  SESSION_TTL_SECONDS,
  sessionValid,
  tokenMatches,
} from "../middleware/auth/index.js";
import { noBody } from "../middleware/no-body/index.js";
import { sameOrigin } from "../middleware/same-origin/index.js";
import { createRouter } from "../router.js";
import { ErrorSchema, errors, isoTime, json } from "../schemas/common.js";

const LoginSchema = z.object({ token: z.string().min(1).max(500) }).openapi("Login");

const SignedOutSchema = z.object({ signedIn: z.literal(false) }).openapi("SignedOut");

const SessionSchema = z
  .object({
    signedIn: z.literal(true),
    expiresAt: isoTime
      .nullable()
      .openapi({ description: "When the session cookie expires; null with a Bearer token" }),
    newsletter: z.object({
      name: z.string(),
      lang: z.enum(["en", "ja"]).openapi({ description: "NEWSLETTER_LANG: the readers' language" }),
      publicBaseUrl: z.string(),
    }),
    outbox: z.boolean().openapi({
      description: "The local run: sent mail is kept in DATA_DIR/outbox and GET /api/outbox lists it",
    }),
  })
  .openapi("Session");

export interface SessionRoutesOptions {
  /** Whether GET /api/outbox and its routes are served (the local run). */
  outbox?: boolean;
}

export function sessionRoutes(ctx: Ctx, options: SessionRoutesOptions = {}) {
  const r = createRouter();
  const secure = ctx.config.publicBaseUrl.startsWith("https:");

  r.openapi(
    createRoute({
      method: "get",
      path: "/session",
      tags: ["session"],
      description:
        "Who is asking: the session cookie (or a Bearer token) checked as every /api route checks it, and what the editor's page needs to know about this newsletter.",
      responses: {
        200: json(
          z.union([SessionSchema, SignedOutSchema]),
          "Signed in, or `{signedIn: false}` for a browser without a valid session cookie (a 200, so the page's first look logs no error)",
        ),
        401: json(ErrorSchema, "A wrong Bearer token"),
      },
    }),
    (c) => {
      const now = ctx.now().getTime();
      const bearer = c.req
        .header("authorization")
        ?.match(/^Bearer\s+(.+)$/i)?.[1]
        ?.trim();
      const cookie = bearer === undefined ? getCookie(c, SESSION_COOKIE) : undefined;
      const ok =
        bearer !== undefined
          ? tokenMatches(bearer, ctx.config.editorToken)
          : sessionValid(cookie, ctx.config.editorToken, now);
      c.header("Cache-Control", "no-store");
      if (!ok && bearer === undefined) return c.json({ signedIn: false as const }, 200);
      if (!ok) {
        c.header("WWW-Authenticate", 'Bearer realm="editor"');
        return c.json(errorBody("unauthorized", "not signed in, or the session has expired"), 401);
      }
      // A valid cookie is `<expiry in epoch seconds>.<mac>` (middleware/auth).
      const expires = cookie ? Number(cookie.split(".")[0]) : Number.NaN;
      return c.json(
        {
          signedIn: true as const,
          expiresAt: Number.isInteger(expires) ? new Date(expires * 1000).toISOString() : null,
          newsletter: {
            name: ctx.config.newsletterName,
            lang: ctx.config.newsletterLang,
            publicBaseUrl: ctx.config.publicBaseUrl,
          },
          outbox: options.outbox === true,
        },
        200,
      );
    },
  );

  r.openapi(
    createRoute({
      method: "post",
      path: "/session",
      tags: ["session"],
      security: [],
      middleware: [sameOrigin({ origin: ctx.config.publicBaseUrl })],
      request: { body: { content: { "application/json": { schema: LoginSchema } }, required: true } },
      responses: {
        204: { description: "Signed in: the session cookie is set" },
        400: errors[400],
        401: errors[401],
        403: json(ErrorSchema, "Not from our own origin (Origin / Sec-Fetch-Site), or a form post"),
      },
    }),
    async (c) => {
      if (!tokenMatches(c.req.valid("json").token, ctx.config.editorToken)) {
        return c.json(errorBody("unauthorized", "wrong editor token"), 401);
      }
      setCookie(c, SESSION_COOKIE, issueSession(ctx.config.editorToken, ctx.now().getTime()), {
        httpOnly: true,
        sameSite: "Strict",
        secure,
        path: "/",
        maxAge: SESSION_TTL_SECONDS,
      });
      return c.body(null, 204);
    },
  );

  r.openapi(
    createRoute({
      method: "delete",
      path: "/session",
      tags: ["session"],
      security: [],
      middleware: [noBody()],
      responses: {
        204: { description: "Signed out" },
        403: json(ErrorSchema, "With the cookie, but not from our own origin"),
        415: json(ErrorSchema, "A request body was sent"),
      },
    }),
    (c) => {
      deleteCookie(c, SESSION_COOKIE, { path: "/", secure, sameSite: "Strict", httpOnly: true });
      return c.body(null, 204);
    },
  );

  return r;
}

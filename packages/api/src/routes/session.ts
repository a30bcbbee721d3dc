/**
 * The web page's login: the editor types the token once and gets an HttpOnly, SameSite=Strict
 * session cookie (an HMAC of an expiry, never the token: middleware/auth). These routes check the
 * token themselves, so they sit before the /api auth middleware. Sign-in is only taken from our
 * own origin (middleware/same-origin), so another page cannot sign the editor's browser into a
 * session; sign-out with the cookie is guarded by app.ts like every other change.
 */
import { createRoute, z } from "@hono/zod-openapi";
import type { Ctx } from "@wkn/core/context";
import { deleteCookie, setCookie } from "hono/cookie";
import { errorBody } from "../errors.js";
import { issueSession, SESSION_COOKIE, SESSION_TTL_SECONDS, tokenMatches } from "../middleware/auth/index.js";
import { noBody } from "../middleware/no-body/index.js";
import { sameOrigin } from "../middleware/same-origin/index.js";
import { createRouter } from "../router.js";
import { ErrorSchema, errors, json } from "../schemas/common.js";

const LoginSchema = z.object({ token: z.string().min(1).max(500) }).openapi("Login");

export function sessionRoutes(ctx: Ctx) {
  const r = createRouter();
  const secure = ctx.config.publicBaseUrl.startsWith("https:");

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

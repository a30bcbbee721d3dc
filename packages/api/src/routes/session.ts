/**
 * The web page's login: the editor types the token once and gets an HttpOnly, SameSite=Strict
 * session cookie (an HMAC of an expiry, never the token: middleware/auth). These routes check the
 * token themselves, so they sit before the /api auth middleware.
 */
import { createRoute, z } from "@hono/zod-openapi";
import type { Ctx } from "@wkn/core/context";
import { deleteCookie, setCookie } from "hono/cookie";
import { errorBody } from "../errors.js";
import { issueSession, SESSION_COOKIE, SESSION_TTL_SECONDS, tokenMatches } from "../middleware/auth/index.js";
import { createRouter } from "../router.js";
import { errors, json } from "../schemas/common.js";

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
      request: { body: { content: { "application/json": { schema: LoginSchema } }, required: true } },
      responses: {
        204: { description: "Signed in: the session cookie is set" },
        400: errors[400],
        401: errors[401],
        403: json(errors[401].content["application/json"].schema, "A cross-site login attempt"),
      },
    }),
    async (c) => {
      // Login CSRF: another site must not sign the editor's browser into a session of its choosing.
      if (c.req.header("sec-fetch-site") === "cross-site") {
        return c.json(errorBody("forbidden", "cross-site login refused"), 403);
      }
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
      responses: { 204: { description: "Signed out" } },
    }),
    (c) => {
      deleteCookie(c, SESSION_COOKIE, { path: "/", secure, sameSite: "Strict", httpOnly: true });
      return c.body(null, 204);
    },
  );

  return r;
}

/**
 * Sending an issue (issue #6): `POST /issues/{id}/send` starts the send (202, once; 409 after),
 * `POST /issues/{id}/test` mails a marked test copy to up to ten addresses, touching no delivery.
 */
import { createRoute } from "@hono/zod-openapi";
import type { Ctx } from "@wkn/core/context";
import { parseIssueId } from "@wkn/core/issues";
import { startSend } from "@wkn/core/mail/send";
import { sendTestCopy } from "@wkn/core/mail/test-copy";
import { createRouter } from "../router.js";
import { ErrorSchema, errors, IdParam, json } from "../schemas/common.js";
import { IssueSchema } from "../schemas/issues.js";
import { TestCopyRequestSchema, TestCopyResultSchema } from "../schemas/send.js";

export function sendRoutes(ctx: Ctx) {
  const r = createRouter();

  r.openapi(
    createRoute({
      method: "post",
      path: "/issues/{id}/send",
      tags: ["issues"],
      summary: "Send the issue to every confirmed subscriber",
      request: { params: IdParam },
      responses: {
        202: json(IssueSchema, "Sending started: the issue, now in status sending"),
        400: errors[400],
        401: errors[401],
        404: errors[404],
        409: errors[409],
      },
    }),
    async (c) => c.json(await startSend(ctx, parseIssueId(c.req.valid("param").id)), 202),
  );

  r.openapi(
    createRoute({
      method: "post",
      path: "/issues/{id}/test",
      tags: ["issues"],
      summary: "Send a test copy, marked [TEST], to the given addresses",
      request: {
        params: IdParam,
        body: { content: { "application/json": { schema: TestCopyRequestSchema } }, required: true },
      },
      responses: {
        200: json(TestCopyResultSchema, "What was sent"),
        400: errors[400],
        401: errors[401],
        404: errors[404],
        502: json(ErrorSchema, "SES could not be reached or refused the account"),
      },
    }),
    async (c) => {
      const n = parseIssueId(c.req.valid("param").id);
      return c.json(await sendTestCopy(ctx, n, c.req.valid("json").to), 200);
    },
  );

  return r;
}

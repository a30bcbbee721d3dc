/**
 * Sending an issue: `POST /issues/{id}/send` starts the send (202, once; 409 after),
 * `POST /issues/{id}/test` mails a marked test copy to up to ten addresses, touching no delivery,
 * `POST /issues/{id}/resume` continues a paused or stuck send, `POST /issues/{id}/resend-ambiguous`
 * sends again to the recipients whose first message may or may not have gone out.
 */
import { createRoute } from "@hono/zod-openapi";
import type { Ctx } from "@wkn/core/context";
import { parseIssueId } from "@wkn/core/issues";
import { resendAmbiguous, resumeSend, startSend } from "@wkn/core/mail/send";
import { sendTestCopy } from "@wkn/core/mail/test-copy";
import { createRouter } from "../router.js";
import { ErrorSchema, errors, IdParam, json } from "../schemas/common.js";
import { IssueSchema } from "../schemas/issues.js";
import {
  ResendRequestSchema,
  ResendResultSchema,
  SendRequestSchema,
  TestCopyRequestSchema,
  TestCopyResultSchema,
} from "../schemas/send.js";

export function sendRoutes(ctx: Ctx) {
  const r = createRouter();

  r.openapi(
    createRoute({
      method: "post",
      path: "/issues/{id}/send",
      tags: ["issues"],
      summary: "Send the issue to every confirmed subscriber",
      description:
        'Checks every link of the issue first (HEAD, then GET; cached for an hour) and refuses with 409 dead_links when one is dead (404/410, the host does not resolve) or redirects to another site, naming each in error.details, unless the body is {"ignoreDeadLinks": true}. Timeouts and 5xx are reported in linkReport, never counted as dead.',
      request: {
        params: IdParam,
        body: { content: { "application/json": { schema: SendRequestSchema } }, required: false },
      },
      responses: {
        202: json(IssueSchema, "Sending started: the issue, now in status sending"),
        400: errors[400],
        401: errors[401],
        404: errors[404],
        409: json(ErrorSchema, "Not a draft (conflict), or dead links (dead_links, each named in details)"),
      },
    }),
    async (c) => {
      const n = parseIssueId(c.req.valid("param").id);
      const ignoreDeadLinks = c.req.valid("json")?.ignoreDeadLinks === true;
      return c.json(await startSend(ctx, n, { links: { ignoreDeadLinks } }), 202);
    },
  );

  r.openapi(
    createRoute({
      method: "post",
      path: "/issues/{id}/resume",
      tags: ["issues"],
      summary: "Continue a paused send (after fixing its reason) or a send that is stuck",
      request: { params: IdParam },
      responses: {
        202: json(IssueSchema, "A send job is queued: the issue, in status sending"),
        401: errors[401],
        404: errors[404],
        409: errors[409],
      },
    }),
    async (c) => c.json(await resumeSend(ctx, parseIssueId(c.req.valid("param").id)), 202),
  );

  r.openapi(
    createRoute({
      method: "post",
      path: "/issues/{id}/resend-ambiguous",
      tags: ["issues"],
      summary: "Send again to the recipients whose delivery is ambiguous (they may get a second copy)",
      request: {
        params: IdParam,
        body: { content: { "application/json": { schema: ResendRequestSchema } }, required: true },
      },
      responses: {
        202: json(ResendResultSchema, "Who is sent the issue again, and the warning"),
        400: errors[400],
        401: errors[401],
        404: errors[404],
        409: errors[409],
      },
    }),
    async (c) => {
      const n = parseIssueId(c.req.valid("param").id);
      return c.json(await resendAmbiguous(ctx, n, c.req.valid("json").confirm), 202);
    },
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

import { createRoute, z } from "@hono/zod-openapi";
import type { Ctx } from "@wkn/core/context";
import {
  createDraft,
  deleteDraft,
  issueWithLinkReport,
  listIssues,
  parseIssueId,
  patchDraft,
  previewIssue,
  updateDraft,
} from "@wkn/core/issues";
import { createRouter } from "../router.js";
import { errors, IdParam, json } from "../schemas/common.js";
import {
  IssueDraftSchema,
  IssueListSchema,
  IssuePatchSchema,
  IssueSchema,
  NewIssueSchema,
} from "../schemas/issues.js";

/**
 * Headers of an HTML document the editor's page shows in an iframe (an issue's preview, a
 * message of the local outbox): framed by our own origin only, and sandboxed, so nothing in it
 * runs (no script, no form, no plugin), it loads nothing but images, and its links lead nowhere
 * from our origin. They win over the app's secure-header defaults (app.ts: `overwrite: false`).
 */
export const FRAMED_HTML_HEADERS = {
  "Content-Security-Policy":
    "sandbox; default-src 'none'; img-src https: http: data:; style-src 'unsafe-inline'; frame-ancestors 'self'",
  "X-Frame-Options": "SAMEORIGIN",
  "Cache-Control": "no-store",
} as const;

const body = <T extends z.ZodType>(schema: T, required = true) => ({
  body: { content: { "application/json": { schema } }, required },
});

/** /api/issues*: drafts and preview (issue #5); `POST /issues/{id}/send` and `/test` belong here too (issue #6). */
export function issuesRoutes(ctx: Ctx) {
  const r = createRouter();

  r.openapi(
    createRoute({
      method: "get",
      path: "/issues",
      tags: ["issues"],
      responses: { 200: json(IssueListSchema, "Every issue, newest first"), 401: errors[401] },
    }),
    async (c) => c.json({ issues: await listIssues(ctx) }, 200),
  );

  r.openapi(
    createRoute({
      method: "post",
      path: "/issues",
      tags: ["issues"],
      request: body(NewIssueSchema, false),
      responses: {
        201: json(IssueSchema, "A new draft with the next number (sections filled with fromSelected)"),
        400: errors[400],
        401: errors[401],
      },
    }),
    async (c) => c.json(await createDraft(ctx, c.req.valid("json") ?? {}), 201),
  );

  r.openapi(
    createRoute({
      method: "get",
      path: "/issues/{id}",
      tags: ["issues"],
      request: { params: IdParam },
      responses: {
        200: json(IssueSchema, "The issue with its delivery counts and its linkReport"),
        401: errors[401],
        404: errors[404],
      },
    }),
    async (c) => c.json(await issueWithLinkReport(ctx, parseIssueId(c.req.valid("param").id)), 200),
  );

  r.openapi(
    createRoute({
      method: "put",
      path: "/issues/{id}",
      tags: ["issues"],
      request: { params: IdParam, ...body(IssueDraftSchema) },
      responses: {
        200: json(IssueSchema, "The updated draft"),
        400: errors[400],
        401: errors[401],
        404: errors[404],
        409: errors[409],
      },
    }),
    async (c) =>
      c.json(await updateDraft(ctx, parseIssueId(c.req.valid("param").id), c.req.valid("json")), 200),
  );

  r.openapi(
    createRoute({
      method: "patch",
      path: "/issues/{id}",
      tags: ["issues"],
      description:
        "Changes only the fields given (title, subject, intro, sections) of a draft; the others keep their value. Edits of different fields made at once both stay.",
      request: { params: IdParam, ...body(IssuePatchSchema) },
      responses: {
        200: json(IssueSchema, "The updated draft"),
        400: errors[400],
        401: errors[401],
        404: errors[404],
        409: errors[409],
      },
    }),
    async (c) =>
      c.json(await patchDraft(ctx, parseIssueId(c.req.valid("param").id), c.req.valid("json")), 200),
  );

  r.openapi(
    createRoute({
      method: "delete",
      path: "/issues/{id}",
      tags: ["issues"],
      description:
        "Deletes a draft (its items keep their status). Its number is given back if no newer draft was numbered since; a sent issue's number is never reused.",
      request: { params: IdParam },
      responses: {
        204: { description: "Deleted" },
        401: errors[401],
        404: errors[404],
        409: errors[409],
      },
    }),
    async (c) => {
      await deleteDraft(ctx, parseIssueId(c.req.valid("param").id));
      return c.body(null, 204);
    },
  );

  r.openapi(
    createRoute({
      method: "get",
      path: "/issues/{id}/preview",
      tags: ["issues"],
      request: { params: IdParam },
      responses: {
        200: {
          content: { "text/html": { schema: z.string() } },
          description:
            "The email HTML as a subscriber gets it, sandboxed and frameable by our own origin only; a draft's links are checked first (cached for an hour) and the dead, moved off-site or uncheckable ones are shown in a banner and next to their items",
        },
        400: errors[400],
        401: errors[401],
        404: errors[404],
      },
    }),
    async (c) =>
      c.html(await previewIssue(ctx, parseIssueId(c.req.valid("param").id)), 200, FRAMED_HTML_HEADERS),
  );

  return r;
}

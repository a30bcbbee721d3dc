import { createRoute, z } from "@hono/zod-openapi";
import type { Ctx } from "@wkn/core/context";
import { createDraft, getIssue, listIssues, parseIssueId, previewIssue, updateDraft } from "@wkn/core/issues";
import { createRouter } from "../router.js";
import { errors, IdParam, json } from "../schemas/common.js";
import { IssueDraftSchema, IssueListSchema, IssueSchema, NewIssueSchema } from "../schemas/issues.js";

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
        201: json(IssueSchema, "A new draft with the next number"),
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
        200: json(IssueSchema, "The issue with its delivery counts"),
        401: errors[401],
        404: errors[404],
      },
    }),
    async (c) => c.json(await getIssue(ctx, parseIssueId(c.req.valid("param").id)), 200),
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
      method: "get",
      path: "/issues/{id}/preview",
      tags: ["issues"],
      request: { params: IdParam },
      responses: {
        200: {
          content: { "text/html": { schema: z.string() } },
          description: "The email HTML as a subscriber gets it",
        },
        401: errors[401],
        404: errors[404],
      },
    }),
    async (c) => c.html(await previewIssue(ctx, parseIssueId(c.req.valid("param").id)), 200),
  );

  return r;
}

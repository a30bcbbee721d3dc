import { createRoute, z } from "@hono/zod-openapi";
import type { Ctx } from "@wkn/core/context";
import { ValidationError } from "@wkn/core/errors";
import { exportSubscribers, importSubscribers } from "@wkn/core/subscribers/csv";
import {
  addSubscriber,
  countSubscribers,
  listSubscribers,
  removeSubscriber,
} from "@wkn/core/subscribers/manage";
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { createRouter } from "../router.js";
import { ErrorSchema, errors, IdParam, json } from "../schemas/common.js";
import {
  ImportResultSchema,
  NewSubscriberSchema,
  SubscriberCountsSchema,
  SubscriberListQuerySchema,
  SubscriberListSchema,
  SubscriberSchema,
} from "../schemas/subscribers.js";

/**
 * The CSV of an import: a text/csv body, or the file of a multipart form; anything else is a 415
 * (a form or text/plain post is what another site can make a browser send).
 */
async function csvBody(c: Context): Promise<string> {
  const type = (c.req.header("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  let text: string;
  if (type === "multipart/form-data") {
    const form = await c.req.parseBody();
    const file = form.file ?? Object.values(form).find((v) => v instanceof File);
    if (file instanceof File) text = await file.text();
    else if (typeof file === "string") text = file;
    else throw new ValidationError("file", "the form has no CSV file (field `file`)");
  } else if (type === "text/csv") {
    text = await c.req.text();
  } else {
    throw new HTTPException(415, {
      message: `send the CSV as text/csv, or as the \`file\` field of a multipart/form-data form (got ${type || "no content type"})`,
    });
  }
  if (text.trim() === "") throw new ValidationError("body", "the CSV is empty");
  return text;
}

/** /api/subscribers* (DESIGN.md "HTTP contract"); behind the editor token. */
export function subscribersRoutes(ctx: Ctx) {
  const r = createRouter();

  r.openapi(
    createRoute({
      method: "get",
      path: "/subscribers",
      tags: ["subscribers"],
      description:
        "Subscribers in one status (default `active`), newest first; `q` keeps the addresses containing it (any case).",
      request: { query: SubscriberListQuerySchema },
      responses: { 200: json(SubscriberListSchema, "One page"), 400: errors[400], 401: errors[401] },
    }),
    async (c) => c.json(await listSubscribers(ctx, c.req.valid("query")), 200),
  );

  r.openapi(
    createRoute({
      method: "get",
      path: "/subscribers/counts",
      tags: ["subscribers"],
      description:
        "How many subscribers each status holds (`active`: who a send goes to). One Select: COUNT query per status partition, never a scan.",
      responses: { 200: json(SubscriberCountsSchema, "The counts by status"), 401: errors[401] },
    }),
    async (c) => c.json({ counts: await countSubscribers(ctx) }, 200),
  );

  r.openapi(
    createRoute({
      method: "post",
      path: "/subscribers",
      tags: ["subscribers"],
      description: "Adds an address as active: the editor vouches, no opt-in mail.",
      request: { body: { content: { "application/json": { schema: NewSubscriberSchema } }, required: true } },
      responses: {
        201: json(SubscriberSchema, "Added"),
        400: errors[400],
        401: errors[401],
        409: errors[409],
      },
    }),
    async (c) => c.json(await addSubscriber(ctx, c.req.valid("json").email), 201),
  );

  r.openapi(
    createRoute({
      method: "post",
      path: "/subscribers/import",
      tags: ["subscribers"],
      description:
        "CSV with a column headed email / e-mail / mail, or the addresses in the first column. " +
        "Raw text/csv body, or a multipart/form-data form with a `file` field (any other content " +
        "type: 415). Known addresses are skipped, never re-subscribed.",
      request: {
        body: {
          content: {
            "text/csv": { schema: z.string() },
            // A plain schema, not zod: the file is read by csvBody, not by a form validator.
            "multipart/form-data": {
              schema: { type: "object", properties: { file: { type: "string", format: "binary" } } },
            },
          },
          required: true,
        },
      },
      responses: {
        200: json(ImportResultSchema, "What was imported"),
        400: errors[400],
        401: errors[401],
        415: json(ErrorSchema, "Not text/csv or multipart/form-data"),
      },
    }),
    async (c) => c.json(await importSubscribers(ctx, await csvBody(c)), 200),
  );

  r.openapi(
    createRoute({
      method: "get",
      path: "/subscribers/export",
      tags: ["subscribers"],
      description: "Every subscriber with status and dates, as CSV.",
      responses: {
        200: { content: { "text/csv": { schema: z.string() } }, description: "The CSV file" },
        401: errors[401],
      },
    }),
    async (c) => {
      const chunks = exportSubscribers(ctx);
      const encoder = new TextEncoder();
      const body = new ReadableStream<Uint8Array>({
        async pull(controller) {
          const next = await chunks.next();
          if (next.done) controller.close();
          else controller.enqueue(encoder.encode(next.value));
        },
        async cancel() {
          await chunks.return(undefined);
        },
      });
      const day = ctx.now().toISOString().slice(0, 10);
      return c.body(body, 200, {
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": `attachment; filename="subscribers-${day}.csv"`,
        "Cache-Control": "no-store",
      });
    },
  );

  r.openapi(
    createRoute({
      method: "delete",
      path: "/subscribers/{id}",
      tags: ["subscribers"],
      request: { params: IdParam },
      responses: {
        204: { description: "Removed" },
        401: errors[401],
        404: errors[404],
        409: errors[409],
      },
    }),
    async (c) => {
      await removeSubscriber(ctx, c.req.valid("param").id);
      return c.body(null, 204);
    },
  );

  return r;
}

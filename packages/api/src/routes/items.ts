import { createRoute, type z } from "@hono/zod-openapi";
import type { Ctx } from "@wkn/core/context";
import { editItem } from "@wkn/core/items/edit";
import { countItems, getItem, listItems } from "@wkn/core/items/list";
import { createRouter } from "../router.js";
import { errors, IdParam, json } from "../schemas/common.js";
import {
  ItemCountQuerySchema,
  ItemCountsSchema,
  ItemListQuerySchema,
  ItemListSchema,
  ItemPatchSchema,
  ItemSchema,
} from "../schemas/items.js";

/** An item as the API shows it: the longer text kept for search (`fullText`, up to 2,000 characters) stays inside. */
const publicItem = <T extends { fullText?: unknown }>({ fullText: _, ...item }: T) => item;

const body = <T extends z.ZodType>(schema: T) => ({
  body: { content: { "application/json": { schema } }, required: true },
});

export function itemsRoutes(ctx: Ctx) {
  const r = createRouter();

  r.openapi(
    createRoute({
      method: "get",
      path: "/items",
      tags: ["items"],
      summary: "Candidates, newest first, filtered by status, source, kind, date range and text",
      request: { query: ItemListQuerySchema },
      responses: { 200: json(ItemListSchema, "One page, newest first"), 400: errors[400], 401: errors[401] },
    }),
    async (c) => {
      const page = await listItems(ctx, c.req.valid("query"));
      return c.json({ ...page, items: page.items.map(publicItem) }, 200);
    },
  );

  // Before /items/{id}, which would take "counts" for an id.
  r.openapi(
    createRoute({
      method: "get",
      path: "/items/counts",
      tags: ["items"],
      summary: "How many items each status holds under the filters of GET /api/items",
      description:
        "One Select: COUNT query per status (never a scan); it reads every entry it counts, so its cost grows with the partition: with no filter or only kind on the ranked index (small entries), else on the listing's index (a text filter does not make it cheaper).",
      request: { query: ItemCountQuerySchema },
      responses: {
        200: json(ItemCountsSchema, "The counts by status"),
        400: errors[400],
        401: errors[401],
      },
    }),
    async (c) => c.json({ counts: await countItems(ctx, c.req.valid("query")) }, 200),
  );

  r.openapi(
    createRoute({
      method: "get",
      path: "/items/{id}",
      tags: ["items"],
      request: { params: IdParam },
      responses: { 200: json(ItemSchema, "The item"), 401: errors[401], 404: errors[404] },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      return c.json(publicItem(await getItem(ctx, id)), 200);
    },
  );

  r.openapi(
    createRoute({
      method: "patch",
      path: "/items/{id}",
      tags: ["items"],
      summary: "Set status, comment, section, or override title, description, image",
      request: { params: IdParam, ...body(ItemPatchSchema) },
      responses: {
        200: json(ItemSchema, "The updated item"),
        400: errors[400],
        401: errors[401],
        404: errors[404],
        409: errors[409],
      },
    }),
    async (c) => c.json(publicItem(await editItem(ctx, c.req.valid("param").id, c.req.valid("json"))), 200),
  );

  return r;
}

import { createRoute } from "@hono/zod-openapi";
import type { Ctx } from "@wkn/core/context";
import { NotFoundError } from "@wkn/core/errors";
import { createRouter } from "../router.js";
import { errors, IdParam, json } from "../schemas/common.js";
import { ItemListQuerySchema, ItemListSchema, ItemSchema } from "../schemas/items.js";

export function itemsRoutes(ctx: Ctx) {
  const r = createRouter();

  r.openapi(
    createRoute({
      method: "get",
      path: "/items",
      tags: ["items"],
      request: { query: ItemListQuerySchema },
      responses: { 200: json(ItemListSchema, "One page, newest first"), 400: errors[400], 401: errors[401] },
    }),
    async (c) => {
      const q = c.req.valid("query");
      return c.json(await ctx.store.items.list({ status: q.status, limit: q.limit, cursor: q.cursor }), 200);
    },
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
      const item = await ctx.store.items.get(id);
      if (!item) throw new NotFoundError("item", id);
      return c.json(item, 200);
    },
  );

  return r;
}

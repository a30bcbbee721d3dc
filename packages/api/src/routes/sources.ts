import { createRoute, z } from "@hono/zod-openapi";
import type { Ctx } from "@wkn/core/context";
import { createSource, deleteSource, getSource, listSources, updateSource } from "@wkn/core/sources/manage";
import { createRouter } from "../router.js";
import { errors, IdParam, json } from "../schemas/common.js";
import { NewSourceSchema, SourcePatchSchema, SourceSchema } from "../schemas/sources.js";

const body = <T extends z.ZodType>(schema: T) => ({
  body: { content: { "application/json": { schema } }, required: true },
});

export function sourcesRoutes(ctx: Ctx) {
  const r = createRouter();

  r.openapi(
    createRoute({
      method: "get",
      path: "/sources",
      tags: ["sources"],
      responses: {
        200: json(z.object({ sources: z.array(SourceSchema) }), "Every source"),
        401: errors[401],
      },
    }),
    async (c) => c.json({ sources: await listSources(ctx) }, 200),
  );

  r.openapi(
    createRoute({
      method: "post",
      path: "/sources",
      tags: ["sources"],
      request: body(NewSourceSchema),
      responses: { 201: json(SourceSchema, "Created"), 400: errors[400], 401: errors[401], 409: errors[409] },
    }),
    async (c) => c.json(await createSource(ctx, c.req.valid("json")), 201),
  );

  r.openapi(
    createRoute({
      method: "get",
      path: "/sources/{id}",
      tags: ["sources"],
      request: { params: IdParam },
      responses: { 200: json(SourceSchema, "The source"), 401: errors[401], 404: errors[404] },
    }),
    async (c) => c.json(await getSource(ctx, c.req.valid("param").id), 200),
  );

  r.openapi(
    createRoute({
      method: "patch",
      path: "/sources/{id}",
      tags: ["sources"],
      request: { params: IdParam, ...body(SourcePatchSchema) },
      responses: {
        200: json(SourceSchema, "Updated"),
        400: errors[400],
        401: errors[401],
        404: errors[404],
        409: errors[409],
      },
    }),
    async (c) => c.json(await updateSource(ctx, c.req.valid("param").id, c.req.valid("json")), 200),
  );

  r.openapi(
    createRoute({
      method: "delete",
      path: "/sources/{id}",
      tags: ["sources"],
      request: { params: IdParam },
      responses: { 204: { description: "Removed (its items stay)" }, 401: errors[401], 404: errors[404] },
    }),
    async (c) => {
      await deleteSource(ctx, c.req.valid("param").id);
      return c.body(null, 204);
    },
  );

  return r;
}

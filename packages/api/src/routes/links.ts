/**
 * `POST /items`: a link added by hand, unfurled before answering. Its own module, loaded on the
 * first such request (lazy.ts): unfurling brings the guarded fetcher, charset detection and the
 * HTML parser, which listing and editing items never need.
 */
import { createRoute, z } from "@hono/zod-openapi";
import type { Ctx } from "@wkn/core/context";
import { MAX_COMMENT_LENGTH, MAX_SECTION_LENGTH } from "@wkn/core/items/edit";
import { addLink } from "@wkn/core/items/manual";
import { MAX_URL_LENGTH } from "@wkn/core/url/check";
import { createRouter } from "../router.js";
import { errors, json } from "../schemas/common.js";
import { ItemSchema } from "../schemas/items.js";
import { line, text } from "../schemas/text.js";

export const NewLinkSchema = z
  .object({
    url: z.string().min(1).max(MAX_URL_LENGTH).openapi({ example: "https://example.com/post" }),
    comment: text(MAX_COMMENT_LENGTH).nullable().optional(),
    section: line(MAX_SECTION_LENGTH).nullable().optional(),
  })
  .strict()
  .openapi("NewLink");

/** As items.ts shows an item: the longer text kept for search stays inside. */
const publicItem = <T extends { fullText?: unknown }>({ fullText: _, ...item }: T) => item;

const body = <T extends z.ZodType>(schema: T) => ({
  body: { content: { "application/json": { schema } }, required: true },
});

export function linksRoutes(ctx: Ctx) {
  const r = createRouter();

  r.openapi(
    createRoute({
      method: "post",
      path: "/items",
      tags: ["items"],
      summary: "Add a link by hand; unfurled before answering",
      request: body(NewLinkSchema),
      responses: {
        201: json(ItemSchema, "A new item (status selected, kind link)"),
        200: json(ItemSchema, "The canonical URL was already an item: that item"),
        400: errors[400],
        401: errors[401],
        409: errors[409],
      },
    }),
    async (c) => {
      const { item, created } = await addLink(ctx, c.req.valid("json"));
      return created ? c.json(publicItem(item), 201) : c.json(publicItem(item), 200);
    },
  );

  return r;
}

import { z } from "@hono/zod-openapi";
import { isoTime } from "./common.js";

export const ItemStatusSchema = z.enum(["new", "selected", "rejected", "used"]);
export const ItemKindSchema = z.enum(["article", "release", "competition", "link"]);

export const ItemSchema = z
  .object({
    id: z.string(),
    url: z.string(),
    canonicalUrl: z.string(),
    title: z.string(),
    description: z.string().nullable(),
    imageUrl: z.string().nullable(),
    siteName: z.string().nullable(),
    domain: z.string(),
    kind: ItemKindSchema,
    sourceIds: z.array(z.string()),
    author: z.string().nullable(),
    publishedAt: isoTime.nullable(),
    discoveredAt: isoTime,
    status: ItemStatusSchema,
    comment: z.string().nullable(),
    section: z.string().nullable(),
    prerelease: z.boolean().optional(),
    tag: z.string().optional(),
    deadline: isoTime.nullable().optional(),
    reward: z.string().nullable().optional(),
    category: z.string().nullable().optional(),
    unfurledAt: isoTime.nullable().optional(),
    unfurlError: z.string().nullable().optional(),
  })
  .openapi("Item");

export const ItemListQuerySchema = z.object({
  status: ItemStatusSchema.default("new"),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().max(2000).optional(),
});

export const ItemListSchema = z.object({ items: z.array(ItemSchema), nextCursor: z.string().nullable() }).openapi("ItemList");

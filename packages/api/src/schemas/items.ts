import { z } from "@hono/zod-openapi";
import {
  MAX_COMMENT_LENGTH,
  MAX_DESCRIPTION_LENGTH,
  MAX_SECTION_LENGTH,
  MAX_TITLE_LENGTH,
} from "@wkn/core/items/edit";
import { DEFAULT_LIST_LIMIT, MAX_LIST_LIMIT, MAX_QUERY_LENGTH } from "@wkn/core/items/list";
import { MAX_URL_LENGTH } from "@wkn/core/url/check";
import { isoTime } from "./common.js";
import { line, text } from "./text.js";

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
    selectedAt: isoTime.nullable().optional().openapi({
      description:
        "When it was last made selected (absent unless selected, and on items selected before it was recorded)",
    }),
    prerelease: z.boolean().optional(),
    tag: z.string().optional(),
    deadline: isoTime.nullable().optional(),
    reward: z.string().nullable().optional(),
    category: z.string().nullable().optional(),
    platform: z.string().nullable().optional().openapi({
      description:
        'Competitions: the host platform ("Kaggle", "Zindi", "Codabench", "AIcrowd", "CodaLab", "DrivenData", …)',
    }),
    organiser: z.string().nullable().optional().openapi({ description: "Competitions: who runs it" }),
    startsAt: isoTime.nullable().optional().openapi({ description: "Competitions: when it opened" }),
    rewardAmount: z.number().nullable().optional().openapi({
      description: "Competitions: the prize as a number, when reward names an amount and a currency",
    }),
    rewardCurrency: z
      .string()
      .nullable()
      .optional()
      .openapi({ description: "ISO 4217 code of rewardAmount" }),
    tags: z.array(z.string()).optional().openapi({ description: "Competitions: the platform's tags" }),
    open: z.boolean().nullable().optional().openapi({
      description: "Competitions: open for entries when last read (null: the platform does not say)",
    }),
    reminder: z
      .object({
        deadline: isoTime,
        deadlineInDays: z.number().int(),
        at: isoTime,
      })
      .nullable()
      .optional()
      .openapi({
        description:
          "A competition sent in an earlier issue, back among the candidates because its deadline is near: the deadline, the days left then, and when (once per deadline)",
      }),
    unfurledAt: isoTime.nullable().optional(),
    unfurlError: z.string().nullable().optional(),
    descriptionSource: z.enum(["feed", "page", "editor"]).nullable().optional().openapi({
      description:
        "Where description came from: the feed's summary or the page's og:description (both cut to about 160 characters), or the editor (as written, never replaced)",
    }),
    thumbnail: z.string().nullable().optional().openapi({
      description:
        "Our hosted 280×280 JPEG of imageUrl, served at /media/{thumbnail}: the only picture readers get",
    }),
    thumbnailAt: isoTime.nullable().optional().openapi({ description: "When hosting the picture was tried" }),
    thumbnailError: z.string().nullable().optional().openapi({
      description: "Why the item has no hosted picture (fetch failed, not an image, too large, SVG, ...)",
    }),
    score: z.number().optional().openapi({
      description:
        "The ranking of sort=score: the sum of scoreParts (absent on items stored before ranking existed)",
    }),
    scoreParts: z
      .object({
        recency: z.number().openapi({ description: "One point per week of publication date since 2020" }),
        mentions: z.number().openapi({ description: "log2 of the number of sources linking the URL" }),
        source: z.number().openapi({
          description:
            "Learned from sent issues: how often the editor picked its best source's items (-2..2, 0 new)",
        }),
        editor: z.number().openapi({ description: "The weight the editor set on its best source (-3..3)" }),
        deadline: z.number().openapi({
          description: "Competitions: up to +2 as the deadline comes within 14 days, -2 once it has passed",
        }),
      })
      .optional()
      .openapi({ description: "Why the item scored as it did" }),
  })
  .openapi("Item");

const dateBound = (which: string) =>
  z
    .string()
    .max(40)
    .optional()
    .openapi({
      description: `${which} (inclusive) on the sort date (publishedAt, else discoveredAt): YYYY-MM-DD (the whole UTC day) or an ISO-8601 date-time`,
      example: "2024-05-01",
    });

export const ItemListQuerySchema = z.object({
  status: ItemStatusSchema.default("new").openapi({ description: "Default: new" }),
  sourceId: z.string().min(1).max(200).optional().openapi({ description: "Items found by this source" }),
  kind: ItemKindSchema.optional(),
  sort: z.enum(["date", "score", "deadline"]).optional().openapi({
    description:
      "date (default): newest first; score: highest score first; deadline: soonest deadline first (competitions). score and deadline cannot be combined with sourceId (400)",
  }),
  open: z
    .enum(["true", "false"])
    .optional()
    .transform((v) => (v === undefined ? undefined : v === "true"))
    .openapi({
      type: "string",
      enum: ["true", "false"],
      description:
        "true: only items whose deadline has not passed (open competitions), soonest deadline first unless sort=score",
    }),
  from: dateBound("Lower bound"),
  to: dateBound("Upper bound"),
  q: z.string().max(MAX_QUERY_LENGTH).optional().openapi({
    description:
      "Free text: every whitespace-separated term must occur in title, description or domain (case- and width-insensitive, NFKC). A page may hold fewer matches than limit while nextCursor continues the search.",
  }),
  limit: z.coerce.number().int().min(1).max(MAX_LIST_LIMIT).default(DEFAULT_LIST_LIMIT),
  cursor: z
    .string()
    .max(2000)
    .optional()
    .openapi({ description: "nextCursor of the previous page; valid only with the same filters" }),
});

/** The filters of GET /api/items, without status and paging: what a count applies. */
export const ItemCountQuerySchema = ItemListQuerySchema.pick({
  sourceId: true,
  kind: true,
  open: true,
  from: true,
  to: true,
  q: true,
});

export const ItemCountsSchema = z
  .object({
    counts: z.object({
      new: z.number().int(),
      selected: z.number().int(),
      rejected: z.number().int(),
      used: z.number().int(),
    }),
  })
  .openapi("ItemCounts");

/** PATCH body: every field optional; null clears comment, section, description, imageUrl. */
export const ItemPatchSchema = z
  .object({
    status: ItemStatusSchema.optional().openapi({
      description:
        'new, selected or rejected; "used" is set by sending an issue (400); a used item keeps its status (409)',
    }),
    comment: text(MAX_COMMENT_LENGTH)
      .nullable()
      .optional()
      .openapi({ description: "Plain text or a small markdown subset" }),
    section: line(MAX_SECTION_LENGTH).nullable().optional(),
    title: line(MAX_TITLE_LENGTH).min(1).optional(),
    description: text(MAX_DESCRIPTION_LENGTH).nullable().optional(),
    imageUrl: z.string().max(MAX_URL_LENGTH).nullable().optional().openapi({ description: "http(s) URL" }),
  })
  .strict()
  .openapi("ItemPatch");

export const ItemListSchema = z
  .object({ items: z.array(ItemSchema), nextCursor: z.string().nullable() })
  .openapi("ItemList");

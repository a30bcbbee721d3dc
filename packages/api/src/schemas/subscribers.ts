import { z } from "@hono/zod-openapi";
import { MAX_ADDRESS_LENGTH } from "@wkn/core/subscribers/address";
import { MAX_SUBSCRIBER_QUERY_LENGTH } from "@wkn/core/subscribers/manage";
import { isoTime } from "./common.js";

export const SubscriberStatusSchema = z.enum(["pending", "active", "unsubscribed", "suppressed"]);

export const SubscriberSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    status: SubscriberStatusSchema,
    createdAt: isoTime,
    updatedAt: isoTime,
    confirmedAt: isoTime.nullable(),
    unsubscribedAt: isoTime.nullable(),
    suppressedAt: isoTime.nullable(),
    suppressedReason: z.string().nullable(),
    source: z.enum(["subscribe", "editor", "import", "feedback"]),
  })
  .openapi("Subscriber");

export const SubscriberListQuerySchema = z.object({
  /** Without a status the list shows the active subscribers (one index partition per status). */
  status: SubscriberStatusSchema.default("active"),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z.string().max(2000).optional(),
  q: z.string().max(MAX_SUBSCRIBER_QUERY_LENGTH).optional().openapi({
    description:
      "Part of the address (any case): only addresses containing it. A page may hold fewer matches than limit while nextCursor continues the search.",
  }),
});

export const SubscriberCountsSchema = z
  .object({
    counts: z.object({
      pending: z.number().int(),
      active: z.number().int().openapi({ description: "Who an issue is sent to" }),
      unsubscribed: z.number().int(),
      suppressed: z.number().int(),
    }),
  })
  .openapi("SubscriberCounts");

export const SubscriberListSchema = z
  .object({ subscribers: z.array(SubscriberSchema), nextCursor: z.string().nullable() })
  .openapi("SubscriberList");

/** The address is checked and normalised by core (400 on field `email` with the reason). */
export const NewSubscriberSchema = z
  .object({ email: z.string().max(MAX_ADDRESS_LENGTH) })
  .openapi("NewSubscriber");

export const ImportResultSchema = z
  .object({
    imported: z.number().int(),
    skipped: z.number().int(),
    invalid: z.array(z.object({ row: z.number().int(), value: z.string(), reason: z.string() })),
    skippedBy: z.record(z.string(), z.number().int()),
  })
  .openapi("ImportResult");

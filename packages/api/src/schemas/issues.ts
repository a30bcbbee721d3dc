import { z } from "@hono/zod-openapi";
import { ISSUE_LIMITS } from "@wkn/core/issues";
import { isoTime } from "./common.js";
import { line, text } from "./text.js";

const itemId = z.string().min(1).max(64);

export const IssueSectionSchema = z
  .object({
    heading: line(ISSUE_LIMITS.heading).trim().min(1),
    body: text(ISSUE_LIMITS.body).optional(),
    itemIds: z.array(itemId).max(ISSUE_LIMITS.items),
  })
  .strict()
  .openapi("IssueSection");

export const DeliveryCountsSchema = z
  .object({
    total: z.number().int(),
    sent: z.number().int(),
    failed: z.number().int(),
    pending: z.number().int(),
    ambiguous: z.number().int().openapi({
      description:
        "Claimed by a sender that died (or got no answer) before SES answered: maybe sent, reported, sent again only through resend-ambiguous",
    }),
    paused: z
      .object({
        code: z.string().openapi({ example: "sender_not_verified" }),
        reason: z.string().openapi({ description: "What SES refused, in words, with what to do next" }),
        at: isoTime,
      })
      .nullable()
      .openapi({
        description: "Why the send is paused (status paused): a fault of the SES account or sender",
      }),
    lastError: z
      .object({ message: z.string(), at: isoTime })
      .nullable()
      .openapi({ description: "The last send run that failed; it is retried, and resumed every 15 minutes" }),
  })
  .openapi("DeliveryCounts");

export const LinkReportEntrySchema = z
  .object({
    url: z.string(),
    itemId: z
      .string()
      .nullable()
      .openapi({ description: "The item whose URL or comment holds it; null in the intro and section text" }),
    status: z.enum(["ok", "dead", "offsite", "error", "unchecked"]).openapi({
      description:
        "dead: 404/410 or the host does not resolve; offsite: redirects to another site (www. does not count); both stop a send. error: a timeout, a 5xx or another refusal, shown but never counted as dead. unchecked: no check within the hour",
    }),
    httpStatus: z.number().int().nullable(),
    reason: z.string().openapi({ description: "What was found, in words" }),
    finalUrl: z
      .string()
      .nullable()
      .openapi({ description: "Where the link ends up after redirects, when elsewhere" }),
    checkedAt: isoTime.nullable(),
  })
  .openapi("LinkReportEntry");

export const IssueSchema = z
  .object({
    id: z.string().openapi({ example: "72" }),
    number: z.number().int(),
    title: z.string(),
    subject: z.string(),
    intro: z.string(),
    status: z.enum(["draft", "sending", "paused", "sent"]),
    sections: z.array(IssueSectionSchema),
    createdAt: isoTime,
    updatedAt: isoTime,
    sentAt: isoTime.nullable(),
    delivery: DeliveryCountsSchema,
    linkReport: z.array(LinkReportEntrySchema).optional().openapi({
      description:
        "GET /api/issues/{id} only: each link (item URLs, links in the intro, section bodies and comments) as checked within the hour by a preview or a send",
    }),
  })
  .openapi("Issue");

export const IssueListSchema = z.object({ issues: z.array(IssueSchema) }).openapi("IssueList");

export const NewIssueSchema = z
  .object({
    title: line(ISSUE_LIMITS.title).optional(),
    intro: text(ISSUE_LIMITS.intro).optional(),
    fromSelected: z.boolean().optional().openapi({
      description:
        "true: the sections are filled from every selected item no other draft holds, grouped by the item's section (else a heading by kind), in the order they were selected; 400 naming fromSelected when there is none",
    }),
  })
  .strict()
  .openapi("NewIssue");

/** PUT replaces every editable field; a field left out returns to its default. */
export const IssueDraftSchema = z
  .object({
    title: line(ISSUE_LIMITS.title).optional(),
    subject: line(ISSUE_LIMITS.subject).optional(),
    intro: text(ISSUE_LIMITS.intro).optional(),
    sections: z.array(IssueSectionSchema).max(ISSUE_LIMITS.sections).optional(),
  })
  .strict()
  .openapi("IssueDraft");

/** PATCH changes only the fields it names; the others keep their value. */
export const IssuePatchSchema = z
  .object({
    title: line(ISSUE_LIMITS.title).optional().openapi({ description: "Empty: the default title" }),
    subject: line(ISSUE_LIMITS.subject).optional().openapi({ description: "Empty: the title" }),
    intro: text(ISSUE_LIMITS.intro).optional(),
    sections: z.array(IssueSectionSchema).max(ISSUE_LIMITS.sections).optional(),
  })
  .strict()
  .openapi("IssuePatch");

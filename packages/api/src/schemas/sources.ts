import { z } from "@hono/zod-openapi";
import { EDITOR_WEIGHT_MAX } from "@wkn/core/items/score";
import { COMPETITION_PLATFORMS } from "@wkn/core/model";
import { MAX_INTERVAL_MINUTES, MIN_INTERVAL_MINUTES, SOURCE_NAME_MAX } from "@wkn/core/sources/manage";
import { MAX_URL_LENGTH } from "@wkn/core/url/check";
import { isoTime } from "./common.js";
import { line } from "./text.js";

export const SourceSchema = z
  .object({
    id: z.string(),
    kind: z.enum(["feed", "github", "kaggle", "competitions"]),
    name: z.string(),
    url: z.string().optional(),
    repo: z.string().optional(),
    search: z.string().optional(),
    category: z.string().optional(),
    platform: z.enum(COMPETITION_PLATFORMS).optional().openapi({
      description: 'competitions: the platform whose listing url is (README "Competition platforms")',
    }),
    enabled: z.boolean(),
    intervalMinutes: z.number().int(),
    createdAt: isoTime,
    lastPolledAt: isoTime.nullable(),
    lastSuccessAt: isoTime.nullable(),
    nextPollAt: isoTime,
    consecutiveFailures: z.number().int(),
    lastError: z.string().nullable(),
    lastSkipped: z.number().int().optional(),
    lastWarning: z.string().nullable().optional().openapi({
      description:
        "What the last read of the document found wrong without failing (entries skipped, none read where it has items): count, reason and what to do; null when clean",
    }),
    nameSource: z.enum(["editor", "feed", "default"]).optional().openapi({
      description:
        "Who gave the name: the editor (never replaced by a poll), the feed's title, or the default from the address",
    }),
    movedFrom: z.string().nullable().optional().openapi({
      description: "The old URL, when a permanent redirect seen on two polls in a row moved this feed",
    }),
    movedAt: isoTime.nullable().optional(),
    rankWeight: z
      .number()
      .optional()
      .openapi({
        description: `The editor's weight for this source's items in sort=score (-${EDITOR_WEIGHT_MAX}..${EDITOR_WEIGHT_MAX}, default 0)`,
      }),
    history: z
      .object({
        used: z.number().int(),
        total: z.number().int(),
        learnedWeight: z.number(),
        at: isoTime,
      })
      .nullable()
      .optional()
      .openapi({
        description:
          "What sent issues say of this source: used of total candidates went into an issue, and the ranking weight learned from it (0: neutral). Updated at each send.",
      }),
  })
  .openapi("Source");

const common = {
  name: line(SOURCE_NAME_MAX).trim().min(1).optional(),
  intervalMinutes: z.number().int().min(MIN_INTERVAL_MINUTES).max(MAX_INTERVAL_MINUTES).optional(),
  enabled: z.boolean().optional(),
};

export const NewSourceSchema = z
  .discriminatedUnion("kind", [
    z.object({ kind: z.literal("feed"), url: z.string().min(1).max(MAX_URL_LENGTH), ...common }),
    z.object({ kind: z.literal("github"), repo: z.string().min(3).max(200), ...common }),
    z.object({
      kind: z.literal("kaggle"),
      search: line(200).optional(),
      category: line(100).optional(),
      ...common,
    }),
    z.object({
      kind: z.literal("competitions"),
      platform: z.enum(COMPETITION_PLATFORMS),
      url: z.string().min(1).max(MAX_URL_LENGTH).optional().openapi({
        description: "Another listing of the same shape; the platform's own by default",
      }),
      ...common,
    }),
  ])
  .openapi("NewSource");

export const SourcePatchSchema = z
  .object({
    name: common.name,
    enabled: common.enabled,
    intervalMinutes: common.intervalMinutes,
    url: z.string().min(1).max(MAX_URL_LENGTH).optional(),
    rankWeight: z
      .number()
      .min(-EDITOR_WEIGHT_MAX)
      .max(EDITOR_WEIGHT_MAX)
      .optional()
      .openapi({
        description: `Weight of this source's items in sort=score (-${EDITOR_WEIGHT_MAX}..${EDITOR_WEIGHT_MAX}; 0 neutral); its candidates are re-scored`,
      }),
  })
  .strict()
  .openapi("SourcePatch");

export const PollResultSchema = z
  .object({
    sourceId: z.string(),
    status: z.enum(["ok", "not_modified", "error"]),
    newItems: z.number().int(),
    error: z.string().optional(),
  })
  .openapi("PollResult");

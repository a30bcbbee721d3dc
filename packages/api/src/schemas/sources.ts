import { z } from "@hono/zod-openapi";
import { isoTime } from "./common.js";
import { line } from "./text.js";

export const SourceSchema = z
  .object({
    id: z.string(),
    kind: z.enum(["feed", "github", "kaggle"]),
    name: z.string(),
    url: z.string().optional(),
    repo: z.string().optional(),
    search: z.string().optional(),
    category: z.string().optional(),
    enabled: z.boolean(),
    intervalMinutes: z.number().int(),
    createdAt: isoTime,
    lastPolledAt: isoTime.nullable(),
    lastSuccessAt: isoTime.nullable(),
    nextPollAt: isoTime,
    consecutiveFailures: z.number().int(),
    lastError: z.string().nullable(),
    lastSkipped: z.number().int().optional(),
  })
  .openapi("Source");

const common = {
  name: line(200).trim().min(1).optional(),
  intervalMinutes: z.number().int().min(5).max(10080).optional(),
  enabled: z.boolean().optional(),
};

export const NewSourceSchema = z
  .discriminatedUnion("kind", [
    z.object({ kind: z.literal("feed"), url: z.string().min(1).max(2048), ...common }),
    z.object({ kind: z.literal("github"), repo: z.string().min(3).max(200), ...common }),
    z.object({
      kind: z.literal("kaggle"),
      search: line(200).optional(),
      category: line(100).optional(),
      ...common,
    }),
  ])
  .openapi("NewSource");

export const SourcePatchSchema = z
  .object({
    name: common.name,
    enabled: common.enabled,
    intervalMinutes: common.intervalMinutes,
    url: z.string().min(1).max(2048).optional(),
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

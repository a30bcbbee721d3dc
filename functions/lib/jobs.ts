/**
 * The bodies of our SQS messages, checked at the boundary: one JSON object per job, as
 * `sqsJobs` (packages/core/src/jobs/sqs.ts) writes it.
 *
 * Each kind's one field is checked by hand, which is all a well-formed message needs. zod/mini
 * is loaded (a chunk of its own) only for a body that fails that check, to throw exactly the
 * error the schemas below give: every invocation would otherwise pay for loading and building
 * the schemas, and nearly none needs them.
 */
import type { JobKind, JobPayloads } from "@wkn/core/jobs";
import type { ZodMiniType } from "zod/mini";

/** The one field of each kind's payload, and what it must be (what the schemas below accept). */
const FIELDS: { [K in JobKind]: { key: keyof JobPayloads[K]; ok: (v: unknown) => boolean } } = {
  poll: { key: "sourceId", ok: (v) => typeof v === "string" && v.length >= 1 },
  unfurl: { key: "itemId", ok: (v) => typeof v === "string" && v.length >= 1 },
  send: { key: "issueNumber", ok: (v) => Number.isSafeInteger(v) && (v as number) > 0 },
  confirm: { key: "email", ok: (v) => typeof v === "string" && v.length >= 3 && v.length <= 320 },
};

/** The schemas: the reference for the checks above, and the error a malformed body gets. */
async function schemaOf<K extends JobKind>(kind: K) {
  const z = await import("zod/mini");
  const schemas: { [K in JobKind]: ZodMiniType<JobPayloads[K]> } = {
    poll: z.object({ sourceId: z.string().check(z.minLength(1)) }),
    unfurl: z.object({ itemId: z.string().check(z.minLength(1)) }),
    send: z.object({ issueNumber: z.int().check(z.positive()) }),
    confirm: z.object({ email: z.string().check(z.minLength(3), z.maxLength(320)) }),
  };
  return schemas[kind];
}

/** A parser for one kind's message body; rejects anything else. */
export function jobParser<K extends JobKind>(kind: K): (body: string) => Promise<JobPayloads[K]> {
  const field = FIELDS[kind];
  return async (body) => {
    const value: unknown = JSON.parse(body);
    if (value !== null && typeof value === "object" && !Array.isArray(value)) {
      const v = (value as Record<PropertyKey, unknown>)[field.key];
      // A new object with only the field, as zod's object schema returns (unknown keys stripped).
      if (field.ok(v)) return { [field.key]: v } as JobPayloads[K];
    }
    return (await schemaOf(kind)).parse(value);
  };
}

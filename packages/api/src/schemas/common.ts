import { z } from "@hono/zod-openapi";

/** For routes defined outside this package (packages/local's outbox), with the same zod instance. */
export { createRoute, z } from "@hono/zod-openapi";

export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      details: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
    }),
  })
  .openapi("Error");

export const json = <T extends z.ZodType>(schema: T, description: string) => ({
  content: { "application/json": { schema } },
  description,
});

export const errors = {
  400: json(ErrorSchema, "Invalid request; error.details names the field"),
  401: json(ErrorSchema, "Missing or invalid editor token"),
  404: json(ErrorSchema, "Not found"),
  409: json(ErrorSchema, "State conflict"),
};

export const IdParam = z.object({
  id: z
    .string()
    .min(1)
    .max(200)
    .openapi({ param: { name: "id", in: "path" } }),
});

export const isoTime = z.string().openapi({ format: "date-time" });

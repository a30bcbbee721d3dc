import { OpenAPIHono } from "@hono/zod-openapi";
import { errorBody, zodDetails } from "./errors.js";

/**
 * Every router of the app: a 400 naming the field for a request that fails its zod schema
 * (the same schemas generate /api/openapi.json).
 */
export function createRouter() {
  return new OpenAPIHono({
    defaultHook: (result, c) => {
      if (!result.success) {
        const details = zodDetails(result.error.issues, result.target);
        const first = details[0];
        return c.json(
          errorBody(
            "invalid_request",
            first ? `${first.field}: ${first.message}` : "invalid request",
            details,
          ),
          400,
        );
      }
    },
  });
}

export type Router = ReturnType<typeof createRouter>;

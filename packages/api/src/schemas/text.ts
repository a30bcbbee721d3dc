/**
 * Text fields of request bodies (rules in @wkn/core/control-chars): `line()` for every one-line
 * field (a 400 names the field), `text()` for multi-line text (control characters stripped).
 * Both stay plain strings in the OpenAPI document.
 */
import { z } from "@hono/zod-openapi";
import { singleLineProblem, stripControls } from "@wkn/core/control-chars";

/** One line of at most `max` characters: no line breaks, no control characters but tab. */
export const line = (max: number) =>
  z
    .string()
    .max(max)
    .superRefine((value, c) => {
      const problem = singleLineProblem(value);
      if (problem) c.addIssue({ code: "custom", message: problem });
    });

/** Multi-line text of at most `max` characters; line breaks become LF, other controls but tab go. */
export const text = (max: number) => z.string().max(max).overwrite(stripControls);

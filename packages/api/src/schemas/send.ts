import { z } from "@hono/zod-openapi";
import { MAX_TEST_RECIPIENTS } from "@wkn/core/mail/test-copy";
import { checkAddress, MAX_ADDRESS_LENGTH } from "@wkn/core/subscribers/address";
import { IssueSchema } from "./issues.js";

/** One address, checked as the subscribers module checks them (the 400 names `to.<index>`). */
const address = z
  .string()
  .max(MAX_ADDRESS_LENGTH)
  .superRefine((value, c) => {
    const check = checkAddress(value);
    if (!check.ok) c.addIssue({ code: "custom", message: check.reason });
  })
  .openapi({ example: "editor@example.org" });

export const TestCopyRequestSchema = z
  .object({ to: z.array(address).min(1).max(MAX_TEST_RECIPIENTS) })
  .strict()
  .openapi("TestCopyRequest");

export const TestCopyResultSchema = z
  .object({
    sent: z.array(z.object({ to: z.string(), messageId: z.string() })),
    failed: z.array(z.object({ to: z.string(), error: z.string() })).openapi({
      description: "Addresses SES refused; the others were sent",
    }),
  })
  .openapi("TestCopyResult");

/** The optional body of `POST /issues/{id}/send`. */
export const SendRequestSchema = z
  .object({
    ignoreDeadLinks: z.boolean().optional().openapi({
      description:
        "true: send even when links are dead or moved off-site (409 dead_links otherwise); the links are then not checked",
    }),
  })
  .strict()
  .openapi("SendRequest");

export const ResendRequestSchema = z
  .object({
    confirm: z.boolean().openapi({
      description: "Must be true: the recipients may already have the issue and may get a second copy",
    }),
  })
  .strict()
  .openapi("ResendRequest");

export const ResendResultSchema = z
  .object({
    issue: IssueSchema,
    resending: z.array(z.object({ subscriberId: z.string(), email: z.string() })),
    warning: z.string().openapi({ description: "Says that these recipients may get a second copy" }),
  })
  .openapi("ResendResult");

/**
 * The public subscription routes (DESIGN.md "HTTP contract"): POST /subscribe, GET /confirm,
 * GET and POST /unsubscribe. Pages are HTML; /subscribe answers JSON to a JSON post. Nothing here
 * tells whether an address is known: /subscribe answers 202 whatever its state, after the same
 * work (a confirm job does the rest).
 */
import type { Ctx } from "@wkn/core/context";
import { DomainError } from "@wkn/core/errors";
import {
  checkUnsubscribeToken,
  confirmSubscription,
  requestSubscription,
  SubscribeRateLimitedError,
  unsubscribe,
} from "@wkn/core/subscribers/subscribe";
import { TokenError } from "@wkn/core/subscribers/tokens";
import type { Context } from "hono";
import { clientIp } from "../client-ip.js";
import { errorBody } from "../errors.js";
import { renderPage } from "../pages/page.js";
import { createRouter } from "../router.js";

type Body = { kind: "json" | "form"; email: unknown };

async function readSubscribeBody(c: Context): Promise<Body | undefined> {
  const type = (c.req.header("content-type") ?? "").toLowerCase();
  if (type.startsWith("application/json")) {
    const data = (await c.req.json().catch(() => undefined)) as { email?: unknown } | undefined;
    return { kind: "json", email: data && typeof data === "object" ? data.email : undefined };
  }
  if (type.startsWith("application/x-www-form-urlencoded") || type.startsWith("multipart/form-data")) {
    const form = await c.req.parseBody();
    return { kind: "form", email: form.email };
  }
  return undefined;
}

const NO_STORE = { "Cache-Control": "no-store" };

export function publicRoutes(ctx: Ctx) {
  const r = createRouter();
  const site = ctx.config.newsletterName;
  const page = (
    c: Context,
    status: 200 | 202 | 400 | 429,
    heading: string,
    paragraphs: string[],
    form?: Parameters<typeof renderPage>[0]["form"],
  ) => c.html(renderPage({ site, heading, paragraphs, form }), status, NO_STORE);

  const tokenProblemPage = (c: Context, e: TokenError) =>
    page(c, 400, "This link does not work", [
      e.message,
      e.problem === "expired"
        ? "Confirmation links work for a week. Subscribe again to get a new one."
        : "Please open the link exactly as it is in the mail.",
    ]);

  r.post("/subscribe", async (c) => {
    const body = await readSubscribeBody(c);
    if (!body) {
      return c.json(
        errorBody("unsupported_media_type", 'send a form (email=...) or JSON {"email": ...}'),
        415,
      );
    }
    try {
      const { subscriberId } = await requestSubscription(ctx, { email: body.email, client: clientIp(c) });
      ctx.log.info("subscribe request queued", { subscriberId });
    } catch (e) {
      if (e instanceof SubscribeRateLimitedError) c.header("Retry-After", String(e.retryAfterSeconds));
      if (body.kind === "json" || !(e instanceof DomainError)) throw e;
      if (e instanceof SubscribeRateLimitedError) {
        return page(c, 429, "Too many requests", ["Please wait a while and try again."]);
      }
      return page(c, 400, "That address does not look right", [
        e.details?.[0] ? `The email address ${e.details[0].message}.` : e.message,
        "Please go back and check it.",
      ]);
    }
    const message =
      "If this address can be subscribed, a confirmation mail is on its way: open the link in it to confirm.";
    if (body.kind === "json") return c.json({ status: "accepted", message }, 202, NO_STORE);
    return page(c, 202, "Check your inbox", [message, "Nothing will be sent to you until you confirm."]);
  });

  r.get("/confirm", async (c) => {
    try {
      const { outcome } = await confirmSubscription(ctx, c.req.query("token"));
      if (outcome === "confirmed") {
        return page(c, 200, "You are subscribed", [
          `Thank you for confirming. The next issue of ${site} will reach you.`,
        ]);
      }
      if (outcome === "already_active") {
        return page(c, 200, "You are already subscribed", [
          "Your subscription was confirmed before. Nothing else to do.",
        ]);
      }
      return page(c, 400, "This link is no longer valid", [
        "The subscription it confirms has ended or was removed since it was sent. Subscribe again to get a new link.",
      ]);
    } catch (e) {
      if (e instanceof TokenError) return tokenProblemPage(c, e);
      throw e;
    }
  });

  // A page with a button, and no change: mail scanners follow links with GET.
  r.get("/unsubscribe", (c) => {
    const token = c.req.query("token");
    try {
      checkUnsubscribeToken(ctx, token);
    } catch (e) {
      if (e instanceof TokenError) return tokenProblemPage(c, e);
      throw e;
    }
    return page(
      c,
      200,
      `Unsubscribe from ${site}?`,
      ["Press the button and no further issues will be sent to this address."],
      { action: `?token=${encodeURIComponent(token ?? "")}`, button: "Unsubscribe" },
    );
  });

  // The button's form, and RFC 8058 one-click (body `List-Unsubscribe=One-Click`) from mail clients.
  r.post("/unsubscribe", async (c) => {
    const type = (c.req.header("content-type") ?? "").toLowerCase();
    const form =
      type.startsWith("application/x-www-form-urlencoded") || type.startsWith("multipart/form-data")
        ? await c.req.parseBody()
        : {};
    const oneClick = form["List-Unsubscribe"] === "One-Click";
    const token = c.req.query("token") ?? (typeof form.token === "string" ? form.token : undefined);
    try {
      const { outcome } = await unsubscribe(ctx, token);
      ctx.log.info("unsubscribe", { outcome, oneClick });
    } catch (e) {
      if (!(e instanceof TokenError)) throw e;
      if (oneClick) return c.text(e.message, 400, NO_STORE);
      return tokenProblemPage(c, e);
    }
    if (oneClick) return c.text("Unsubscribed.", 200, NO_STORE);
    return page(c, 200, "You are unsubscribed", [
      `No further issues of ${site} will be sent to this address.`,
    ]);
  });

  return r;
}

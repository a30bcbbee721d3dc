/**
 * The public subscription routes (DESIGN.md "HTTP contract"): GET and POST /subscribe, GET
 * /confirm, GET and POST /unsubscribe. Pages are HTML in the newsletter's language
 * (`NEWSLETTER_LANG`), under a Content-Security-Policy that allows no script; /subscribe answers
 * JSON to a JSON post. Nothing here tells whether an address is known: /subscribe answers 202
 * whatever its state, after the same work (a confirm job does the rest).
 */

import type { Ctx } from "@wkn/core/context";
import { DomainError } from "@wkn/core/errors";
import { type ReaderKey, readerText } from "@wkn/core/i18n/readers";
import { PUBLIC_PATHS } from "@wkn/core/model/paths";
import {
  checkUnsubscribeToken,
  confirmSubscription,
  requestSubscription,
  SubscribeRateLimitedError,
  unsubscribe,
} from "@wkn/core/subscribers/subscribe";
import { TOKEN_TTL_SECONDS, TokenError } from "@wkn/core/subscribers/tokens";
import type { Context } from "hono";
import { Hono } from "hono";
import { clientIp } from "../client-ip.js";
import { errorBody } from "../errors.js";
import { pageCsp } from "../middleware/csp/index.js";
import { type PageOptions, renderPage } from "../pages/page.js";

/** The JSON answer's message (the API speaks English; the pages speak the readers' language). */
const ACCEPTED =
  "If this address can be subscribed, a confirmation mail is on its way: open the link in it to confirm.";

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

/** The paths of this router's pages, each under the pages' Content-Security-Policy. */
const PAGE_PATHS: string[] = [PUBLIC_PATHS.subscribe, PUBLIC_PATHS.confirm, PUBLIC_PATHS.unsubscribe];

/** What is wrong with a link, in the readers' words. */
const LINK_PROBLEM: Record<TokenError["problem"], ReaderKey> = {
  malformed: "linkMalformed",
  bad_signature: "linkBadSignature",
  expired: "linkExpired",
  wrong_purpose: "linkWrongPurpose",
};

export function publicRoutes(ctx: Ctx) {
  const r = new Hono();
  const site = ctx.config.newsletterName;
  const lang = ctx.config.newsletterLang;
  const t = readerText(lang);
  const days = Math.round(TOKEN_TTL_SECONDS.confirm / 86_400);
  const page = (c: Context, status: 200 | 202 | 400 | 429, p: Omit<PageOptions, "lang" | "site">) =>
    c.html(renderPage({ lang, site, ...p }), status, NO_STORE);
  const archiveLink = { href: "/issues", text: t("readArchive") };

  const tokenProblemPage = (c: Context, e: TokenError, purpose: "confirm" | "unsubscribe") =>
    page(c, 400, {
      heading: t("badLinkHeading"),
      paragraphs: [
        t(LINK_PROBLEM[e.problem]),
        t(
          e.problem !== "expired"
            ? "linkCopyHelp"
            : purpose === "confirm"
              ? "confirmExpiredHelp"
              : "unsubscribeExpiredHelp",
        ),
      ],
      ...(e.problem === "expired" && purpose === "confirm" ? { subscribe: { t } } : {}),
    });

  const csp = pageCsp();
  for (const path of PAGE_PATHS) r.use(path, csp);

  // The form, for readers who come without an address to post (it works without JavaScript).
  r.get(PUBLIC_PATHS.subscribe, (c) =>
    page(c, 200, {
      heading: t("subscribeHeading", { name: site }),
      paragraphs: [t("subscribeLead")],
      subscribe: { t },
      links: [archiveLink],
    }),
  );

  r.post(PUBLIC_PATHS.subscribe, async (c) => {
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
        return page(c, 429, { heading: t("tooManyHeading"), paragraphs: [t("tooManyBody")] });
      }
      const reason = e.details?.[0]?.message;
      return page(c, 400, {
        heading: t("badAddressHeading"),
        paragraphs: [reason ? t("badAddressBody", { reason }) : e.message, t("badAddressRetry")],
        subscribe: { t, value: typeof body.email === "string" ? body.email.slice(0, 320) : undefined },
      });
    }
    if (body.kind === "json") return c.json({ status: "accepted", message: ACCEPTED }, 202, NO_STORE);
    return page(c, 202, {
      heading: t("checkInboxHeading"),
      paragraphs: [t("checkInboxBody")],
      note: t("checkInboxNote", { days }),
      links: [archiveLink],
    });
  });

  r.get(PUBLIC_PATHS.confirm, async (c) => {
    try {
      const { outcome } = await confirmSubscription(ctx, c.req.query("token"));
      if (outcome === "confirmed") {
        return page(c, 200, {
          heading: t("confirmedHeading"),
          paragraphs: [t("confirmedBody", { name: site })],
          links: [archiveLink],
        });
      }
      if (outcome === "already_active") {
        return page(c, 200, {
          heading: t("alreadyHeading"),
          paragraphs: [t("alreadyBody")],
          links: [archiveLink],
        });
      }
      return page(c, 400, { heading: t("goneHeading"), paragraphs: [t("goneBody")], subscribe: { t } });
    } catch (e) {
      if (e instanceof TokenError) return tokenProblemPage(c, e, "confirm");
      throw e;
    }
  });

  // A page with a button, and no change: mail scanners follow links with GET.
  r.get(PUBLIC_PATHS.unsubscribe, (c) => {
    const token = c.req.query("token");
    try {
      checkUnsubscribeToken(ctx, token);
    } catch (e) {
      if (e instanceof TokenError) return tokenProblemPage(c, e, "unsubscribe");
      throw e;
    }
    return page(c, 200, {
      heading: t("unsubscribeHeading", { name: site }),
      paragraphs: [t("unsubscribeBody")],
      form: { action: `?token=${encodeURIComponent(token ?? "")}`, button: t("unsubscribeButton") },
    });
  });

  // The button's form, and RFC 8058 one-click (body `List-Unsubscribe=One-Click`) from mail clients.
  r.post(PUBLIC_PATHS.unsubscribe, async (c) => {
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
      return tokenProblemPage(c, e, "unsubscribe");
    }
    if (oneClick) return c.text(t("unsubscribedText"), 200, NO_STORE);
    return page(c, 200, {
      heading: t("unsubscribedHeading"),
      paragraphs: [t("unsubscribedBody", { name: site })],
      links: [archiveLink],
    });
  });

  return r;
}

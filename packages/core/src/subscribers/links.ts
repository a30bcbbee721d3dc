/**
 * The links in our mail, on PUBLIC_BASE_URL, each carrying a signed token: confirm a
 * subscription, and unsubscribe (the List-Unsubscribe header and the visible footer link).
 */

import type { Ctx } from "../context.js";
import { publicUrl } from "../model/paths.js";
import { signToken, type TokenPurpose } from "./tokens.js";

const link = (ctx: Pick<Ctx, "config" | "now">, purpose: TokenPurpose, subscriberId: string): string => {
  const token = signToken(ctx.config.signingSecret, { purpose, subscriberId, now: ctx.now() });
  return `${publicUrl(ctx.config.publicBaseUrl, purpose)}?token=${encodeURIComponent(token)}`;
};

/** `<PUBLIC_BASE_URL>/confirm?token=…`, valid for TOKEN_TTL_SECONDS.confirm. */
export const confirmLink = (ctx: Pick<Ctx, "config" | "now">, subscriberId: string): string =>
  link(ctx, "confirm", subscriberId);

/** `<PUBLIC_BASE_URL>/unsubscribe?token=…`, valid for TOKEN_TTL_SECONDS.unsubscribe. */
export const unsubscribeLink = (ctx: Pick<Ctx, "config" | "now">, subscriberId: string): string =>
  link(ctx, "unsubscribe", subscriberId);

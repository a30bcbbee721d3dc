/**
 * When a feed's address moves. A permanent redirect (301/308) moves the stored URL only once two
 * polls in a row were sent to the same target, so one misconfigured answer moves nothing; a
 * temporary one (302/303/307) never moves it. The fetcher reports every hop it followed.
 */
import type { RedirectHop } from "../fetch/index.js";

const PERMANENT = new Set([301, 308]);

/**
 * Where a fetch was sent for good: the target of the leading run of permanent hops. A temporary
 * hop ends the run (A -301-> B -302-> C: B is the new address, C only today's).
 */
export function permanentTarget(chain: readonly RedirectHop[] | undefined): string | undefined {
  let target: string | undefined;
  for (const hop of chain ?? []) {
    if (!PERMANENT.has(hop.status)) break;
    target = hop.location;
  }
  return target;
}

export type PendingMove = { url: string; seenAt: string };

/** What this poll's redirects do: move the source now, remember a first sighting, forget one, or nothing. */
export type RedirectStep =
  | { kind: "move"; to: string }
  | { kind: "pending"; pendingMove: PendingMove | null }
  | { kind: "none" };

export function redirectStep(
  pending: PendingMove | undefined,
  chain: readonly RedirectHop[] | undefined,
  nowIso: string,
): RedirectStep {
  const target = permanentTarget(chain);
  if (!target) return pending ? { kind: "pending", pendingMove: null } : { kind: "none" };
  if (pending?.url === target) return { kind: "move", to: target };
  return { kind: "pending", pendingMove: { url: target, seenAt: nowIso } };
}

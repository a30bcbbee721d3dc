/**
 * Hash routes, so the one static index.html serves every view and a reload keeps the place:
 * `#/` candidates, `#/issues`, `#/issues/<id>`, `#/sources`, `#/subscribers`, `#/outbox`.
 */
import { useEffect, useState } from "preact/hooks";

export interface Route {
  /** "candidates" | "issues" | "issue" | "sources" | "subscribers" | "outbox" */
  view: string;
  /** The id in `#/issues/<id>` (or `#/outbox/<id>`). */
  id?: string;
  params: URLSearchParams;
}

export function parseHash(hash: string): Route {
  const [path = "", q = ""] = hash.replace(/^#/, "").split("?");
  const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
  const params = new URLSearchParams(q);
  if (parts[0] === "issues")
    return parts[1] ? { view: "issue", id: parts[1], params } : { view: "issues", params };
  if (parts[0] === "outbox") return { view: "outbox", id: parts[1], params };
  if (parts[0] === "sources" || parts[0] === "subscribers") return { view: parts[0], params };
  return { view: "candidates", params };
}

export function navigate(hash: string) {
  location.hash = hash;
}

/** Fired after `setParams` changed the address without a hashchange. */
const ROUTE_EVENT = "wkn:route";

/**
 * Puts a view's filters in the hash query (`#/?status=new&q=gpu`), so a reload or a shared link
 * keeps them. Empty values are left out. `replace` (the default) keeps the history clean while
 * typing; `replace: false` adds a history entry (the back button returns to the previous filter).
 */
export function setParams(
  params: Record<string, string | undefined | null>,
  { replace = true }: { replace?: boolean } = {},
) {
  const [path = ""] = location.hash.replace(/^#/, "").split("?");
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) q.set(k, v);
  const qs = q.toString();
  const hash = `#${path || "/"}${qs ? `?${qs}` : ""}`;
  if (hash === location.hash) return;
  if (replace) history.replaceState(history.state, "", hash);
  else history.pushState(history.state, "", hash);
  dispatchEvent(new Event(ROUTE_EVENT));
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseHash(location.hash));
  useEffect(() => {
    const f = () => setRoute(parseHash(location.hash));
    addEventListener("hashchange", f);
    addEventListener("popstate", f);
    addEventListener(ROUTE_EVENT, f);
    return () => {
      removeEventListener("hashchange", f);
      removeEventListener("popstate", f);
      removeEventListener(ROUTE_EVENT, f);
    };
  }, []);
  return route;
}

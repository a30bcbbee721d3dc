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

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseHash(location.hash));
  useEffect(() => {
    const f = () => setRoute(parseHash(location.hash));
    addEventListener("hashchange", f);
    return () => removeEventListener("hashchange", f);
  }, []);
  return route;
}

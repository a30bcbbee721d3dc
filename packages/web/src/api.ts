/**
 * The page's only way to the data: the HTTP API on the same origin, with the session cookie
 * (HttpOnly, SameSite=Strict). Every failure becomes an ApiError carrying the API's own words
 * (`error.message`) and, for a 400, the fields it names, so the page can show it next to the
 * control that caused it.
 */

import { type Dict, translate } from "./i18n.js";

/** The page's own words for failures the API could not describe. */
const DICT: Dict<"network" | "status"> = {
  en: {
    network: "The server cannot be reached. Is it running?",
    status: "The server answered {status}.",
  },
  ja: {
    network: "サーバーに接続できません。起動していますか?",
    status: "サーバーの応答: {status}",
  },
};

export interface FieldProblem {
  /** The dotted path of the offending field (`sections.0.itemIds.1`), or the request part (`body`). */
  path: string;
  /** The same, under the contract's own name. */
  field: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: FieldProblem[] = [],
  ) {
    super(message);
    this.name = "ApiError";
  }
  /** The problem reported for one field (`sections.0.heading`), if any. */
  field(path: string): string | undefined {
    return this.details.find((d) => d.path === path || d.path.startsWith(`${path}.`))?.message;
  }
}

/** Called when the session is gone (401): the shell shows the sign-in again. */
let onSignedOut: () => void = () => {};
export function whenSignedOut(f: () => void) {
  onSignedOut = f;
}

/** The contract names the field `field` (`{field, message}`); the page calls it `path`. Both are read. */
type RawProblem = { field?: unknown; path?: unknown; message?: unknown };
function detailsOf(raw: RawProblem[] | undefined, fallback = ""): FieldProblem[] {
  if (!Array.isArray(raw)) return [];
  return raw.map((d) => {
    const path = typeof d?.field === "string" ? d.field : typeof d?.path === "string" ? d.path : "";
    const message = typeof d?.message === "string" ? d.message : fallback;
    return { path, field: path, message };
  });
}

type Body = unknown;

export async function api<T>(method: string, path: string, body?: Body, init: RequestInit = {}): Promise<T> {
  return (await request<T>(method, path, body, init)).data;
}

/** As `api`, with the answer's status (e.g. 201 created against 200 already there). */
export async function request<T>(
  method: string,
  path: string,
  body?: Body,
  init: RequestInit = {},
): Promise<{ status: number; data: T }> {
  const headers: Record<string, string> = { accept: "application/json" };
  let payload: BodyInit | undefined;
  if (body instanceof FormData || typeof body === "string") {
    payload = body; // multipart (the browser sets the boundary) or text/csv set by the caller
  } else if (body !== undefined) {
    headers["content-type"] = "application/json";
    payload = JSON.stringify(body);
  }
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      credentials: "same-origin",
      ...init,
      headers: { ...headers, ...(init.headers as Record<string, string> | undefined) },
      body: payload,
    });
  } catch (e) {
    if ((e as Error)?.name === "AbortError") throw e; // the caller cancelled it
    throw new ApiError(0, "network", translate(DICT, "network"));
  }
  if (res.status === 204) return { status: 204, data: undefined as T };
  const text = await res.text();
  let data: unknown;
  try {
    data = text ? JSON.parse(text) : undefined;
  } catch {
    data = undefined;
  }
  if (!res.ok) {
    const err = (data as { error?: { code?: string; message?: string; details?: RawProblem[] } })?.error;
    if (res.status === 401) onSignedOut();
    throw new ApiError(
      res.status,
      err?.code ?? `http_${res.status}`,
      err?.message ?? translate(DICT, "status", { status: `${res.status} ${res.statusText}`.trim() }),
      detailsOf(err?.details, err?.message),
    );
  }
  return { status: res.status, data: data as T };
}

export const get = <T>(path: string) => api<T>("GET", path);
export const post = <T>(path: string, body?: Body) => api<T>("POST", path, body);
export const put = <T>(path: string, body?: Body) => api<T>("PUT", path, body);
export const patch = <T>(path: string, body?: Body) => api<T>("PATCH", path, body);
export const del = <T>(path: string) => api<T>("DELETE", path);

/** `?a=1&b=2` from the defined values. */
export function query(params: Record<string, string | number | boolean | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params))
    if (v !== undefined && v !== null && v !== "") q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : "";
}

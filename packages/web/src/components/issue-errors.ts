/**
 * Where an API error belongs on the page: the API's 400 names fields by dotted path
 * (`sections.0.itemIds.2`) in `error.details`. Read both spellings of the detail's key (the
 * contract says `field`; api.ts types it `path`).
 */
import { ApiError } from "../api.js";

export interface Problem {
  path: string;
  message: string;
}

/** Every field problem of an error (none for a non-400 or a thrown non-API error). */
export function problemsOf(err: unknown): Problem[] {
  if (!(err instanceof ApiError)) return [];
  return (err.details ?? []).map((d) => {
    const r = d as unknown as { path?: string; field?: string; message?: string };
    return { path: r.path ?? r.field ?? "", message: r.message ?? err.message };
  });
}

/** The message for the field at `path` exactly, or one inside it (`sections.0` holds `sections.0.heading`). */
export function problemAt(err: unknown, path: string, exact = false): string | undefined {
  const all = problemsOf(err);
  const hit =
    all.find((p) => p.path === path) ?? (exact ? undefined : all.find((p) => p.path.startsWith(`${path}.`)));
  return hit?.message;
}

/** The words to show for an error: the API's message, or the thrown error's. */
export function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

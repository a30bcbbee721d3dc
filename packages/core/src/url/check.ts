import { ValidationError } from "../errors.js";

export const MAX_URL_LENGTH = 2048;

/** An absolute http(s) URL, or a 400 naming `field`. */
export function checkHttpUrl(value: string, field: string): string {
  const v = value.trim();
  if (v.length > MAX_URL_LENGTH) throw new ValidationError(field, `at most ${MAX_URL_LENGTH} characters`);
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    throw new ValidationError(field, "must be an absolute URL");
  }
  if (u.protocol !== "http:" && u.protocol !== "https:")
    throw new ValidationError(field, "must be an http or https URL");
  if (u.username || u.password) throw new ValidationError(field, "must not carry credentials");
  return u.toString();
}

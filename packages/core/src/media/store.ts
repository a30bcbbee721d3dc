/**
 * Where hosted media (our thumbnails) live: `DATA_DIR/media` locally, a private S3 bucket on AWS.
 * Objects are content-addressed (`<sha256 of the bytes>.jpg`), so a key never changes meaning:
 * a put of an existing key is harmless, and readers may cache a key forever.
 */
import { publicUrl } from "../model/paths.js";
export interface StoredMedia {
  bytes: Buffer;
  contentType: string;
}

export interface MediaStore {
  put(key: string, bytes: Buffer, contentType: string): Promise<void>;
  /** null when there is no such object. */
  get(key: string): Promise<StoredMedia | null>;
}

/** The only keys we make and serve: a SHA-256 in lower-case hex and an image extension. */
const MEDIA_KEY = /^[0-9a-f]{64}\.(jpg)$/;

export const isMediaKey = (key: string): boolean => MEDIA_KEY.test(key);

export const CONTENT_TYPES: Record<string, string> = { jpg: "image/jpeg" };

export function checkMediaKey(key: string): void {
  if (!isMediaKey(key)) throw new Error(`not a media key: ${JSON.stringify(key).slice(0, 80)}`);
}

/** The public URL of a stored object, on the same origin as the archive. */
export const mediaUrl = (publicBaseUrl: string, key: string): string =>
  publicUrl(publicBaseUrl, "media", { key });

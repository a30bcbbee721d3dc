/** Media in the private S3 bucket of the stacks (`MEDIA_BUCKET`); served through the API's `/media/`. */
import type { S3Client } from "@aws-sdk/client-s3";
import { loadOnce } from "../util/load-once.js";
import { CONTENT_TYPES, checkMediaKey, type MediaStore } from "./store.js";

/** S3's commands, loaded on the first request: functions that never touch media never load them. */
const s3Commands = loadOnce(() => import("@aws-sdk/client-s3"));

/** Objects sit under one prefix, so the bucket can hold other things later without a clash. */
const PREFIX = "media/";

/** `s3`: a client, or one made on its first request (util/lazy-client.ts). */
export function s3MediaStore(s3: Pick<S3Client, "send">, bucket: string): MediaStore {
  return {
    async put(key, bytes, contentType) {
      checkMediaKey(key);
      const { PutObjectCommand } = await s3Commands();
      await s3.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: PREFIX + key,
          Body: bytes,
          ContentType: contentType,
          CacheControl: "public, max-age=31536000, immutable",
        }),
      );
    },
    async get(key) {
      checkMediaKey(key);
      const { GetObjectCommand, NoSuchKey } = await s3Commands();
      try {
        const res = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: PREFIX + key }));
        const bytes = Buffer.from((await res.Body?.transformToByteArray()) ?? []);
        return { bytes, contentType: res.ContentType ?? CONTENT_TYPES.jpg! };
      } catch (err) {
        if (err instanceof NoSuchKey || (err as { name?: string }).name === "NoSuchKey") return null;
        throw err;
      }
    },
  };
}

/** Media in the private S3 bucket of the stacks (`MEDIA_BUCKET`); served through the API's `/media/`. */
import { GetObjectCommand, NoSuchKey, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { CONTENT_TYPES, checkMediaKey, type MediaStore } from "./store.js";

/** Objects sit under one prefix, so the bucket can hold other things later without a clash. */
const PREFIX = "media/";

export function s3MediaStore(s3: S3Client, bucket: string): MediaStore {
  return {
    async put(key, bytes, contentType) {
      checkMediaKey(key);
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

/**
 * Reading a response body under a size cap: the bytes on the wire and the decompressed bytes are
 * both counted while streaming, so a compression bomb or an endless body is cut off at the cap
 * instead of being buffered.
 */
import type { IncomingMessage } from "node:http";
import { Transform, type TransformCallback, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import zlib from "node:zlib";
import { FetchError } from "./errors.js";

export function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${+(n / (1024 * 1024)).toFixed(1)} MB`;
  if (n >= 1024) return `${+(n / 1024).toFixed(1)} KB`;
  return `${n} bytes`;
}

const tooLarge = (url: string, maxBytes: number) =>
  new FetchError("too_large", `The response from ${url} is larger than ${formatBytes(maxBytes)}`, { url });

/** Passes chunks through and fails once more than `maxBytes` went by. */
class ByteLimit extends Transform {
  private seen = 0;
  constructor(
    private readonly maxBytes: number,
    private readonly url: string,
  ) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.seen += chunk.length;
    if (this.seen > this.maxBytes) cb(tooLarge(this.url, this.maxBytes));
    else cb(null, chunk);
  }
}

/**
 * "deflate" in HTTP means zlib-wrapped, but servers also send raw deflate: look at the first two
 * bytes (a zlib header is CM=8 with a check multiple of 31) and pick the matching inflater.
 */
class AnyInflate extends Transform {
  private inner?: zlib.Inflate | zlib.InflateRaw;
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    if (!this.inner) {
      const [b0 = 0, b1] = chunk;
      const zlibHeader =
        (b0 & 0x0f) === 8 && b0 >> 4 <= 7 && (b1 === undefined || ((b0 << 8) | b1) % 31 === 0);
      const opts = { finishFlush: zlib.constants.Z_SYNC_FLUSH };
      this.inner = zlibHeader ? zlib.createInflate(opts) : zlib.createInflateRaw(opts);
      this.inner.on("data", (out: Buffer) => this.push(out));
      this.inner.on("error", (err) => this.destroy(err));
    }
    this.inner.write(chunk, () => cb());
  }
  override _flush(cb: TransformCallback): void {
    if (!this.inner) {
      cb();
      return;
    }
    this.inner.once("end", () => cb());
    this.inner.end();
  }
  override _destroy(err: Error | null, cb: (error?: Error | null) => void): void {
    this.inner?.destroy();
    cb(err);
  }
}

/** The decoders for a Content-Encoding header, in the order to apply them. */
function decodersFor(contentEncoding: string | undefined, url: string): Transform[] {
  const codings = (contentEncoding ?? "")
    .split(",")
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c !== "" && c !== "identity");
  // Lenient like browsers: a truncated stream yields what arrived instead of failing.
  return codings.reverse().map((coding) => {
    if (coding === "gzip" || coding === "x-gzip")
      return zlib.createGunzip({ finishFlush: zlib.constants.Z_SYNC_FLUSH });
    if (coding === "deflate") return new AnyInflate();
    if (coding === "br")
      return zlib.createBrotliDecompress({ finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH });
    throw new FetchError(
      "decompression",
      `${url} answered with an unsupported Content-Encoding "${coding}"`,
      {
        url,
      },
    );
  });
}

const isZlibError = (err: unknown) =>
  typeof (err as { code?: unknown })?.code === "string" &&
  /^(Z_|ERR_BROTLI|ERR_ZLIB)/.test((err as { code: string }).code);

/**
 * The decompressed body, at most `maxBytes`. Errors: `too_large`, `decompression`, `network`
 * (the connection broke); an abort of `signal` surfaces as the error the caller aborted with.
 */
export async function readBody(
  res: IncomingMessage,
  opts: { url: string; maxBytes: number; signal: AbortSignal },
): Promise<Buffer> {
  const { url, maxBytes } = opts;
  const declared = Number(res.headers["content-length"]);
  if (Number.isFinite(declared) && declared > maxBytes) {
    res.destroy();
    throw tooLarge(url, maxBytes);
  }
  let decoders: Transform[];
  try {
    decoders = decodersFor(res.headers["content-encoding"], url);
  } catch (err) {
    res.destroy();
    throw err;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      size += chunk.length;
      if (size > maxBytes) return cb(tooLarge(url, maxBytes));
      chunks.push(chunk);
      cb();
    },
  });
  try {
    await pipeline([res, new ByteLimit(maxBytes, url), ...decoders, sink], { signal: opts.signal });
  } catch (err) {
    if (opts.signal.aborted) throw opts.signal.reason;
    if (err instanceof FetchError) throw err;
    if (isZlibError(err)) {
      throw new FetchError(
        "decompression",
        `Could not decompress the ${res.headers["content-encoding"]} body of ${url}: ${(err as Error).message}`,
        { url, cause: err },
      );
    }
    throw new FetchError("network", `The connection broke while reading ${url}: ${(err as Error).message}`, {
      url,
      cause: err,
    });
  }
  return Buffer.concat(chunks, size);
}

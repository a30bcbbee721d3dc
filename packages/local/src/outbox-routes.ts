/**
 * The local outbox over HTTP (the local run only): every message the local SES endpoint accepted
 * is a `.eml` file in DATA_DIR/outbox (ses/outbox.ts), and the editor's page lists and shows them.
 * Passed to the API app as `createApp(ctx, { localRoutes: outboxRoutes(dir), outbox: true })`,
 * mounted under /api behind the editor's auth; never imported by the API itself, so neither these
 * routes nor postal-mime reach the Lambda bundle.
 *
 * A message's id is its file name without `.eml` (`<stamp>-<SES message id>`). An id is used
 * only when it is one the outbox folder itself lists right now: the name read from the request
 * never becomes a path by itself, so no `..`, slash or other folder can be reached.
 */
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Router } from "@wkn/api/router";
import { FRAMED_HTML_HEADERS } from "@wkn/api/routes/issues";
import { createRoute, errors, json, z } from "@wkn/api/schemas/common";
import { NotFoundError } from "@wkn/core/errors";
import PostalMime, { type Address } from "postal-mime";

/** `20261129T123456.789Z-<id>`: what ses/outbox.ts names a message (the file name without `.eml`). */
const ID = /^[0-9]{8}T[0-9]{6}\.[0-9]{3}Z-[0-9A-Za-z-]{1,100}$/;
const EML = ".eml";
export const DEFAULT_OUTBOX_LIMIT = 50;
export const MAX_OUTBOX_LIMIT = 500;

const IdParam = z.object({
  id: z
    .string()
    .regex(ID, "not an outbox message id")
    .openapi({
      param: { name: "id", in: "path" },
      example: "20261129T123456.789Z-0100018c1b2e3f4a-…-000000",
    }),
});

const ListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(MAX_OUTBOX_LIMIT).default(DEFAULT_OUTBOX_LIMIT),
});

const SummarySchema = z
  .object({
    id: z.string(),
    date: z
      .string()
      .openapi({ format: "date-time", description: "The Date header, else when it was written" }),
    from: z.string(),
    to: z.array(z.string()),
    subject: z.string(),
    size: z.number().int().openapi({ description: "Bytes of the .eml file" }),
  })
  .openapi("OutboxMessageSummary");

const MessageSchema = z
  .object({
    id: z.string(),
    headers: z.array(z.object({ name: z.string(), value: z.string() })),
    subject: z.string(),
    from: z.string(),
    to: z.array(z.string()),
    date: z.string().openapi({ format: "date-time" }),
    html: z.string().nullable(),
    text: z.string().nullable(),
  })
  .openapi("OutboxMessage");

/** The ids of the messages in the folder, newest first (names start with the time). */
async function listIds(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return []; // nothing sent yet
    throw e;
  }
  return names
    .filter((n) => n.endsWith(EML))
    .map((n) => n.slice(0, -EML.length))
    .filter((id) => ID.test(id))
    .sort()
    .reverse();
}

/** The file of a listed message; 404 for anything the folder does not list. */
async function fileOf(dir: string, id: string): Promise<string> {
  const listed = (await listIds(dir)).find((known) => known === id);
  if (!listed) throw new NotFoundError("outbox message", id);
  return join(dir, `${listed}${EML}`);
}

const addressText = (a: Address): string[] =>
  a.group
    ? a.group.flatMap(addressText)
    : [a.name ? `${a.name} <${a.address}>` : a.address].filter((s) => s !== "");

/** `20261129T123456.789Z` → ISO-8601. */
const stampDate = (id: string): string =>
  id.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(\.\d{3}Z).*$/, "$1-$2-$3T$4:$5:$6$7");

const dateOf = (header: string | undefined, id: string): string => {
  const t = header ? Date.parse(header) : Number.NaN;
  return Number.isNaN(t) ? stampDate(id) : new Date(t).toISOString();
};

/** The header section of a raw message (up to the first empty line): all a listing needs. */
function headerPart(raw: Buffer): Buffer {
  const crlf = raw.indexOf("\r\n\r\n");
  const lf = raw.indexOf("\n\n");
  const ends = [crlf, lf].filter((i) => i >= 0);
  return ends.length ? raw.subarray(0, Math.min(...ends)) : raw;
}

async function summaryOf(dir: string, id: string) {
  const raw = await readFile(join(dir, `${id}${EML}`));
  const mail = await PostalMime.parse(Buffer.concat([headerPart(raw), Buffer.from("\r\n\r\n")]));
  return {
    id,
    date: dateOf(mail.date, id),
    from: mail.from ? addressText(mail.from).join(", ") : "",
    to: [...(mail.to ?? []), ...(mail.cc ?? [])].flatMap(addressText),
    subject: mail.subject ?? "",
    size: raw.byteLength,
  };
}

async function messageOf(dir: string, id: string) {
  const raw = await readFile(await fileOf(dir, id));
  const mail = await PostalMime.parse(raw);
  return {
    id,
    headers: mail.headers.map((h) => ({ name: h.originalKey || h.key, value: h.value })),
    subject: mail.subject ?? "",
    from: mail.from ? addressText(mail.from).join(", ") : "",
    to: [...(mail.to ?? []), ...(mail.cc ?? [])].flatMap(addressText),
    date: dateOf(mail.date, id),
    html: mail.html ?? null,
    text: mail.text ?? null,
  };
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

/**
 * @param dir the outbox folder (DATA_DIR/outbox)
 * @example createApp(ctx, { localRoutes: outboxRoutes(join(dataDir, "outbox")), outbox: true })
 */
export function outboxRoutes(dir: string): (r: Router) => void {
  return (r) => {
    r.openapi(
      createRoute({
        method: "get",
        path: "/outbox",
        tags: ["outbox"],
        description: "The local run's sent mail (DATA_DIR/outbox/*.eml), newest first. Not served on AWS.",
        request: { query: ListQuery },
        responses: {
          200: json(z.object({ messages: z.array(SummarySchema) }).openapi("OutboxList"), "Newest first"),
          400: errors[400],
          401: errors[401],
        },
      }),
      async (c) => {
        const ids = (await listIds(dir)).slice(0, c.req.valid("query").limit);
        const messages = [];
        // One by one: a page of up to 500 files is read without opening them all at once.
        for (const id of ids) {
          try {
            messages.push(await summaryOf(dir, id));
          } catch (e) {
            if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e; // removed meanwhile
          }
        }
        c.header("Cache-Control", "no-store");
        return c.json({ messages }, 200);
      },
    );

    r.openapi(
      createRoute({
        method: "get",
        path: "/outbox/{id}",
        tags: ["outbox"],
        description: "One message of the local outbox, parsed: its headers, HTML and text parts.",
        request: { params: IdParam },
        responses: {
          200: json(MessageSchema, "The message"),
          400: errors[400],
          401: errors[401],
          404: errors[404],
        },
      }),
      async (c) => {
        c.header("Cache-Control", "no-store");
        return c.json(await messageOf(dir, c.req.valid("param").id), 200);
      },
    );

    r.openapi(
      createRoute({
        method: "get",
        path: "/outbox/{id}/html",
        tags: ["outbox"],
        description:
          "The message's HTML part (its text part in a <pre> when it has none), sandboxed and frameable by our own origin only.",
        request: { params: IdParam },
        responses: {
          200: { content: { "text/html": { schema: z.string() } }, description: "The HTML body" },
          400: errors[400],
          401: errors[401],
          404: errors[404],
        },
      }),
      async (c) => {
        const m = await messageOf(dir, c.req.valid("param").id);
        const html = m.html ?? `<pre>${escapeHtml(m.text ?? "")}</pre>`;
        return c.html(html, 200, FRAMED_HTML_HEADERS);
      },
    );
  };
}

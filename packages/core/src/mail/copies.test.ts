import { readFileSync } from "node:fs";
import type { Ctx } from "@wkn/core/context";
import { startTestEnv, type TestEnv } from "@wkn/testing";
import { MAIL_ENV } from "@wkn/testing/mail";
import PostalMime from "postal-mime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RenderedIssue } from "../issues/render/index.js";
import { verifyToken } from "../subscribers/tokens.js";
import { composeDelivery, issueCopies } from "./copies.js";

// A real issue's HTML (Japanese: quoted-printable, escapes on nearly every character).
const REAL_HTML = readFileSync(
  new URL("../../../../../shared/reference/weekly-kaggle-news-72.html", import.meta.url),
  "utf8",
);

/** An issue whose parts carry the unsubscribe link like the renderer's (html escaped, text as is). */
function issue(html: string, text: string): RenderedIssue {
  const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/"/g, "&quot;");
  return {
    subject: "Weekly Kaggle News #72 — 今週",
    preheader: "",
    html: (url) => `${html}\n<p><a href="${esc(url)}">Unsubscribe</a> ${esc(url)}</p>`,
    text: (url) => `${text}\n\nUnsubscribe: ${url}\n`,
  };
}

const recipient = (i: number, email = `reader${i}@example.com`) => ({
  id: `${i}`.padStart(32, "0").replace(/^0/, "f"),
  email,
});

let env: TestEnv;
let ctx: Ctx;
beforeAll(async () => {
  env = await startTestEnv();
  // A fixed clock: a token carries the time, and each copy is compared with MailComposer's, made later.
  ctx = await env.ctx({ env: MAIL_ENV, now: () => new Date("2026-12-04T10:00:00Z") });
});
afterAll(() => env.close());

const fixed = { date: new Date("2026-12-04T10:00:00Z"), baseBoundary: "0123456789abcdef" };

describe("issueCopies", () => {
  const cases: [string, RenderedIssue][] = [
    ["a Japanese issue (quoted-printable)", issue(REAL_HTML, REAL_HTML.replace(/<[^>]+>/g, ""))],
    ["an ASCII issue with short lines (7bit)", issue("<p>Hello</p>", "Hello")],
    [
      "an ASCII issue with long lines (quoted-printable folding through the link)",
      issue(`<p>${"word ".repeat(40)}</p>`, `${"x".repeat(90)} and a link:`),
    ],
  ];
  for (const [name, mail] of cases) {
    it(`gives each recipient the bytes MailComposer builds for them: ${name}`, async () => {
      const copies = issueCopies(ctx, mail, 72, fixed);
      const people = [
        recipient(1),
        recipient(22, "a.b+news@mail.example.co.uk"),
        recipient(333, "x@y.io"),
        recipient(4444, `${"long".repeat(12)}@example.com`),
        recipient(55555, "Ann.Lee-O_Neil@sub-domain.example.com"),
        recipient(6, "1@2.xn--p1ai"),
      ];
      for (const r of people) {
        const copy = await copies.copy(r);
        expect(copy.equals(await composeDelivery(ctx, mail, 72, r, fixed)), r.email).toBe(true);
      }
      expect(copies.stats()).toEqual({ spliced: people.length, composed: 0 });
    });
  }

  it("carries each recipient's own address, Message-ID and a link that unsubscribes them alone", async () => {
    const mail = issue(REAL_HTML, "text");
    const copies = issueCopies(ctx, mail, 72);
    for (const r of [recipient(5), recipient(6)]) {
      const parsed = await PostalMime.parse(await copies.copy(r));
      expect(parsed.to?.[0]?.address).toBe(r.email);
      expect(parsed.messageId).toBe(`<issue-72.${r.id}@${ctx.config.fromEmail.split("@")[1]}>`);
      const links = [
        parsed.headers.find((h) => h.key === "list-unsubscribe")!.value.slice(1, -1),
        parsed.html!.match(/href="([^"]+)">Unsubscribe/)![1]!.replace(/&amp;/g, "&"),
        parsed.text!.match(/Unsubscribe: (\S+)/)![1]!,
      ];
      for (const link of links) {
        const token = new URL(link).searchParams.get("token");
        expect(verifyToken(ctx.config.signingSecret, token, "unsubscribe", new Date()).subscriberId).toBe(
          r.id,
        );
      }
    }
    expect(copies.stats().spliced).toBe(2);
  });

  it("composes with MailComposer a recipient the template does not fit: an address MailComposer rewrites or folds", async () => {
    const mail = issue(REAL_HTML, "text");
    const copies = issueCopies(ctx, mail, 72, fixed);
    const odd = [
      recipient(7),
      recipient(8, "jürgen@example.de"),
      recipient(9, "ann@Example.COM"), // written with its domain in lower case
      recipient(10, `${"x".repeat(64)}@example.com`), // a long To line
    ];
    for (const r of odd)
      expect((await copies.copy(r)).equals(await composeDelivery(ctx, mail, 72, r, fixed))).toBe(true);
    expect(copies.stats()).toEqual({ spliced: 1, composed: 3 });
  });

  it("makes a template for each length of id", async () => {
    const mail = issue(REAL_HTML, "text");
    const copies = issueCopies(ctx, mail, 72, fixed);
    const people = [
      { id: "abc", email: "short@example.com" },
      recipient(11),
      { id: "xyz", email: "b@example.com" },
    ];
    for (const r of people)
      expect((await copies.copy(r)).equals(await composeDelivery(ctx, mail, 72, r, fixed))).toBe(true);
    expect(copies.stats()).toEqual({ spliced: 3, composed: 0 });
  });

  it("composes every copy when the template cannot rebuild one (a part in base64)", async () => {
    // Mostly non-ASCII text: MailComposer writes it in base64, where a value cannot be replaced in place.
    const mail = issue("<p>x</p>", "ü".repeat(400));
    const copies = issueCopies(ctx, mail, 72, fixed);
    for (const r of [recipient(9), recipient(10)])
      expect((await copies.copy(r)).equals(await composeDelivery(ctx, mail, 72, r, fixed))).toBe(true);
    expect(copies.stats()).toEqual({ spliced: 0, composed: 2 });
  });
});

import type { Ctx } from "@wkn/core/context";
import { newSubscriber, suppressAddress } from "@wkn/core/subscribers/manage";
import { startTestEnv, type TestEnv } from "@wkn/testing";
import { testClient } from "@wkn/testing/api";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

let env: TestEnv;
beforeAll(async () => {
  env = await startTestEnv();
});
afterAll(() => env.close());

/** A pending address, as a subscribe request's confirm job leaves it. */
const seedPending = (ctx: Ctx, email: string) =>
  ctx.store.subscribers.createIfAbsent(newSubscriber(email, "pending", "subscribe", ctx.now().toISOString()));

const csvPost = (t: ReturnType<typeof testClient>, csv: string) =>
  t.call("POST", "/api/subscribers/import", csv, { "content-type": "text/csv" });

describe("/api/subscribers", () => {
  it("needs the editor token", async () => {
    const t = testClient(await env.ctx());
    for (const [method, path] of [
      ["GET", "/api/subscribers"],
      ["POST", "/api/subscribers"],
      ["GET", "/api/subscribers/export"],
      ["POST", "/api/subscribers/import"],
      ["DELETE", "/api/subscribers/x"],
    ] as const) {
      expect((await t.call(method, path, undefined, { authorization: "Bearer wrong" })).status, path).toBe(
        401,
      );
    }
  });

  it("adds, lists, pages and removes subscribers; 409 for an active or suppressed address", async () => {
    const ctx = await env.ctx();
    const t = testClient(ctx);
    const created = await t.post("/api/subscribers", { email: "Ann@Example.com" });
    expect(created.status).toBe(201);
    const ann = await created.json();
    expect(ann).toMatchObject({
      email: "ann@example.com",
      status: "active",
      source: "editor",
      unsubscribedAt: null,
    });
    expect(ann.confirmedAt).toBe(ann.createdAt);

    const dup = await t.post("/api/subscribers", { email: "ANN@example.com " });
    expect(dup.status).toBe(409);
    expect((await dup.json()).error.code).toBe("duplicate");

    const bad = await t.post("/api/subscribers", { email: "ann@" });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.details[0].field).toBe("email");

    await suppressAddress(ctx, "gone@example.com", "Complaint");
    const suppressed = await t.post("/api/subscribers", { email: "gone@example.com" });
    expect(suppressed.status).toBe(409);
    const err = (await suppressed.json()).error;
    expect(err.code).toBe("suppressed");
    expect(err.message).toMatch(/bounce or complaint/);

    for (const e of ["bob@example.com", "cy@example.com"])
      expect((await t.post("/api/subscribers", { email: e })).status).toBe(201);
    // without a status the list shows the active subscribers, newest first, in pages
    const first = await (await t.get("/api/subscribers?limit=2")).json();
    expect(first.subscribers).toHaveLength(2);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = await (
      await t.get(`/api/subscribers?limit=2&cursor=${encodeURIComponent(first.nextCursor)}`)
    ).json();
    expect(second.nextCursor).toBeNull();
    const emails = [...first.subscribers, ...second.subscribers].map((s: { email: string }) => s.email);
    expect(emails.sort()).toEqual(["ann@example.com", "bob@example.com", "cy@example.com"]);
    const sup = await (await t.get("/api/subscribers?status=suppressed")).json();
    expect(sup.subscribers).toMatchObject([{ email: "gone@example.com", suppressedReason: "Complaint" }]);
    // a cursor of one status cannot be used on another
    expect(
      (await t.get(`/api/subscribers?status=suppressed&cursor=${encodeURIComponent(first.nextCursor)}`))
        .status,
    ).toBe(400);
    expect((await t.get("/api/subscribers?status=gone")).status).toBe(400);

    expect((await t.del(`/api/subscribers/${ann.id}`)).status).toBe(204);
    expect((await t.del(`/api/subscribers/${ann.id}`)).status).toBe(404);
    const active = await (await t.get("/api/subscribers")).json();
    expect(active.subscribers.map((s: { email: string }) => s.email).sort()).toEqual([
      "bob@example.com",
      "cy@example.com",
    ]);
    // a suppressed record is kept: it is what stops the address from being mailed again
    const keep = await t.del(`/api/subscribers/${sup.subscribers[0].id}`);
    expect(keep.status).toBe(409);
    expect((await t.get("/api/subscribers?status=suppressed")).status).toBe(200);
  });

  it("makes a pending address active when the editor adds it", async () => {
    const ctx = await env.ctx();
    const t = testClient(ctx);
    await seedPending(ctx, "ann@example.com");
    expect((await (await t.get("/api/subscribers?status=pending")).json()).subscribers).toHaveLength(1);
    const added = await t.post("/api/subscribers", { email: "ann@example.com" });
    expect(added.status).toBe(201);
    expect(await added.json()).toMatchObject({ status: "active", source: "editor" });
    expect((await (await t.get("/api/subscribers?status=pending")).json()).subscribers).toHaveLength(0);
  });
});

describe("GET /api/subscribers/counts and ?q=", () => {
  it("counts every status", async () => {
    const ctx = await env.ctx();
    const t = testClient(ctx);
    const empty = await t.get("/api/subscribers/counts");
    expect(empty.status).toBe(200);
    expect(await empty.json()).toEqual({ counts: { pending: 0, active: 0, unsubscribed: 0, suppressed: 0 } });

    for (const e of ["ann@example.com", "bob@example.com", "cy@example.org"])
      await t.post("/api/subscribers", { email: e });
    await seedPending(ctx, "dee@example.com");
    await suppressAddress(ctx, "gone@example.com", "Complaint");
    await suppressAddress(ctx, "bob@example.com", "Bounce");
    expect(await (await t.get("/api/subscribers/counts")).json()).toEqual({
      counts: { pending: 1, active: 2, unsubscribed: 0, suppressed: 2 },
    });
    expect((await t.get("/api/subscribers/counts", { authorization: "Bearer wrong" })).status).toBe(401);
  });

  it("searches a status for part of the address, any case, in pages", async () => {
    const ctx = await env.ctx();
    const t = testClient(ctx);
    for (const e of ["ann@example.com", "Annette@Mail.example", "bob@example.com", "joanna@example.org"])
      await t.post("/api/subscribers", { email: e });
    await seedPending(ctx, "anna@example.net");
    const emails = async (query: string) =>
      (
        (await (await t.get(`/api/subscribers?${query}`)).json()) as { subscribers: { email: string }[] }
      ).subscribers
        .map((s) => s.email)
        .sort();
    expect(await emails("q=ANN")).toEqual(["ann@example.com", "annette@mail.example", "joanna@example.org"]);
    expect(await emails("q=%20example.com%20")).toEqual(["ann@example.com", "bob@example.com"]);
    expect(await emails("q=ann&status=pending")).toEqual(["anna@example.net"]);
    expect(await emails("q=nobody")).toEqual([]);

    // pages of a search continue the search; a cursor of another search is refused
    const first = await (await t.get("/api/subscribers?q=ann&limit=2")).json();
    expect(first.subscribers).toHaveLength(2);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = await (
      await t.get(`/api/subscribers?q=ann&limit=2&cursor=${encodeURIComponent(first.nextCursor)}`)
    ).json();
    expect(
      [...first.subscribers, ...second.subscribers].map((s: { email: string }) => s.email).sort(),
    ).toEqual(["ann@example.com", "annette@mail.example", "joanna@example.org"]);
    expect(
      (await t.get(`/api/subscribers?q=bob&limit=2&cursor=${encodeURIComponent(first.nextCursor)}`)).status,
    ).toBe(400);
    const long = await t.get(`/api/subscribers?q=${"x".repeat(321)}`);
    expect(long.status).toBe(400);
    expect((await long.json()).error.details[0].field).toBe("q");
  });
});

describe("POST /api/subscribers/import", () => {
  it("reads the column headed email / e-mail / mail, names invalid rows by line, skips duplicates", async () => {
    const t = testClient(await env.ctx());
    const csv = [
      "Name;Ignored,E-Mail,Since",
      "Ann,Ann@Example.com,2020",
      "Bob,not-an-address,2021",
      "",
      '"Cy, Jr.",cy@example.com,2022',
      "Dup,ANN@example.com,2023",
      "Empty,,2024",
      "Dee,dee@bücher.example,2025",
    ].join("\r\n");
    const res = await csvPost(t, csv);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      imported: 3,
      skipped: 1,
      skippedBy: { duplicate_in_file: 1 },
      invalid: [
        { row: 3, value: "not-an-address", reason: "address has no @" },
        { row: 7, value: "", reason: "address is empty" },
      ],
    });
    const list = await (await t.get("/api/subscribers?status=active")).json();
    expect(list.subscribers.map((s: { email: string }) => s.email).sort()).toEqual([
      "ann@example.com",
      "cy@example.com",
      "dee@xn--bcher-kva.example",
    ]);
    expect(list.subscribers.every((s: { source: string }) => s.source === "import")).toBe(true);
  });

  it("takes the first column of a file without a header, and a multipart file upload", async () => {
    const t = testClient(await env.ctx());
    const res = await csvPost(t, "ann@example.com,Ann\nbob@example.com\n\uFEFF");
    expect(await res.json()).toMatchObject({ imported: 2, skipped: 0, invalid: [] });

    const form = new FormData();
    form.set("file", new File(["mail\ncy@example.com\nann@example.com\n"], "list.csv", { type: "text/csv" }));
    const up = await t.app.request("http://localhost/api/subscribers/import", {
      method: "POST",
      body: form,
      headers: { authorization: `Bearer ${(await import("@wkn/testing")).TEST_TOKEN}` },
    });
    expect(up.status).toBe(200);
    expect(await up.json()).toMatchObject({ imported: 1, skipped: 1, skippedBy: { active: 1 } });
  });

  it("never re-subscribes a known address: pending, unsubscribed and suppressed ones keep their state", async () => {
    const ctx = await env.ctx();
    const t = testClient(ctx);
    await t.post("/api/subscribers", { email: "active@example.com" });
    await seedPending(ctx, "pending@example.com");
    await suppressAddress(ctx, "bounced@example.com", "Permanent bounce");
    const left = await (await t.post("/api/subscribers", { email: "left@example.com" })).json();
    await ctx.store.subscribers.transition(left.id, ["active"], {
      status: "unsubscribed",
      unsubscribedAt: ctx.now().toISOString(),
    });

    const res = await csvPost(
      t,
      "email\nactive@example.com\npending@example.com\nbounced@example.com\nleft@example.com\nnew@example.com\n",
    );
    expect(await res.json()).toEqual({
      imported: 1,
      skipped: 4,
      skippedBy: { active: 1, pending: 1, suppressed: 1, unsubscribed: 1 },
      invalid: [],
    });
    const statuses: Record<string, string> = {};
    for (const status of ["active", "pending", "unsubscribed", "suppressed"]) {
      for (const s of (await (await t.get(`/api/subscribers?status=${status}`)).json()).subscribers)
        statuses[s.email] = s.status;
    }
    expect(statuses).toEqual({
      "active@example.com": "active",
      "new@example.com": "active",
      "pending@example.com": "pending",
      "bounced@example.com": "suppressed",
      "left@example.com": "unsubscribed",
    });
  });

  it("refuses an empty body or something that is not CSV", async () => {
    const t = testClient(await env.ctx());
    expect((await csvPost(t, "  \n")).status).toBe(400);
    const broken = await csvPost(t, 'email\n"ann@example.com\n');
    expect(broken.status).toBe(400);
    expect((await broken.json()).error.details[0].field).toBe("body");
  });

  it("takes text/csv or a multipart form only (415 otherwise, naming what to send)", async () => {
    const t = testClient(await env.ctx());
    const csv = "email\nann@example.com\n";
    for (const type of [
      "text/plain",
      "application/x-www-form-urlencoded",
      "application/json",
      "application/csv",
    ]) {
      const res = await t.call("POST", "/api/subscribers/import", csv, { "content-type": type });
      expect(res.status, type).toBe(415);
      const error = (await res.json()).error;
      expect(error.code).toBe("unsupported_media_type");
      expect(error.message).toMatch(/text\/csv.*multipart\/form-data/);
    }
    const untyped = await t.app.request("http://localhost/api/subscribers/import", {
      method: "POST",
      headers: { authorization: `Bearer ${(await import("@wkn/testing")).TEST_TOKEN}` },
      body: new Blob([csv]),
    });
    expect(untyped.status).toBe(415);
    expect(await (await t.get("/api/subscribers")).json()).toMatchObject({ subscribers: [] });
    const ok = await t.call("POST", "/api/subscribers/import", csv, {
      "content-type": "text/csv; charset=utf-8",
    });
    expect(await ok.json()).toMatchObject({ imported: 1 });
  });
});

describe("GET /api/subscribers/export", () => {
  it("exports every subscriber with status and dates, and an import of it keeps the opt-outs", async () => {
    const ctx = await env.ctx();
    const t = testClient(ctx);
    await csvPost(t, "email\nann@example.com\n=formula+x@example.com\n");
    await seedPending(ctx, "pending@example.com");
    await suppressAddress(ctx, "bounced@example.com", "Permanent bounce");
    const left = await (await t.post("/api/subscribers", { email: "left@example.com" })).json();
    await ctx.store.subscribers.transition(left.id, ["active"], {
      status: "unsubscribed",
      unsubscribedAt: ctx.now().toISOString(),
    });

    const res = await t.get("/api/subscribers/export");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/csv/);
    expect(res.headers.get("content-disposition")).toMatch(
      /^attachment; filename="subscribers-\d{4}-\d{2}-\d{2}\.csv"$/,
    );
    const csv = await res.text();
    // a spreadsheet would run a cell starting with "=": it is written escaped
    expect(csv).toContain("'=formula+x@example.com");
    const rows = parse(csv, { columns: true }) as Record<string, string>[];
    expect(Object.keys(rows[0]!)).toEqual([
      "email",
      "status",
      "id",
      "source",
      "createdAt",
      "updatedAt",
      "confirmedAt",
      "unsubscribedAt",
      "suppressedAt",
      "suppressedReason",
    ]);
    const byEmail = Object.fromEntries(rows.map((r) => [r.email!.replace(/^'/, ""), r]));
    expect(Object.keys(byEmail).sort()).toEqual([
      "=formula+x@example.com",
      "ann@example.com",
      "bounced@example.com",
      "left@example.com",
      "pending@example.com",
    ]);
    expect(byEmail["bounced@example.com"]).toMatchObject({
      status: "suppressed",
      suppressedReason: "Permanent bounce",
    });
    expect(byEmail["left@example.com"]!.unsubscribedAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(byEmail["ann@example.com"]).toMatchObject({
      status: "active",
      source: "import",
      unsubscribedAt: "",
    });

    // Into another list: the active ones are imported, the opt-outs come along as opt-outs,
    // the never-confirmed one is left out.
    const other = testClient(await env.ctx());
    const imported = await (await csvPost(other, csv)).json();
    expect(imported).toEqual({
      imported: 2,
      skipped: 3,
      skippedBy: { not_confirmed: 1, suppressed: 1, unsubscribed: 1 },
      invalid: [],
    });
    const again = parse(await (await other.get("/api/subscribers/export")).text(), {
      columns: true,
    }) as Record<string, string>[];
    const statusOf = (list: Record<string, string>[]) =>
      Object.fromEntries(list.filter((r) => r.status !== "pending").map((r) => [r.email, r.status]));
    expect(statusOf(again)).toEqual(statusOf(rows));
    expect(again.map((r) => r.id).sort()).toEqual(
      rows
        .filter((r) => r.status !== "pending")
        .map((r) => r.id)
        .sort(),
    );
  });
});

/**
 * Subscribers (`#/subscribers?status=active&q=…`): how many in each status, the list of one
 * status with a search on the address and paging, adding one address, deleting one, CSV import
 * (with the rows it refused and why) and CSV export.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import { del, get, post, query } from "../api.js";
import { ConfirmDialog } from "../components/issue-dialog.js";
import { messageOf, problemAt } from "../components/issue-errors.js";
import {
  type ImportResult,
  SUBSCRIBER_STATUSES,
  type Subscriber,
  type SubscriberStatus,
} from "../components/issue-types.js";
import { type Dict, formatDate, useT } from "../i18n.js";
import { setParams } from "../router.js";
import type { ViewProps } from "./props.js";
import "../components/table-labels.css";
import "./subscribers.css";

type Key =
  | "title"
  | "counts"
  | SubscriberStatus
  | "addTitle"
  | "email"
  | "add"
  | "adding"
  | "added"
  | "importTitle"
  | "file"
  | "fileHint"
  | "import"
  | "importing"
  | "imported"
  | "skippedWhy"
  | "skip_duplicate_in_file"
  | "skip_not_confirmed"
  | "skip_pending"
  | "skip_active"
  | "skip_unsubscribed"
  | "skip_suppressed"
  | "invalidTitle"
  | "row"
  | "value"
  | "reason"
  | "noFile"
  | "export"
  | "exportHint"
  | "listTitle"
  | "status"
  | "search"
  | "searchButton"
  | "clear"
  | "address"
  | "source"
  | "added_at"
  | "state_since"
  | "actions"
  | "delete"
  | "deleteLabel"
  | "deleteTitle"
  | "deleteBody"
  | "deleted"
  | "more"
  | "loading"
  | "none"
  | "noneFound"
  | "src_subscribe"
  | "src_editor"
  | "src_import"
  | "src_feedback"
  | "shown";

const DICT: Dict<Key> = {
  en: {
    title: "Subscribers",
    counts: "Subscribers by status",
    active: "Active",
    pending: "Pending",
    unsubscribed: "Unsubscribed",
    suppressed: "Suppressed",
    addTitle: "Add a subscriber",
    email: "Email address",
    add: "Add subscriber",
    adding: "Adding…",
    added: "{email} was added as an active subscriber (no confirmation mail is sent).",
    importTitle: "Import and export",
    file: "CSV file",
    fileHint:
      "A column headed “email” (or the addresses in the first column). Known addresses keep their state; unsubscribed and suppressed ones are never subscribed again.",
    import: "Import",
    importing: "Importing…",
    imported: "Imported {imported}, skipped {skipped}, not valid {invalid}.",
    skippedWhy: "Skipped because:",
    skip_duplicate_in_file: "twice in the file",
    skip_not_confirmed: "marked pending in the file (never confirmed)",
    skip_pending: "already pending",
    skip_active: "already active",
    skip_unsubscribed: "unsubscribed",
    skip_suppressed: "suppressed (bounce or complaint)",
    invalidTitle: "Rows not imported",
    row: "Row",
    value: "Value",
    reason: "Reason",
    noFile: "Choose a CSV file first.",
    export: "Export CSV",
    exportHint: "Every subscriber with status and dates.",
    listTitle: "List",
    status: "Status",
    search: "Search addresses",
    searchButton: "Search",
    clear: "Clear search",
    address: "Address",
    source: "Came from",
    added_at: "Added",
    state_since: "Since",
    actions: "Actions",
    delete: "Delete",
    deleteLabel: "Delete {email}",
    deleteTitle: "Delete {email}?",
    deleteBody: "The address is removed from the list and gets no more issues.",
    deleted: "{email} was deleted.",
    more: "Show more",
    loading: "Loading…",
    none: "No subscribers in this status.",
    noneFound: "No address matches “{q}”.",
    src_subscribe: "sign-up form",
    src_editor: "added by the editor",
    src_import: "CSV import",
    src_feedback: "bounce or complaint",
    shown: "{n} shown",
  },
  ja: {
    title: "購読者",
    counts: "状態別の購読者数",
    active: "有効",
    pending: "確認待ち",
    unsubscribed: "購読解除",
    suppressed: "配信停止",
    addTitle: "購読者を追加",
    email: "メールアドレス",
    add: "購読者を追加",
    adding: "追加中…",
    added: "{email} を有効な購読者として追加しました（確認メールは送信されません）。",
    importTitle: "インポートとエクスポート",
    file: "CSV ファイル",
    fileHint:
      "「email」という見出しの列（またはアドレスが並んだ 1 列目）を読み込みます。登録済みのアドレスは状態が変わらず、購読解除・配信停止のアドレスが再登録されることはありません。",
    import: "インポート",
    importing: "インポート中…",
    imported: "{imported} 件を追加し、{skipped} 件をスキップしました。無効な行は {invalid} 件です。",
    skippedWhy: "スキップの理由:",
    skip_duplicate_in_file: "ファイル内で重複",
    skip_not_confirmed: "ファイル内で確認待ち（未確認）",
    skip_pending: "すでに確認待ち",
    skip_active: "すでに有効",
    skip_unsubscribed: "購読解除済み",
    skip_suppressed: "配信停止（バウンスまたは苦情）",
    invalidTitle: "取り込まれなかった行",
    row: "行",
    value: "値",
    reason: "理由",
    noFile: "先に CSV ファイルを選択してください。",
    export: "CSV をエクスポート",
    exportHint: "すべての購読者を状態と日付つきで書き出します。",
    listTitle: "一覧",
    status: "状態",
    search: "アドレスを検索",
    searchButton: "検索",
    clear: "検索をクリア",
    address: "アドレス",
    source: "登録経路",
    added_at: "登録日",
    state_since: "状態の変更日",
    actions: "操作",
    delete: "削除",
    deleteLabel: "{email} を削除",
    deleteTitle: "{email} を削除しますか？",
    deleteBody: "このアドレスを一覧から削除します。以後、号は届きません。",
    deleted: "{email} を削除しました。",
    more: "さらに表示",
    loading: "読み込み中…",
    none: "この状態の購読者はいません。",
    noneFound: "「{q}」に一致するアドレスはありません。",
    src_subscribe: "登録フォーム",
    src_editor: "編集者が追加",
    src_import: "CSV インポート",
    src_feedback: "バウンスまたは苦情",
    shown: "{n} 件を表示中",
  },
};

const isStatus = (s: string | null): s is SubscriberStatus =>
  !!s && (SUBSCRIBER_STATUSES as string[]).includes(s);

/** A DOM id from a subscriber id (opaque: anything but letters, digits, _ and - is replaced). */
const rowId = (id: string) => `sub-del-${id.replace(/[^\w-]/g, "_")}`;

const sinceOf = (s: Subscriber) =>
  s.status === "unsubscribed"
    ? s.unsubscribedAt
    : s.status === "suppressed"
      ? s.suppressedAt
      : s.status === "active"
        ? s.confirmedAt
        : null;

export function SubscribersView({ route }: ViewProps) {
  const t = useT(DICT);
  const initialStatus = route.params.get("status");
  const status: SubscriberStatus = isStatus(initialStatus) ? initialStatus : "active";
  const q = route.params.get("q") ?? "";

  const [counts, setCounts] = useState<Partial<Record<SubscriberStatus, number>> | null>(null);
  const [countsError, setCountsError] = useState("");
  const [list, setList] = useState<Subscriber[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [listError, setListError] = useState("");
  const [loadingMore, setLoadingMore] = useState(false);
  const [search, setSearch] = useState(q);
  const [said, setSaid] = useState("");
  const [removing, setRemoving] = useState<Subscriber | null>(null);
  const [removeBusy, setRemoveBusy] = useState(false);
  const [removeError, setRemoveError] = useState("");
  const focusNext = useRef<string | null>(null);
  const listSeq = useRef(0);

  const loadCounts = async () => {
    try {
      setCounts(
        (await get<{ counts: Partial<Record<SubscriberStatus, number>> }>("/api/subscribers/counts")).counts,
      );
      setCountsError("");
    } catch (e) {
      setCountsError(messageOf(e));
    }
  };
  const loadList = async (more = false) => {
    const seq = ++listSeq.current;
    if (more) setLoadingMore(true);
    else setListError("");
    try {
      const page = await get<{ subscribers: Subscriber[]; nextCursor: string | null }>(
        `/api/subscribers${query({ status, q: q || undefined, limit: 50, cursor: more ? cursor : undefined })}`,
      );
      if (seq !== listSeq.current) return;
      setList((old) => (more && old ? [...old, ...page.subscribers] : page.subscribers));
      setCursor(page.nextCursor);
    } catch (e) {
      if (seq === listSeq.current) setListError(messageOf(e));
    } finally {
      setLoadingMore(false);
    }
  };

  useEffect(() => {
    void loadCounts();
  }, []);
  useEffect(() => {
    setList(null);
    setCursor(null);
    setSearch(q);
    void loadList();
  }, [status, q]);
  useEffect(() => {
    const id = focusNext.current;
    if (!id) return;
    focusNext.current = null;
    document.getElementById(id)?.focus();
  });

  const confirmRemove = async () => {
    if (!removing) return;
    setRemoveBusy(true);
    setRemoveError("");
    try {
      await del(`/api/subscribers/${encodeURIComponent(removing.id)}`);
      const rows = list ?? [];
      const k = rows.findIndex((s) => s.id === removing.id);
      const neighbour = rows[k + 1] ?? rows[k - 1];
      focusNext.current = neighbour ? rowId(neighbour.id) : "sub-list-title";
      setList(rows.filter((s) => s.id !== removing.id));
      setSaid(t("deleted", { email: removing.email }));
      setRemoving(null);
      void loadCounts();
    } catch (e) {
      setRemoveError(messageOf(e));
    } finally {
      setRemoveBusy(false);
    }
  };

  return (
    <section class="subscribers-view" aria-labelledby="sub-title">
      <h1 id="sub-title">{t("title")}</h1>
      <section class="panel" aria-labelledby="sub-counts-title">
        <h2 id="sub-counts-title" class="sr-only">
          {t("counts")}
        </h2>
        <p role="alert" class="error">
          {countsError}
        </p>
        <dl class="sub-counts">
          {SUBSCRIBER_STATUSES.map((s) => (
            <div key={s} class={s === status ? "current" : undefined}>
              <dt>{t(s)}</dt>
              <dd>{counts ? (counts[s] ?? 0) : "…"}</dd>
            </div>
          ))}
        </dl>
      </section>

      <div class="sub-tools">
        <AddForm
          onAdded={(s) => {
            setSaid(t("added", { email: s.email }));
            void loadCounts();
            if (s.status === status) void loadList();
          }}
        />
        <ImportForm
          onImported={() => {
            void loadCounts();
            void loadList();
          }}
        />
      </div>

      <section class="panel" aria-labelledby="sub-list-title">
        <h2 id="sub-list-title" tabIndex={-1}>
          {t("listTitle")}
        </h2>
        <form
          class="row sub-filter"
          onSubmit={(e) => {
            e.preventDefault();
            setParams({ status: status === "active" ? undefined : status, q: search.trim() || undefined });
          }}
        >
          <label for="sub-status">{t("status")}</label>
          <select
            id="sub-status"
            value={status}
            onChange={(e) => {
              const v = (e.currentTarget as HTMLSelectElement).value;
              setParams({ status: v === "active" ? undefined : v, q: q || undefined });
            }}
          >
            {SUBSCRIBER_STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(s)}
                {counts ? ` (${counts[s] ?? 0})` : ""}
              </option>
            ))}
          </select>
          <label for="sub-q" class="sr-only">
            {t("search")}
          </label>
          <input
            id="sub-q"
            type="search"
            class="grow"
            placeholder={t("search")}
            value={search}
            maxLength={320}
            aria-describedby="sub-list-error"
            onInput={(e) => setSearch((e.currentTarget as HTMLInputElement).value)}
          />
          <button type="submit" class="secondary">
            {t("searchButton")}
          </button>
          {q && (
            <button
              type="button"
              class="secondary"
              onClick={() => setParams({ status: status === "active" ? undefined : status })}
            >
              {t("clear")}
            </button>
          )}
        </form>
        <p id="sub-list-error" role="alert" class="error">
          {listError}
        </p>
        <p class="sr-only" aria-live="polite">
          {said}
        </p>
        {list === null ? (
          !listError && <p class="hint">{t("loading")}</p>
        ) : list.length === 0 && !cursor ? (
          <p class="hint">{q ? t("noneFound", { q }) : t("none")}</p>
        ) : (
          <>
            <table class="list sub-table">
              <thead>
                <tr>
                  <th scope="col">{t("address")}</th>
                  <th scope="col">{t("status")}</th>
                  <th scope="col">{t("source")}</th>
                  <th scope="col">{t("added_at")}</th>
                  <th scope="col">{t("state_since")}</th>
                  <th scope="col">
                    <span class="sr-only">{t("actions")}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {list.map((s) => (
                  <tr key={s.id}>
                    <td class="sub-email">{s.email}</td>
                    <td>
                      <span class={`badge sub-${s.status}`}>{t(s.status)}</span>
                      {s.suppressedReason && <span class="hint"> {s.suppressedReason}</span>}
                    </td>
                    <td>
                      <span class="m-label">{t("source")}: </span>
                      {t(`src_${s.source}` as Key)}
                    </td>
                    <td>
                      <span class="m-label">{t("added_at")}: </span>
                      {formatDate(s.createdAt)}
                    </td>
                    <td>
                      {sinceOf(s) && (
                        <>
                          <span class="m-label">{t("state_since")}: </span>
                          {formatDate(sinceOf(s))}
                        </>
                      )}
                    </td>
                    <td>
                      <button
                        type="button"
                        class="secondary"
                        id={rowId(s.id)}
                        aria-label={t("deleteLabel", { email: s.email })}
                        onClick={() => {
                          setRemoveError("");
                          setRemoving(s);
                        }}
                      >
                        {t("delete")}
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            <div class="row">
              <span class="hint">{t("shown", { n: list.length })}</span>
              {cursor && (
                <button type="button" class="secondary" onClick={() => loadList(true)} disabled={loadingMore}>
                  {loadingMore ? t("loading") : t("more")}
                </button>
              )}
            </div>
          </>
        )}
      </section>

      {removing && (
        <ConfirmDialog
          title={t("deleteTitle", { email: removing.email })}
          confirmLabel={t("delete")}
          danger
          busy={removeBusy}
          error={removeError}
          onConfirm={confirmRemove}
          onClose={() => setRemoving(null)}
        >
          <p>{t("deleteBody")}</p>
        </ConfirmDialog>
      )}
    </section>
  );
}

function AddForm({ onAdded }: { onAdded: (s: Subscriber) => void }) {
  const t = useT(DICT);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState("");
  const [done, setDone] = useState("");
  const submit = async (e: Event) => {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const email = String(new FormData(form).get("email") ?? "").trim();
    setBusy(true);
    setError("");
    setDone("");
    try {
      const s = await post<Subscriber>("/api/subscribers", { email });
      form.reset();
      setDone(t("added", { email: s.email }));
      onAdded(s);
    } catch (err) {
      setError(problemAt(err, "email") ?? messageOf(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="panel" aria-labelledby="sub-add-title">
      <h2 id="sub-add-title">{t("addTitle")}</h2>
      <form onSubmit={submit}>
        <label for="sub-email">{t("email")}</label>
        <div class="row">
          <input
            id="sub-email"
            name="email"
            type="email"
            required
            maxLength={320}
            autocomplete="off"
            class="grow"
            aria-invalid={error ? true : undefined}
            aria-describedby="sub-email-error"
          />
          <button type="submit" disabled={busy}>
            {busy ? t("adding") : t("add")}
          </button>
        </div>
        <p id="sub-email-error" role="alert" class="error">
          {error}
        </p>
        <p role="status" class="ok">
          {done}
        </p>
      </form>
    </section>
  );
}

function ImportForm({ onImported }: { onImported: () => void }) {
  const t = useT(DICT);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState("");
  const [result, setResult] = useState<ImportResult | null>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    const file = data.get("file");
    setError("");
    setResult(null);
    if (!(file instanceof File) || !file.name) {
      setError(t("noFile"));
      return;
    }
    setBusy(true);
    try {
      setResult(await post<ImportResult>("/api/subscribers/import", data));
      form.reset();
      onImported();
    } catch (err) {
      setError(problemAt(err, "file") ?? messageOf(err));
    } finally {
      setBusy(false);
    }
  };
  const reasons = result ? Object.entries(result.skippedBy).filter(([, n]) => n > 0) : [];
  return (
    <section class="panel" aria-labelledby="sub-import-title">
      <h2 id="sub-import-title">{t("importTitle")}</h2>
      <form onSubmit={submit}>
        <label for="sub-file">{t("file")}</label>
        <div class="row">
          <input
            id="sub-file"
            name="file"
            type="file"
            accept=".csv,text/csv"
            class="grow"
            aria-invalid={error ? true : undefined}
            aria-describedby="sub-file-hint sub-file-error"
          />
          <button type="submit" disabled={busy}>
            {busy ? t("importing") : t("import")}
          </button>
        </div>
        <p id="sub-file-hint" class="hint">
          {t("fileHint")}
        </p>
        <p id="sub-file-error" role="alert" class="error">
          {error}
        </p>
      </form>
      <div role="status">
        {result && (
          <>
            <p class="ok">
              {t("imported", {
                imported: result.imported,
                skipped: result.skipped,
                invalid: result.invalid.length,
              })}
            </p>
            {reasons.length > 0 && (
              <p class="hint">
                {t("skippedWhy")}{" "}
                {reasons
                  .map(([why, n]) => `${`skip_${why}` in DICT.en ? t(`skip_${why}` as Key) : why}: ${n}`)
                  .join(", ")}
              </p>
            )}
          </>
        )}
      </div>
      {result && result.invalid.length > 0 && (
        <table class="list sub-invalid">
          <caption>{t("invalidTitle")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("row")}</th>
              <th scope="col">{t("value")}</th>
              <th scope="col">{t("reason")}</th>
            </tr>
          </thead>
          <tbody>
            {result.invalid.map((r) => (
              <tr key={`${r.row}-${r.value}`}>
                <td>
                  <span class="m-label">{t("row")}: </span>
                  {r.row}
                </td>
                <td class="sub-email">
                  <span class="m-label">{t("value")}: </span>
                  {r.value}
                </td>
                <td>
                  <span class="m-label">{t("reason")}: </span>
                  {r.reason}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p class="sub-export">
        <a class="button secondary" href="/api/subscribers/export" download>
          {t("export")}
        </a>{" "}
        <span class="hint">{t("exportHint")}</span>
      </p>
    </section>
  );
}

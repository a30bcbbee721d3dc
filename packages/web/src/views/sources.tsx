/**
 * The sources and their health at a glance: what each one reads, whether it is on, when it last
 * worked and will next be polled, how many polls failed in a row and the last error (with what to
 * do about it), entries skipped. Sources are added (a feed URL, a GitHub repository, a Kaggle
 * search), switched on and off, deleted, and polled now, one or all, with the outcome in words.
 */
import { useEffect, useId, useState } from "preact/hooks";
import { ApiError, del, get, patch, post } from "../api.js";
import { ConfirmDialog } from "../components/dialog.js";
import { type Dict, formatDate, useT } from "../i18n.js";
import { composing } from "../keys.js";
import type { PollResult, Source, SourceKind } from "../types.js";
import type { ViewProps } from "./props.js";
import "./sources.css";

/** While a source waits for its first poll, the table is read again this often. */
const REFRESH_MS = 5000;

type AdviceKey =
  | "adviceBlocked"
  | "adviceDns"
  | "adviceTimeout"
  | "adviceRateLimited"
  | "adviceNotFound"
  | "adviceRefused"
  | "adviceServer"
  | "adviceNotFeed"
  | "adviceCredentials"
  | "adviceDefault";

const DICT: Dict<
  | "title"
  | "intro"
  | "pollAll"
  | "pollingAll"
  | "polledAll"
  | "polledAllFailed"
  | "addTitle"
  | "kind"
  | SourceKind
  | `${SourceKind}Option`
  | "url"
  | "urlHint"
  | "repo"
  | "repoHint"
  | "search"
  | "searchHint"
  | "platform"
  | "platformHint"
  | "listingHint"
  | "category"
  | "categoryHint"
  | "name"
  | "nameHint"
  | "add"
  | "adding"
  | "added"
  | "list"
  | "colSource"
  | "colEnabled"
  | "colLastSuccess"
  | "colNextPoll"
  | "colHealth"
  | "colSkipped"
  | "colActions"
  | "enabled"
  | "never"
  | "off"
  | "dueNow"
  | "healthy"
  | "notPolled"
  | "failures"
  | "lastError"
  | "lastWarning"
  | "movedFrom"
  | "skippedN"
  | "pollNow"
  | "polling"
  | "resultNew"
  | "resultNone"
  | "resultNotModified"
  | "resultError"
  | "delete"
  | "deleteTitle"
  | "deleteMessage"
  | "cancel"
  | "deleted"
  | "loading"
  | "empty"
  | "allSearch"
  | AdviceKey
> = {
  en: {
    title: "Sources",
    intro: "Feeds, GitHub repositories and Kaggle searches polled for candidates.",
    pollAll: "Poll all now",
    pollingAll: "Polling all sources…",
    polledAll: "Polled {n} sources: {items} new items.",
    polledAllFailed: "Polled {n} sources: {items} new items; {failed} failed (see the table).",
    addTitle: "Add a source",
    kind: "Kind",
    feed: "Feed",
    github: "GitHub",
    competitions: "Competitions",
    kaggle: "Kaggle",
    feedOption: "Feed (RSS, Atom or JSON Feed)",
    githubOption: "GitHub repository (its releases)",
    kaggleOption: "Kaggle competitions (a search)",
    competitionsOption: "Competitions of another platform",
    url: "Feed URL",
    urlHint: "The feed's own address, often ending in /feed, /rss.xml or /atom.xml.",
    repo: "Repository (owner/name)",
    repoHint: "For example huggingface/transformers: each release becomes a candidate.",
    search: "Search (optional)",
    searchHint: "Words to look for in competitions; empty: every competition.",
    platform: "Platform",
    platformHint: "zindi, codabench, aicrowd, codalab or mlcontests (DrivenData, conference challenges, …).",
    listingHint: "Optional: another listing of the same shape; empty: the platform's own.",
    category: "Category (optional)",
    categoryHint: "For example featured, research, playground or getting started.",
    name: "Name (optional)",
    nameHint: "Shown on the cards; the site's own name when empty.",
    add: "Add source",
    adding: "Adding…",
    added: "Added “{name}”. It will be polled shortly, or poll it now.",
    list: "Every source",
    colSource: "Source",
    colEnabled: "Enabled",
    colLastSuccess: "Last success",
    colNextPoll: "Next poll",
    colHealth: "Health",
    colSkipped: "Skipped",
    colActions: "Actions",
    enabled: "Enabled",
    never: "Never",
    off: "Off",
    dueNow: "Due now",
    healthy: "OK",
    notPolled: "Not polled yet",
    failures: "{n} failed polls in a row",
    lastError: "Last error",
    lastWarning: "Warning",
    movedFrom: "Moved here (permanent redirect) from {url}",
    skippedN: "{n} skipped in the last poll",
    pollNow: "Poll now",
    polling: "Polling…",
    resultNew: "{n} new items.",
    resultNone: "No new items.",
    resultNotModified: "Not modified since the last poll.",
    resultError: "Failed: {error}",
    delete: "Delete",
    deleteTitle: "Delete “{name}”?",
    deleteMessage: "It will not be polled again. The items it found stay in the candidates.",
    cancel: "Cancel",
    deleted: "Deleted “{name}”.",
    loading: "Loading sources…",
    empty: "No sources yet: add a feed, a GitHub repository or a Kaggle search above.",
    allSearch: "all competitions",
    adviceBlocked:
      "The address is on a private or local network, which is refused. For a feed on this machine, start with ALLOW_PRIVATE_NETWORK=1.",
    adviceDns: "The host name does not resolve: check the address for a typo.",
    adviceTimeout:
      "The site did not answer in time. It is tried again later; check the address if it keeps failing.",
    adviceRateLimited: "The site asks us to slow down. It is tried again after the wait it named.",
    adviceNotFound:
      "Nothing is at this address any more: find the feed's new address, then delete this source and add that one.",
    adviceRefused:
      "The site refuses access. For GitHub, set GITHUB_TOKEN; otherwise check that the address is public.",
    adviceServer: "The site had an error of its own. It is tried again later.",
    adviceNotFeed:
      "The address gives a page, not a feed: use the feed's own address (look for an RSS link on the site).",
    adviceCredentials:
      "Kaggle needs credentials: set KAGGLE_API_TOKEN, or KAGGLE_USERNAME and KAGGLE_KEY, and restart.",
    adviceDefault:
      "It is tried again with growing pauses (at most a day apart). Fix the cause, then poll now.",
  },
  ja: {
    title: "ソース",
    intro: "候補を集めるフィード、GitHub リポジトリ、Kaggle の検索です。",
    pollAll: "すべて今すぐ取得",
    pollingAll: "すべてのソースを取得中です…",
    polledAll: "{n} 件のソースを取得しました。新着は {items} 件です。",
    polledAllFailed:
      "{n} 件のソースを取得しました。新着は {items} 件、失敗は {failed} 件です(表を確認してください)。",
    addTitle: "ソースを追加",
    kind: "種類",
    feed: "フィード",
    github: "GitHub",
    competitions: "コンペ",
    kaggle: "Kaggle",
    feedOption: "フィード(RSS・Atom・JSON Feed)",
    githubOption: "GitHub リポジトリ(リリース)",
    kaggleOption: "Kaggle コンペ(検索)",
    competitionsOption: "ほかのプラットフォームのコンペ",
    url: "フィードの URL",
    urlHint: "フィードそのもののアドレスです。多くは /feed、/rss.xml、/atom.xml で終わります。",
    repo: "リポジトリ(owner/name)",
    repoHint: "例: huggingface/transformers。リリースごとに候補になります。",
    search: "検索語(任意)",
    searchHint: "コンペを探す語です。空欄ならすべてのコンペが対象です。",
    platform: "プラットフォーム",
    platformHint:
      "zindi、codabench、aicrowd、codalab、mlcontests(DrivenData や学会のコンペなど)のいずれかです。",
    listingHint: "省略できます。同じ形の別の一覧を読むときだけ指定します。",
    category: "カテゴリ(任意)",
    categoryHint: "例: featured、research、playground、getting started。",
    name: "名前(任意)",
    nameHint: "カードに表示されます。空欄ならサイトの名前を使います。",
    add: "ソースを追加",
    adding: "追加中…",
    added: "「{name}」を追加しました。まもなく取得されます。今すぐ取得することもできます。",
    list: "すべてのソース",
    colSource: "ソース",
    colEnabled: "有効",
    colLastSuccess: "最終成功",
    colNextPoll: "次回取得",
    colHealth: "状態",
    colSkipped: "スキップ",
    colActions: "操作",
    enabled: "有効",
    never: "なし",
    off: "停止中",
    dueNow: "まもなく",
    healthy: "正常",
    notPolled: "未取得",
    failures: "{n} 回連続で失敗",
    lastError: "直近のエラー",
    lastWarning: "警告",
    movedFrom: "恒久的なリダイレクトにより {url} から移動しました",
    skippedN: "前回の取得で {n} 件をスキップ",
    pollNow: "今すぐ取得",
    polling: "取得中…",
    resultNew: "新着は {n} 件です。",
    resultNone: "新着はありません。",
    resultNotModified: "前回の取得から変更はありません。",
    resultError: "失敗しました: {error}",
    delete: "削除",
    deleteTitle: "「{name}」を削除しますか?",
    deleteMessage: "今後は取得されません。このソースで見つかった項目は候補に残ります。",
    cancel: "キャンセル",
    deleted: "「{name}」を削除しました。",
    loading: "ソースを読み込み中です…",
    empty:
      "ソースがまだありません。上のフォームからフィード、GitHub リポジトリ、Kaggle の検索を追加してください。",
    allSearch: "すべてのコンペ",
    adviceBlocked:
      "プライベートネットワークまたはローカルのアドレスのため拒否されました。このマシン上のフィードを使うには ALLOW_PRIVATE_NETWORK=1 を付けて起動してください。",
    adviceDns: "ホスト名を解決できません。アドレスに誤りがないか確認してください。",
    adviceTimeout:
      "サイトが時間内に応答しませんでした。後で再試行します。失敗が続く場合はアドレスを確認してください。",
    adviceRateLimited: "サイトからアクセスを控えるよう求められました。指定された時間の後に再試行します。",
    adviceNotFound:
      "このアドレスには何もありません。フィードの新しいアドレスを探し、このソースを削除してから追加し直してください。",
    adviceRefused:
      "サイトにアクセスを拒否されました。GitHub なら GITHUB_TOKEN を設定してください。それ以外はアドレスが公開されているか確認してください。",
    adviceServer: "サイト側でエラーが起きています。後で再試行します。",
    adviceNotFeed:
      "このアドレスはフィードではなく通常のページです。フィードそのもののアドレスを指定してください(サイトの RSS リンクを探してください)。",
    adviceCredentials:
      "Kaggle には認証情報が必要です。KAGGLE_API_TOKEN、または KAGGLE_USERNAME と KAGGLE_KEY を設定して再起動してください。",
    adviceDefault:
      "間隔を空けながら(最長 1 日おきに)再試行します。原因を直してから「今すぐ取得」を押してください。",
  },
};

/** What to do about a source's last error, read from its words (core's fetch and adapters). */
export function adviceFor(error: string): AdviceKey {
  const e = error.toLowerCase();
  if (/private|loopback|link-local|not a public internet address|blocked/.test(e)) return "adviceBlocked";
  if (/kaggle needs|kaggle_api_token|kaggle_key/.test(e)) return "adviceCredentials";
  if (/could not resolve|enotfound|eai_again|dns/.test(e)) return "adviceDns";
  if (/\b429\b|rate.?limit|too many requests/.test(e)) return "adviceRateLimited";
  if (/\b(404|410)\b|not found|gone/.test(e)) return "adviceNotFound";
  if (/\b(401|403)\b|forbidden|unauthori[sz]ed|bad credentials/.test(e)) return "adviceRefused";
  if (/within|timed? ?out|timeout|could not connect|econnrefused|econnreset|connection broke/.test(e))
    return "adviceTimeout";
  if (/\b5\d\d\b/.test(e)) return "adviceServer";
  if (/not a feed|html page|not json|not a release list|not a competition list|xml/.test(e))
    return "adviceNotFeed";
  return "adviceDefault";
}

const sourcePath = (id: string) => `/api/sources/${encodeURIComponent(id)}`;
const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** What the source reads: its URL, repository or search. */
function addressOf(s: Source, allSearch: string): string {
  if (s.kind === "feed") return s.url ?? "";
  if (s.kind === "github") return s.repo ?? "";
  // A competition platform's listing: its own unless the source names another.
  if (s.kind === "competitions") return [s.platform, s.url].filter(Boolean).join(" · ");
  const parts = [s.search?.trim() ? `“${s.search}”` : allSearch, s.category].filter(Boolean);
  return parts.join(" · ");
}

export function SourcesView(_props: ViewProps) {
  const t = useT(DICT);
  const [sources, setSources] = useState<Source[] | null>(null);
  const [loadError, setLoadError] = useState("");
  const [rowMessages, setRowMessages] = useState<Record<string, { text: string; error?: boolean }>>({});
  const [busy, setBusy] = useState<Record<string, boolean>>({});
  const [pollAllBusy, setPollAllBusy] = useState(false);
  const [message, setMessage] = useState<{ text: string; error?: boolean }>({ text: "" });
  const [deleting, setDeleting] = useState<Source | null>(null);

  const load = async () => {
    try {
      const res = await get<{ sources: Source[] }>("/api/sources");
      setSources(res.sources);
      setLoadError("");
    } catch (e) {
      setLoadError(errorText(e));
    }
  };
  useEffect(() => {
    void load();
  }, []);

  // A new source is polled in the background: follow it until it has been.
  const waiting = !!sources?.some((s) => s.enabled && !s.lastPolledAt);
  useEffect(() => {
    if (!waiting) return;
    const timer = setTimeout(() => void load(), REFRESH_MS);
    return () => clearTimeout(timer);
  }, [waiting, sources]);

  const replace = (s: Source) => setSources((prev) => prev?.map((x) => (x.id === s.id ? s : x)) ?? [s]);
  const rowMessage = (id: string, text: string, error = false) =>
    setRowMessages((m) => ({ ...m, [id]: { text, error } }));
  const setRowBusy = (id: string, on: boolean) => setBusy((b) => ({ ...b, [id]: on }));

  const resultText = (r: PollResult) =>
    r.status === "error"
      ? t("resultError", { error: r.error ?? "" })
      : r.status === "not_modified"
        ? t("resultNotModified")
        : r.newItems > 0
          ? t("resultNew", { n: r.newItems })
          : t("resultNone");

  const pollOne = async (s: Source) => {
    setRowBusy(s.id, true);
    rowMessage(s.id, t("polling"));
    try {
      const r = await post<PollResult>(`${sourcePath(s.id)}/poll`);
      rowMessage(s.id, resultText(r), r.status === "error");
      replace(await get<Source>(sourcePath(s.id)));
    } catch (e) {
      rowMessage(s.id, errorText(e), true);
    } finally {
      setRowBusy(s.id, false);
    }
  };

  const pollAll = async () => {
    setPollAllBusy(true);
    setMessage({ text: t("pollingAll") });
    try {
      const { results } = await post<{ results: PollResult[] }>("/api/poll?all=1");
      const items = results.reduce((n, r) => n + r.newItems, 0);
      const failed = results.filter((r) => r.status === "error").length;
      setMessage({
        text: failed
          ? t("polledAllFailed", { n: results.length, items, failed })
          : t("polledAll", { n: results.length, items }),
        error: failed > 0,
      });
      setRowMessages((m) => {
        const out = { ...m };
        for (const r of results) out[r.sourceId] = { text: resultText(r), error: r.status === "error" };
        return out;
      });
      await load();
    } catch (e) {
      setMessage({ text: errorText(e), error: true });
    } finally {
      setPollAllBusy(false);
    }
  };

  const toggle = async (s: Source, enabled: boolean) => {
    replace({ ...s, enabled });
    setRowBusy(s.id, true);
    try {
      replace(await patch<Source>(sourcePath(s.id), { enabled }));
      rowMessage(s.id, "");
    } catch (e) {
      replace(s);
      rowMessage(s.id, errorText(e), true);
    } finally {
      setRowBusy(s.id, false);
    }
  };

  const remove = async (s: Source) => {
    setDeleting(null);
    setRowBusy(s.id, true);
    try {
      await del(sourcePath(s.id));
      setSources((prev) => prev?.filter((x) => x.id !== s.id) ?? null);
      setMessage({ text: t("deleted", { name: s.name }) });
      // The row is gone: the focus goes to the heading of the list.
      requestAnimationFrame(() => document.getElementById("sources-list-title")?.focus());
    } catch (e) {
      rowMessage(s.id, errorText(e), true);
      setRowBusy(s.id, false);
    }
  };

  return (
    <div class="sources">
      <div class="row sources-head">
        <h1 class="grow">{t("title")}</h1>
        <button type="button" onClick={pollAll} disabled={pollAllBusy || !sources?.length}>
          {pollAllBusy ? t("pollingAll") : t("pollAll")}
        </button>
      </div>
      <p class="hint">{t("intro")}</p>
      <p class={message.error ? "error" : "ok"} role="status" aria-live="polite">
        {message.text}
      </p>

      <AddSource
        t={t}
        onAdded={(s) => {
          setSources((prev) => [s, ...(prev ?? []).filter((x) => x.id !== s.id)]);
          setMessage({ text: t("added", { name: s.name }) });
        }}
      />

      <section aria-labelledby="sources-list-title">
        <h2 id="sources-list-title" tabindex={-1}>
          {t("list")}
        </h2>
        {loadError && (
          <p class="error" role="alert">
            {loadError}
          </p>
        )}
        {!sources && !loadError && <p class="loading">{t("loading")}</p>}
        {sources && sources.length === 0 && <p class="panel">{t("empty")}</p>}
        {sources && sources.length > 0 && (
          <div class="table-scroll">
            <table class="list sources-table">
              <thead>
                <tr>
                  <th scope="col">{t("colSource")}</th>
                  <th scope="col">{t("colEnabled")}</th>
                  <th scope="col">{t("colLastSuccess")}</th>
                  <th scope="col">{t("colNextPoll")}</th>
                  <th scope="col">{t("colHealth")}</th>
                  <th scope="col">{t("colSkipped")}</th>
                  <th scope="col">{t("colActions")}</th>
                </tr>
              </thead>
              <tbody>
                {sources.map((s) => {
                  const nameId = `source-${s.id}-name`;
                  const rm = rowMessages[s.id];
                  const failing = s.consecutiveFailures > 0 || !!s.lastError;
                  return (
                    <tr key={s.id} class={failing ? "failing" : undefined}>
                      <th scope="row" class="source-name">
                        <span id={nameId}>{s.name}</span>
                        <span class="badge">{t(s.kind)}</span>
                        <span class="source-address">{addressOf(s, t("allSearch"))}</span>
                      </th>
                      <td data-label={t("colEnabled")}>
                        <label class="switch">
                          <input
                            type="checkbox"
                            checked={s.enabled}
                            disabled={busy[s.id]}
                            aria-describedby={nameId}
                            onChange={(e) => toggle(s, (e.target as HTMLInputElement).checked)}
                          />
                          <span>{t("enabled")}</span>
                        </label>
                      </td>
                      <td data-label={t("colLastSuccess")}>
                        {s.lastSuccessAt ? (
                          <time dateTime={s.lastSuccessAt}>{formatDate(s.lastSuccessAt, true)}</time>
                        ) : (
                          t("never")
                        )}
                      </td>
                      <td data-label={t("colNextPoll")}>
                        {!s.enabled ? (
                          t("off")
                        ) : Date.parse(s.nextPollAt) <= Date.now() ? (
                          t("dueNow")
                        ) : (
                          <time dateTime={s.nextPollAt}>{formatDate(s.nextPollAt, true)}</time>
                        )}
                      </td>
                      <td data-label={t("colHealth")} class="health">
                        {!s.lastPolledAt ? (
                          <span class="hint">{t("notPolled")}</span>
                        ) : failing ? (
                          <div class="error">
                            {s.consecutiveFailures > 0 && (
                              <strong>{t("failures", { n: s.consecutiveFailures })}</strong>
                            )}
                            {s.lastError && (
                              <>
                                <p class="source-error">
                                  <span class="sr-only">{t("lastError")}: </span>
                                  {s.lastError}
                                </p>
                                <p class="advice">{t(adviceFor(s.lastError))}</p>
                              </>
                            )}
                          </div>
                        ) : s.lastWarning ? (
                          <p class="source-warning">
                            <span class="sr-only">{t("lastWarning")}: </span>
                            {s.lastWarning}
                          </p>
                        ) : (
                          <span class="ok">{t("healthy")}</span>
                        )}
                        {s.movedFrom && <p class="hint">{t("movedFrom", { url: s.movedFrom })}</p>}
                      </td>
                      <td data-label={t("colSkipped")}>
                        {s.lastSkipped ? (
                          <span title={t("skippedN", { n: s.lastSkipped })}>
                            {s.lastSkipped}
                            <span class="sr-only"> ({t("skippedN", { n: s.lastSkipped })})</span>
                          </span>
                        ) : (
                          "0"
                        )}
                      </td>
                      <td data-label={t("colActions")} class="actions">
                        <div class="row">
                          <button
                            type="button"
                            class="secondary"
                            disabled={busy[s.id]}
                            aria-describedby={nameId}
                            onClick={() => pollOne(s)}
                          >
                            {t("pollNow")}
                          </button>
                          <button
                            type="button"
                            class="secondary danger-text"
                            disabled={busy[s.id]}
                            aria-describedby={nameId}
                            onClick={() => setDeleting(s)}
                          >
                            {t("delete")}
                          </button>
                        </div>
                        <p
                          class={rm?.error ? "error poll-result" : "poll-result"}
                          role="status"
                          aria-live="polite"
                        >
                          {rm?.text ?? ""}
                        </p>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <ConfirmDialog
        open={!!deleting}
        title={t("deleteTitle", { name: deleting?.name ?? "" })}
        message={<p>{t("deleteMessage")}</p>}
        confirmLabel={t("delete")}
        cancelLabel={t("cancel")}
        danger
        onCancel={() => setDeleting(null)}
        onConfirm={() => deleting && remove(deleting)}
      />
    </div>
  );
}

type T = (key: keyof typeof DICT.en, vars?: Record<string, string | number>) => string;

/** The add form: a kind, then the fields of that kind; a 400 is shown under the field it names. */
function AddSource({ t, onAdded }: { t: T; onAdded: (s: Source) => void }) {
  const id = useId();
  const [kind, setKind] = useState<SourceKind>("feed");
  const [fields, setFields] = useState({
    url: "",
    repo: "",
    search: "",
    category: "",
    platform: "",
    name: "",
  });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | Error | null>(null);

  const set = (k: keyof typeof fields) => (e: Event) =>
    setFields((f) => ({ ...f, [k]: (e.target as HTMLInputElement).value }));
  const noImeSubmit = (e: KeyboardEvent) => {
    if (e.key === "Enter" && composing(e)) e.preventDefault();
  };

  const submit = async (e: Event) => {
    e.preventDefault();
    if (busy) return;
    const common = fields.name.trim() ? { name: fields.name.trim() } : {};
    const body =
      kind === "feed"
        ? { kind, url: fields.url.trim(), ...common }
        : kind === "github"
          ? { kind, repo: fields.repo.trim(), ...common }
          : kind === "competitions"
            ? {
                kind,
                platform: fields.platform.trim().toLowerCase(),
                ...(fields.url.trim() ? { url: fields.url.trim() } : {}),
                ...common,
              }
            : {
                kind,
                ...(fields.search.trim() ? { search: fields.search.trim() } : {}),
                ...(fields.category.trim() ? { category: fields.category.trim() } : {}),
                ...common,
              };
    setBusy(true);
    setError(null);
    try {
      const s = await post<Source>("/api/sources", body);
      setFields({ url: "", repo: "", search: "", category: "", platform: "", name: "" });
      onAdded(s);
    } catch (err) {
      setError(err as Error);
    } finally {
      setBusy(false);
    }
  };

  const api = error instanceof ApiError ? error : null;
  const main =
    kind === "feed" ? "url" : kind === "github" ? "repo" : kind === "competitions" ? "platform" : "search";
  const shown: string[] = [
    "kind",
    ...(kind === "feed"
      ? ["url"]
      : kind === "github"
        ? ["repo"]
        : kind === "competitions"
          ? ["platform", "url"]
          : ["search", "category"]),
    "name",
  ];
  /** The API's words for a field; a conflict (the same source twice) belongs to the main field. */
  const fieldError = (name: string): string => {
    const m = api?.field(name);
    if (m) return m;
    if (name === main && api?.status === 409) return api.message;
    return "";
  };
  // Anything not shown under a field is shown under the form, never dropped.
  const other = error && !shown.some((n) => fieldError(n)) ? error.message : "";

  const input = (
    name: keyof typeof fields,
    label: string,
    hint: string,
    extra: Record<string, unknown> = {},
  ) => {
    const err = fieldError(name);
    return (
      <div class="field">
        <label for={`${id}-${name}`}>{label}</label>
        <input
          id={`${id}-${name}`}
          value={fields[name]}
          onInput={set(name)}
          onKeyDown={noImeSubmit}
          autocomplete="off"
          aria-describedby={`${id}-${name}-hint ${id}-${name}-error`}
          aria-invalid={err ? true : undefined}
          {...extra}
        />
        <p id={`${id}-${name}-hint`} class="hint">
          {hint}
        </p>
        <p id={`${id}-${name}-error`} class="error" role="alert">
          {err}
        </p>
      </div>
    );
  };

  return (
    <form class="panel add-source" aria-labelledby={`${id}-title`} onSubmit={submit} noValidate>
      <h2 id={`${id}-title`}>{t("addTitle")}</h2>
      <div class="add-source-fields">
        <div class="field">
          <label for={`${id}-kind`}>{t("kind")}</label>
          <select
            id={`${id}-kind`}
            value={kind}
            onChange={(e) => {
              setKind((e.target as HTMLSelectElement).value as SourceKind);
              setError(null);
            }}
          >
            <option value="feed">{t("feedOption")}</option>
            <option value="github">{t("githubOption")}</option>
            <option value="kaggle">{t("kaggleOption")}</option>
            <option value="competitions">{t("competitionsOption")}</option>
          </select>
          <p id={`${id}-kind-error`} class="error" role="alert">
            {fieldError("kind")}
          </p>
        </div>
        {kind === "feed" &&
          input("url", t("url"), t("urlHint"), {
            type: "url",
            inputMode: "url",
            placeholder: "https://",
            required: true,
          })}
        {kind === "github" &&
          input("repo", t("repo"), t("repoHint"), {
            placeholder: "owner/name",
            required: true,
            spellcheck: false,
          })}
        {kind === "kaggle" && input("search", t("search"), t("searchHint"))}
        {kind === "kaggle" && input("category", t("category"), t("categoryHint"))}
        {kind === "competitions" &&
          input("platform", t("platform"), t("platformHint"), { required: true, spellcheck: false })}
        {kind === "competitions" &&
          input("url", t("url"), t("listingHint"), {
            type: "url",
            inputMode: "url",
            placeholder: "https://",
          })}
        {input("name", t("name"), t("nameHint"), { maxLength: 200 })}
      </div>
      <p class="error" role="alert">
        {other}
      </p>
      <button type="submit" disabled={busy}>
        {busy ? t("adding") : t("add")}
      </button>
    </form>
  );
}

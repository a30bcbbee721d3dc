/**
 * The page's home: the candidates. Filters (status with counts, source, kind, text) live in the
 * hash query so a reload keeps them; pages follow the API's signed cursors ("Load more"). Each card
 * is selected, rejected or put back with one click or one key (j/k move, s, x, u, c, /, ?), the
 * change shown at once and rolled back with the API's words on the card if the PATCH fails. Links
 * are added by URL at the top; on a first run the sources' first polls are followed until done.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import { ApiError, get, patch, post, query } from "../api.js";
import { AddLink } from "../components/add-link.js";
import { Card } from "../components/card.js";
import { CommentBox } from "../components/comment-box.js";
import { ConfirmDialog, Dialog } from "../components/dialog.js";
import { changeable, moveCounts, restore, settleLimit, withStatus } from "../components/triage.js";
import { type Dict, useT } from "../i18n.js";
import { composing, KEY_LIST, type KeyAction, keyAction, step } from "../keys.js";
import { setParams } from "../router.js";
import {
  ITEM_KINDS,
  ITEM_STATUSES,
  type Item,
  type ItemCounts,
  type ItemKind,
  type ItemList,
  type ItemStatus,
  type PollResult,
  type Source,
} from "../types.js";
import type { ViewProps } from "./props.js";
import "./candidates.css";

/** Items per page (the API allows 1–100). */
const PAGE = 30;
/** How often the first-run progress reads the sources again. */
const POLL_PROGRESS_MS = 3000;
/** Typing pause before a text search runs. */
const SEARCH_DEBOUNCE_MS = 300;

const DICT: Dict<
  | "title"
  | "filters"
  | "status"
  | ItemStatus
  | "source"
  | "allSources"
  | "kind"
  | "allKinds"
  | "order"
  | "byDate"
  | "byScore"
  | "byDeadline"
  | "orderHint"
  | ItemKind
  | "search"
  | "searchHint"
  | "list"
  | "loading"
  | "loadMore"
  | "loadingMore"
  | "searchGoesOn"
  | "end"
  | "select"
  | "reject"
  | "undo"
  | "comment"
  | "usedHint"
  | "selectedOne"
  | "rejectedOne"
  | "changedMany"
  | "changedSome"
  | "undone"
  | "undoneMany"
  | "nothingToUndo"
  | "failedOne"
  | "usedKeeps"
  | "bulk"
  | "bulkTitle"
  | "bulkMessage"
  | "bulkConfirm"
  | "cancel"
  | "keys"
  | "keysTitle"
  | "close"
  | `key_${KeyAction}`
  | "polling"
  | "pollingHint"
  | "emptyNoSources"
  | "addSource"
  | "emptyPolling"
  | "emptyFiltered"
  | "clearFilters"
  | "emptyNew"
  | "emptyOther"
  | "pollNow"
  | "pollingNow"
  | "polled"
  | "polledFailed"
  | "justAdded"
  | "alreadyThere"
  | "countsMissing"
> = {
  en: {
    title: "Candidates",
    filters: "Filters",
    status: "Status",
    new: "New",
    selected: "Selected",
    rejected: "Rejected",
    used: "Used",
    source: "Source",
    allSources: "All sources",
    kind: "Kind",
    allKinds: "All kinds",
    order: "Order",
    byDate: "Newest first",
    byScore: "Best score first",
    byDeadline: "Open competitions, deadline first",
    orderHint: "Score and deadline orders cover all sources.",
    article: "Articles",
    release: "Releases",
    competition: "Competitions",
    link: "Links",
    search: "Search",
    searchHint: "Every word must appear in the title, description or domain.",
    list: "Candidates found",
    loading: "Loading candidates…",
    loadMore: "Load more",
    loadingMore: "Loading…",
    searchGoesOn: "The search has looked through part of the list; load more to look further.",
    end: "That is all.",
    select: "Select",
    reject: "Reject",
    undo: "Undo",
    comment: "Comment",
    usedHint: "In a sent issue; it keeps its status.",
    selectedOne: "Selected “{title}”.",
    rejectedOne: "Rejected “{title}”.",
    changedMany: "{status}: {n} items.",
    changedSome: "{status}: {ok} of {n} items. The others could not be changed; the reason is on each card.",
    undone: "Back to {status}: “{title}”.",
    undoneMany: "Back to {status}: {n} items.",
    nothingToUndo: "Nothing to undo.",
    failedOne: "“{title}” could not be changed: {error}",
    usedKeeps: "“{title}” is in a sent issue and keeps its status.",
    bulk: "Reject the rest on this page",
    bulkTitle: "Reject {n} items?",
    bulkMessage:
      "The {n} new items still shown on this page will be rejected. Undo (or the u key) puts them back.",
    bulkConfirm: "Reject {n}",
    cancel: "Cancel",
    keys: "Keyboard shortcuts",
    keysTitle: "Keyboard shortcuts",
    close: "Close",
    key_next: "Next card",
    key_prev: "Previous card",
    key_select: "Select the card",
    key_reject: "Reject the card",
    key_undo: "Undo the last change",
    key_comment: "Comment on the card",
    key_search: "Go to the search",
    key_help: "Show these shortcuts",
    polling: "Polling sources: {done} of {total} done",
    pollingHint: "Candidates appear here as the sources answer.",
    emptyNoSources:
      "No sources yet. Add a feed, a GitHub repository or a Kaggle search, and its items appear here.",
    addSource: "Add a source",
    emptyPolling: "The sources are being polled for the first time; candidates will appear here.",
    emptyFiltered: "Nothing matches these filters.",
    clearFilters: "Clear filters",
    emptyNew: "No new candidates. Poll the sources now, or add a link above.",
    emptyOther: "No items with this status.",
    pollNow: "Poll now",
    pollingNow: "Polling…",
    polled: "Polled {n} sources: {items} new items.",
    polledFailed: "Polled {n} sources: {items} new items; {failed} failed (see Sources).",
    justAdded: "Just added.",
    alreadyThere: "Already in the list.",
    countsMissing: "The counts per status could not be read: {error}",
  },
  ja: {
    title: "候補",
    filters: "絞り込み",
    status: "状態",
    new: "新着",
    selected: "選択済み",
    rejected: "却下",
    used: "掲載済み",
    source: "ソース",
    allSources: "すべてのソース",
    kind: "種類",
    allKinds: "すべての種類",
    order: "並び順",
    byDate: "新しい順",
    byScore: "スコアの高い順",
    byDeadline: "開催中のコンペ（締切が近い順）",
    orderHint: "スコア順と締切順はすべてのソースが対象です。",
    article: "記事",
    release: "リリース",
    competition: "コンペ",
    link: "リンク",
    search: "検索",
    searchHint: "すべての語がタイトル・説明・ドメインのいずれかに含まれるものを表示します。",
    list: "候補の一覧",
    loading: "候補を読み込み中です…",
    loadMore: "さらに読み込む",
    loadingMore: "読み込み中です…",
    searchGoesOn: "一覧の一部だけを検索しました。続きを検索するには「さらに読み込む」を押してください。",
    end: "これで全部です。",
    select: "選択",
    reject: "却下",
    undo: "元に戻す",
    comment: "コメント",
    usedHint: "送信済みの号に掲載されています。状態は変更できません。",
    selectedOne: "「{title}」を選択しました。",
    rejectedOne: "「{title}」を却下しました。",
    changedMany: "{n} 件を「{status}」にしました。",
    changedSome:
      "{n} 件中 {ok} 件を「{status}」にしました。残りは変更できませんでした。理由は各カードに表示しています。",
    undone: "「{title}」を「{status}」に戻しました。",
    undoneMany: "{n} 件を「{status}」に戻しました。",
    nothingToUndo: "元に戻す操作はありません。",
    failedOne: "「{title}」を変更できませんでした: {error}",
    usedKeeps: "「{title}」は送信済みの号に掲載されているため、状態は変わりません。",
    bulk: "このページの残りを却下",
    bulkTitle: "{n} 件を却下しますか?",
    bulkMessage: "このページに表示されている新着 {n} 件を却下します。「元に戻す」(または u キー)で戻せます。",
    bulkConfirm: "{n} 件を却下",
    cancel: "キャンセル",
    keys: "キーボードショートカット",
    keysTitle: "キーボードショートカット",
    close: "閉じる",
    key_next: "次のカード",
    key_prev: "前のカード",
    key_select: "カードを選択",
    key_reject: "カードを却下",
    key_undo: "直前の変更を元に戻す",
    key_comment: "カードにコメント",
    key_search: "検索欄へ移動",
    key_help: "このショートカット一覧を表示",
    polling: "ソースを取得中です: {total} 件中 {done} 件完了",
    pollingHint: "ソースからの応答に応じて、ここに候補が表示されます。",
    emptyNoSources:
      "ソースがまだありません。フィード、GitHub リポジトリ、Kaggle の検索を追加すると、その項目がここに表示されます。",
    addSource: "ソースを追加",
    emptyPolling: "ソースを初めて取得しています。候補はここに表示されます。",
    emptyFiltered: "この条件に合う候補はありません。",
    clearFilters: "絞り込みを解除",
    emptyNew: "新着の候補はありません。今すぐソースを取得するか、上でリンクを追加してください。",
    emptyOther: "この状態の項目はありません。",
    pollNow: "今すぐ取得",
    pollingNow: "取得中です…",
    polled: "{n} 件のソースを取得しました。新着は {items} 件です。",
    polledFailed:
      "{n} 件のソースを取得しました。新着は {items} 件、失敗は {failed} 件です(「ソース」を確認してください)。",
    justAdded: "追加しました。",
    alreadyThere: "すでに一覧にあります。",
    countsMissing: "状態ごとの件数を読み込めませんでした: {error}",
  },
};

/** The listing's order: "" (date), "score", or "open" (open competitions by deadline). */
type Order = "" | "score" | "open";
const ORDERS: readonly Order[] = ["", "score", "open"];

interface Filters {
  status: ItemStatus;
  sourceId: string;
  kind: string;
  q: string;
  order: Order;
}

function filtersOf(params: URLSearchParams): Filters {
  const status = params.get("status") as ItemStatus;
  const kind = params.get("kind") ?? "";
  return {
    status: ITEM_STATUSES.includes(status) ? status : "new",
    sourceId: params.get("sourceId") ?? "",
    kind: (ITEM_KINDS as string[]).includes(kind) ? kind : "",
    q: params.get("q") ?? "",
    order: (ORDERS as string[]).includes(params.get("order") ?? "") ? (params.get("order") as Order) : "",
  };
}

const keyOf = (f: Filters) => JSON.stringify([f.status, f.sourceId, f.kind, f.q, f.order]);

/** The API's parameters for an order (score and deadline orders list all sources). */
const orderQuery = (o: Order) => (o === "score" ? { sort: "score" } : o === "open" ? { open: "true" } : {});

/** One status change, kept for undo: the items as they were, and the list they were changed in. */
interface Change {
  id: number;
  key: string;
  to: ItemStatus;
  before: Item[];
  /** Settles with the ids whose change the API refused. It is recorded before the API answers, so
   * `u` pressed while it is saving undoes this change (after it has settled), not the one before. */
  done: Promise<Set<string>>;
}
let changeIds = 0;

const itemPath = (id: string) => `/api/items/${encodeURIComponent(id)}`;
const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));

export function CandidatesView({ route }: ViewProps) {
  const t = useT(DICT);
  const f = filtersOf(route.params);
  const listKey = keyOf(f);
  const keyRef = useRef(listKey);
  keyRef.current = listKey;

  const [sources, setSources] = useState<Source[] | null>(null);
  const [sourcesError, setSourcesError] = useState("");
  const [items, setItems] = useState<Item[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [loadingMore, setLoadingMore] = useState(false);
  const [listError, setListError] = useState("");
  const [shortPage, setShortPage] = useState(false);
  const [counts, setCounts] = useState<ItemCounts | null>(null);
  const [countsError, setCountsError] = useState("");
  const [current, setCurrent] = useState(0);
  const [cardErrors, setCardErrors] = useState<Record<string, string>>({});
  const [notes, setNotes] = useState<Record<string, string>>({});
  const [history, setHistory] = useState<Change[]>([]);
  const [message, setMessage] = useState("");
  const [commenting, setCommenting] = useState<string | null>(null);
  const [help, setHelp] = useState(false);
  const [bulk, setBulk] = useState<string[] | null>(null);
  const [search, setSearch] = useState(f.q);
  const [pollBusy, setPollBusy] = useState(false);
  const [firstRun, setFirstRun] = useState(false);

  const cards = useRef(new Map<string, HTMLElement>());
  const listRef = useRef<HTMLDivElement>(null);
  const searchRef = useRef<HTMLInputElement>(null);
  const seq = useRef(0);
  const pendingFocus = useRef<number | null>(null);
  const searchTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const imeActive = useRef(false);

  const names: Record<string, string> = {};
  for (const s of sources ?? []) names[s.id] = s.name;
  const sections = [...new Set(items.map((i) => i.section).filter((s): s is string => !!s))];
  const filtered = !!(f.sourceId || f.kind || f.q);

  // ---- loading ----------------------------------------------------------------------------

  const loadSources = async () => {
    try {
      const res = await get<{ sources: Source[] }>("/api/sources");
      setSources(res.sources);
      setSourcesError("");
      return res.sources;
    } catch (e) {
      setSourcesError(errorText(e));
      return null;
    }
  };

  const loadCounts = async () => {
    try {
      const res = await get<{ counts: ItemCounts }>(
        `/api/items/counts${query({ sourceId: f.order ? "" : f.sourceId, kind: f.kind, q: f.q, open: f.order === "open" ? "true" : "" })}`,
      );
      setCounts(res.counts);
      setCountsError("");
    } catch (e) {
      setCounts(null);
      // A server without the counts route (404) just shows no numbers.
      setCountsError(e instanceof ApiError && e.status === 404 ? "" : errorText(e));
    }
  };

  const loadPage = async (from: string | null) => {
    const mine = ++seq.current;
    if (from) setLoadingMore(true);
    else setLoading(true);
    setListError("");
    try {
      const res = await get<ItemList>(
        `/api/items${query({ status: f.status, sourceId: f.order ? "" : f.sourceId, kind: f.kind, q: f.q, ...orderQuery(f.order), limit: PAGE, cursor: from })}`,
      );
      if (mine !== seq.current) return;
      setItems((prev) => {
        if (!from) return res.items;
        const shown = new Set(prev.map((i) => i.id));
        return [...prev, ...res.items.filter((i) => !shown.has(i.id))];
      });
      setCursor(res.nextCursor);
      setShortPage(!!res.nextCursor && res.items.length < PAGE);
    } catch (e) {
      if (mine === seq.current) setListError(errorText(e));
    } finally {
      if (mine === seq.current) {
        setLoading(false);
        setLoadingMore(false);
      }
    }
  };

  const reload = () => {
    void loadPage(null);
    void loadCounts();
  };

  // A new filter: a new list from its first page.
  useEffect(() => {
    setItems([]);
    setCursor(null);
    setCurrent(0);
    setCardErrors({});
    setNotes({});
    setCommenting(null);
    reload();
  }, [listKey]);

  // The sources (names on the cards, the source filter, the first run's progress).
  useEffect(() => {
    void loadSources().then((list) => {
      if ((list ?? []).some((s) => s.enabled && !s.lastPolledAt)) setFirstRun(true);
    });
  }, []);

  // First run: while an enabled source was never polled, read the sources every few seconds and
  // show how many are done; what arrives is shown as it comes (the list while empty, the counts).
  const enabledSources = (sources ?? []).filter((s) => s.enabled);
  const pollTotal = enabledSources.length;
  const pollDone = enabledSources.filter((s) => !!s.lastPolledAt).length;
  const firstRunActive = firstRun && pollDone < pollTotal;
  const lastDone = useRef(-1);
  useEffect(() => {
    if (!firstRun) return;
    if (lastDone.current >= 0 && pollDone > lastDone.current) {
      if (!firstRunActive || items.length === 0) void loadPage(null);
      void loadCounts();
    }
    lastDone.current = pollDone;
    if (!firstRunActive) return;
    const timer = setTimeout(() => void loadSources(), POLL_PROGRESS_MS);
    return () => clearTimeout(timer);
  }, [firstRun, pollDone, firstRunActive, sources]);

  // Keep the search box in step with the address (back button, "Clear filters").
  useEffect(() => {
    if (document.activeElement !== searchRef.current) setSearch(f.q);
  }, [f.q]);

  // ---- filters ----------------------------------------------------------------------------

  const setFilters = (next: Partial<Filters>, replace = false) => {
    const merged = { ...f, ...next };
    setParams(
      {
        status: merged.status,
        sourceId: merged.sourceId,
        kind: merged.kind,
        q: merged.q.trim(),
        order: merged.order,
      },
      { replace },
    );
  };

  const scheduleSearch = (value: string) => {
    clearTimeout(searchTimer.current);
    searchTimer.current = setTimeout(() => setFilters({ q: value }, true), SEARCH_DEBOUNCE_MS);
  };

  // ---- focus ------------------------------------------------------------------------------

  const focusCard = (index: number) => {
    const item = items[index];
    if (!item) return;
    setCurrent(index);
    const el = cards.current.get(item.id);
    if (el) {
      el.focus({ preventScroll: true });
      el.scrollIntoView({ block: "nearest" });
    }
  };

  // After cards left the list, the focus goes to the card now in their place.
  useEffect(() => {
    const at = pendingFocus.current;
    if (at === null) return;
    pendingFocus.current = null;
    if (!items.length) {
      listRef.current?.focus();
      return;
    }
    focusCard(Math.min(at, items.length - 1));
  });

  const focusInList = () => {
    const a = document.activeElement;
    return !a || a === document.body || !!listRef.current?.contains(a);
  };

  // ---- status changes ---------------------------------------------------------------------

  const describe = (to: ItemStatus, changed: Item[], ok: number) => {
    if (changed.length === 1 && ok === 1) {
      const title = changed[0]!.title || changed[0]!.url;
      if (to === "selected") return t("selectedOne", { title });
      if (to === "rejected") return t("rejectedOne", { title });
      return t("undone", { status: t(to), title });
    }
    if (ok === changed.length) return t("changedMany", { status: t(to), n: ok });
    return t("changedSome", { status: t(to), ok, n: changed.length });
  };

  /** Gives `ids` the status `to`: at once on screen, then by PATCH; a failure puts the card back. */
  const changeStatus = async (ids: string[], to: ItemStatus) => {
    const changed = changeable(items, ids, to);
    if (!changed.length) {
      const used = items.find((i) => ids.includes(i.id) && i.status === "used");
      if (used) setMessage(t("usedKeeps", { title: used.title }));
      return;
    }
    const key = listKey;
    const leave = f.status === "new" && to !== "new";
    const first = items.findIndex((i) => i.id === changed[0]!.id);
    if (leave && focusInList()) pendingFocus.current = first;
    setItems((prev) => withStatus(prev, changed, to, leave));
    setCounts(
      (c) =>
        c &&
        moveCounts(
          c,
          changed.map((i) => i.status),
          to,
        ),
    );
    setCardErrors((prev) => {
      const out = { ...prev };
      for (const i of changed) delete out[i.id];
      return out;
    });
    if (commenting && changed.some((i) => i.id === commenting) && leave) setCommenting(null);
    let settle!: (failed: Set<string>) => void;
    const change: Change = {
      id: ++changeIds,
      key,
      to,
      before: changed,
      done: new Promise((r) => (settle = r)),
    };
    setHistory((h) => [...h, change]);

    const results = await settleLimit(changed, 4, (i) => patch<Item>(itemPath(i.id), { status: to }));
    const ok: Item[] = [];
    const saved: Item[] = [];
    const failed: [Item, string][] = [];
    results.forEach((r, n) => {
      const before = changed[n]!;
      if (r.status === "fulfilled") {
        ok.push(before);
        saved.push(r.value);
      } else failed.push([before, errorText(r.reason)]);
    });
    const here = keyRef.current === key;
    setItems((prev) => {
      let out = restore(
        prev,
        failed.map(([i]) => i),
        here,
      );
      // Cards still shown take the API's version of the item.
      const fresh = new Map(saved.map((i) => [i.id, i]));
      out = out.map((i) => fresh.get(i.id) ?? i);
      return out;
    });
    if (failed.length) {
      setCounts((c) => {
        let out = c;
        for (const [i] of failed) out = out && moveCounts(out, [to], i.status);
        return out;
      });
      setCardErrors((prev) => {
        const out = { ...prev };
        for (const [i, e] of failed) out[i.id] = e;
        return out;
      });
    }
    const refused = new Set(failed.map(([i]) => i.id));
    settle(refused);
    if (refused.size)
      setHistory((h) =>
        h
          .map((c) => (c.id === change.id ? { ...c, before: c.before.filter((i) => !refused.has(i.id)) } : c))
          .filter((c) => c.before.length > 0),
      );
    setMessage(
      failed.length && changed.length === 1
        ? t("failedOne", { title: changed[0]!.title || changed[0]!.url, error: failed[0]![1] })
        : describe(to, changed, ok.length),
    );
    // The counts moved with the cards (and back for what was refused): no re-read, which would
    // count the whole table again on every click (npm run cost: the largest line).
  };

  /** Puts the items of a change (or one of them) back to their status before it. */
  const undoChange = async (change: Change, onlyId?: string) => {
    const chosen = onlyId ? change.before.filter((i) => i.id === onlyId) : change.before;
    if (!chosen.length) return;
    const ids = new Set(chosen.map((i) => i.id));
    setHistory((h) =>
      h
        .map((c) => (c.id === change.id ? { ...c, before: c.before.filter((i) => !ids.has(i.id)) } : c))
        .filter((c) => c.before.length > 0),
    );
    // The change may still be saving: undo after it lands, or the two PATCHes could cross.
    const refused = await change.done;
    const before = chosen.filter((i) => !refused.has(i.id));
    if (!before.length) return;
    const here = keyRef.current === change.key;
    setItems((prev) => restore(prev, before, here));
    setCounts((c) => {
      let out = c;
      for (const i of before) out = out && moveCounts(out, [change.to], i.status);
      return out;
    });
    const results = await settleLimit(before, 4, (i) => patch<Item>(itemPath(i.id), { status: i.status }));
    const failed: [Item, string][] = [];
    const saved = new Map<string, Item>();
    results.forEach((r, n) => {
      if (r.status === "fulfilled") saved.set(r.value.id, r.value);
      else failed.push([before[n]!, errorText(r.reason)]);
    });
    setItems((prev) => {
      let out = prev.map((i) => saved.get(i.id) ?? i);
      if (failed.length)
        out = withStatus(
          out,
          failed.map(([i]) => i),
          change.to,
          f.status === "new",
        );
      return out;
    });
    if (failed.length) {
      // What could not be put back stays where the change took it, in the counts too.
      setCounts((c) => {
        let out = c;
        for (const [i] of failed) out = out && moveCounts(out, [i.status], change.to);
        return out;
      });
      setCardErrors((prev) => {
        const out = { ...prev };
        for (const [i, e] of failed) out[i.id] = e;
        return out;
      });
      setMessage(t("failedOne", { title: failed[0]![0].title || failed[0]![0].url, error: failed[0]![1] }));
    } else {
      const status = before[0]!.status;
      setMessage(
        before.length === 1
          ? t("undone", { status: t(status), title: before[0]!.title || before[0]!.url })
          : t("undoneMany", { status: t(status), n: before.length }),
      );
    }
    // Focus the first card put back, when it is on screen.
    const back = before[0]!;
    requestAnimationFrame(() => {
      const el = cards.current.get(back.id);
      if (el && focusInList()) el.focus();
    });
  };

  const undoLast = () => {
    const last = history[history.length - 1];
    if (!last) setMessage(t("nothingToUndo"));
    else void undoChange(last);
  };

  const lastChangeOf = (id: string) => [...history].reverse().find((c) => c.before.some((i) => i.id === id));

  // ---- keyboard ---------------------------------------------------------------------------

  const onKey = useRef<(e: KeyboardEvent) => void>(() => {});
  onKey.current = (e: KeyboardEvent) => {
    if (help || bulk) return;
    const action = keyAction(e);
    if (!action) return;
    const item = items[current];
    switch (action) {
      case "next":
      case "prev":
        e.preventDefault();
        // From outside the cards, the first j/k goes to the highlighted card; then it moves.
        if (focusedIndex() < 0) focusCard(Math.min(Math.max(current, 0), items.length - 1));
        else focusCard(step(focusedIndex(), action === "next" ? 1 : -1, items.length));
        return;
      case "select":
      case "reject":
        if (!item) return;
        e.preventDefault();
        void changeStatus([item.id], action === "select" ? "selected" : "rejected");
        return;
      case "undo":
        e.preventDefault();
        undoLast();
        return;
      case "comment":
        if (!item || item.status === "used") return;
        e.preventDefault();
        setCommenting(item.id);
        return;
      case "search":
        e.preventDefault();
        searchRef.current?.focus();
        searchRef.current?.select();
        return;
      case "help":
        e.preventDefault();
        setHelp(true);
        return;
    }
  };
  useEffect(() => {
    const f = (e: KeyboardEvent) => onKey.current(e);
    document.addEventListener("keydown", f);
    return () => document.removeEventListener("keydown", f);
  }, []);

  /** The index of the card holding the focus, or -1. */
  const focusedIndex = () => {
    const a = document.activeElement;
    if (!a || !listRef.current?.contains(a)) return -1;
    const id = (a.closest("[data-id]") as HTMLElement | null)?.dataset.id;
    return items.findIndex((i) => i.id === id);
  };

  // ---- adding a link ----------------------------------------------------------------------

  const onAdded = (item: Item, created: boolean) => {
    setItems((prev) => [item, ...prev.filter((i) => i.id !== item.id)]);
    setNotes((n) => ({ ...n, [item.id]: created ? t("justAdded") : t("alreadyThere") }));
    setCurrent(0);
    void loadCounts();
  };

  // ---- polling ----------------------------------------------------------------------------

  const pollNow = async () => {
    setPollBusy(true);
    try {
      const { results } = await post<{ results: PollResult[] }>("/api/poll?all=1");
      const newItems = results.reduce((n, r) => n + r.newItems, 0);
      const failed = results.filter((r) => r.status === "error").length;
      setMessage(
        failed
          ? t("polledFailed", { n: results.length, items: newItems, failed })
          : t("polled", { n: results.length, items: newItems }),
      );
      reload();
      void loadSources();
    } catch (e) {
      setMessage(errorText(e));
    } finally {
      setPollBusy(false);
    }
  };

  // ---- rendering --------------------------------------------------------------------------

  const newOnPage = items.filter((i) => i.status === "new").map((i) => i.id);
  const lastChange = history[history.length - 1];

  const empty = () => {
    if (sources && sources.length === 0)
      return (
        <>
          <p>{t("emptyNoSources")}</p>
          <a class="button" href="#/sources">
            {t("addSource")}
          </a>
        </>
      );
    if (firstRunActive) return <p>{t("emptyPolling")}</p>;
    if (filtered)
      return (
        <>
          <p>{t("emptyFiltered")}</p>
          <button
            type="button"
            class="secondary"
            onClick={() => setFilters({ sourceId: "", kind: "", q: "" })}
          >
            {t("clearFilters")}
          </button>
        </>
      );
    if (f.status === "new")
      return (
        <>
          <p>{t("emptyNew")}</p>
          <div class="row">
            <button type="button" onClick={pollNow} disabled={pollBusy}>
              {pollBusy ? t("pollingNow") : t("pollNow")}
            </button>
            <a class="button secondary" href="#/sources">
              {t("addSource")}
            </a>
          </div>
        </>
      );
    return <p>{t("emptyOther")}</p>;
  };

  return (
    <div class="candidates">
      <h1>{t("title")}</h1>

      <AddLink onAdded={onAdded} />

      {firstRunActive && (
        <section class="panel first-run" aria-live="polite">
          <p id="first-run-progress">{t("polling", { done: pollDone, total: pollTotal })}</p>
          <progress max={pollTotal} value={pollDone} aria-labelledby="first-run-progress" />
          <p class="hint">{t("pollingHint")}</p>
        </section>
      )}
      {sourcesError && (
        <p class="error" role="alert">
          {sourcesError}
        </p>
      )}

      <search>
        <form
          class="filters panel"
          aria-label={t("filters")}
          onSubmit={(e) => {
            e.preventDefault();
            clearTimeout(searchTimer.current);
            setFilters({ q: search }, true);
          }}
        >
          <fieldset class="status-tabs">
            <legend class="sr-only">{t("status")}</legend>
            {ITEM_STATUSES.map((s) => (
              <button
                type="button"
                class={s === f.status ? "tab active" : "tab"}
                aria-pressed={s === f.status}
                onClick={() => s !== f.status && setFilters({ status: s })}
              >
                {t(s)}
                {counts && <span class="count">{counts[s] ?? 0}</span>}
              </button>
            ))}
          </fieldset>
          <div class="filter-fields">
            <div class="field">
              <label for="filter-source">{t("source")}</label>
              <select
                id="filter-source"
                value={f.sourceId}
                onChange={(e) => setFilters({ sourceId: (e.target as HTMLSelectElement).value, order: "" })}
              >
                <option value="">{t("allSources")}</option>
                {(sources ?? []).map((s) => (
                  <option value={s.id}>{s.name}</option>
                ))}
                {f.sourceId && !names[f.sourceId] && <option value={f.sourceId}>{f.sourceId}</option>}
              </select>
            </div>
            <div class="field">
              <label for="filter-kind">{t("kind")}</label>
              <select
                id="filter-kind"
                value={f.kind}
                onChange={(e) => setFilters({ kind: (e.target as HTMLSelectElement).value })}
              >
                <option value="">{t("allKinds")}</option>
                {ITEM_KINDS.map((k) => (
                  <option value={k}>{t(k)}</option>
                ))}
              </select>
            </div>
            <div class="field">
              <label for="filter-order" title={t("orderHint")}>
                {t("order")}
              </label>
              <select
                id="filter-order"
                value={f.order}
                onChange={(e) => {
                  const order = (e.target as HTMLSelectElement).value as Order;
                  setFilters(
                    order === "open" ? { order, sourceId: "", kind: "competition" } : { order, sourceId: "" },
                  );
                }}
              >
                <option value="">{t("byDate")}</option>
                <option value="score">{t("byScore")}</option>
                <option value="open">{t("byDeadline")}</option>
              </select>
            </div>
            <div class="field grow">
              <label for="filter-q">{t("search")}</label>
              <input
                id="filter-q"
                ref={searchRef}
                type="search"
                value={search}
                maxLength={200}
                autocomplete="off"
                aria-describedby="filter-q-hint"
                aria-keyshortcuts="/"
                onInput={(e) => {
                  const v = (e.target as HTMLInputElement).value;
                  setSearch(v);
                  if (!imeActive.current) scheduleSearch(v);
                }}
                onCompositionStart={() => {
                  imeActive.current = true;
                }}
                onCompositionEnd={(e) => {
                  imeActive.current = false;
                  scheduleSearch((e.target as HTMLInputElement).value);
                }}
                onKeyDown={(e) => {
                  if (e.key === "Enter" && composing(e)) e.preventDefault();
                  if (e.key === "Escape" && !composing(e) && search) {
                    e.preventDefault();
                    setSearch("");
                    clearTimeout(searchTimer.current);
                    setFilters({ q: "" }, true);
                  }
                }}
              />
              <p id="filter-q-hint" class="hint">
                {t("searchHint")}
              </p>
            </div>
          </div>
          {countsError && (
            <p class="error" role="alert">
              {t("countsMissing", { error: countsError })}
            </p>
          )}
          <div class="row toolbar">
            {f.status === "new" && newOnPage.length > 0 && (
              <button type="button" class="secondary" onClick={() => setBulk(newOnPage)}>
                {t("bulk")}
              </button>
            )}
            <span class="grow" />
            <button type="button" class="secondary" aria-keyshortcuts="?" onClick={() => setHelp(true)}>
              {t("keys")} <kbd>?</kbd>
            </button>
          </div>
        </form>
      </search>

      <section aria-labelledby="list-title" aria-busy={loading}>
        <h2 id="list-title" class="sr-only">
          {t("list")}
        </h2>
        {listError && (
          <p class="error" role="alert">
            {listError}
          </p>
        )}
        <div ref={listRef} tabindex={-1} class="cards">
          {loading && items.length === 0 && <p class="loading">{t("loading")}</p>}
          {!loading && !listError && items.length === 0 && <div class="panel empty">{empty()}</div>}
          {items.map((item, index) => {
            const used = item.status === "used";
            const change = lastChangeOf(item.id);
            const open = commenting === item.id;
            return (
              <Card
                key={item.id}
                item={item}
                sourceNames={names}
                level={3}
                showScore={f.order === "score"}
                current={index === Math.min(current, items.length - 1)}
                note={notes[item.id]}
                error={cardErrors[item.id]}
                cardRef={(el: HTMLElement | null) => {
                  if (el) cards.current.set(item.id, el);
                  else cards.current.delete(item.id);
                }}
                onFocusIn={() => index !== current && setCurrent(index)}
                actions={
                  used ? (
                    <p class="hint">{t("usedHint")}</p>
                  ) : (
                    <>
                      <button
                        type="button"
                        class="select-button"
                        aria-keyshortcuts="s"
                        disabled={item.status === "selected"}
                        onClick={() => changeStatus([item.id], "selected")}
                      >
                        {t("select")}
                      </button>
                      <button
                        type="button"
                        class="secondary reject-button"
                        aria-keyshortcuts="x"
                        disabled={item.status === "rejected"}
                        onClick={() => changeStatus([item.id], "rejected")}
                      >
                        {t("reject")}
                      </button>
                      {change && (
                        <button type="button" class="secondary" onClick={() => undoChange(change, item.id)}>
                          {t("undo")}
                        </button>
                      )}
                      <button
                        type="button"
                        class="secondary comment-button"
                        aria-keyshortcuts="c"
                        aria-expanded={open}
                        onClick={() => setCommenting(open ? null : item.id)}
                      >
                        {t("comment")}
                      </button>
                    </>
                  )
                }
              >
                {open && (
                  <CommentBox
                    item={item}
                    sections={sections}
                    onSaved={(saved) => {
                      setItems((prev) => prev.map((i) => (i.id === saved.id ? saved : i)));
                      setCommenting(null);
                      requestAnimationFrame(() =>
                        cards.current.get(saved.id)?.querySelector<HTMLElement>(".comment-button")?.focus(),
                      );
                    }}
                    onCancel={() => {
                      setCommenting(null);
                      requestAnimationFrame(() =>
                        cards.current.get(item.id)?.querySelector<HTMLElement>(".comment-button")?.focus(),
                      );
                    }}
                  />
                )}
              </Card>
            );
          })}
        </div>
        {items.length > 0 && (
          <div class="more">
            {cursor ? (
              <>
                {shortPage && f.q && <p class="hint">{t("searchGoesOn")}</p>}
                <button
                  type="button"
                  class="secondary"
                  disabled={loadingMore}
                  onClick={() => loadPage(cursor)}
                >
                  {loadingMore ? t("loadingMore") : t("loadMore")}
                </button>
              </>
            ) : (
              !loading && <p class="hint">{t("end")}</p>
            )}
          </div>
        )}
      </section>

      <div class={message ? "toast" : "toast idle"}>
        <p role="status" aria-live="polite" class="grow">
          {message}
        </p>
        {message && lastChange && (
          <button type="button" class="secondary" onClick={undoLast} aria-keyshortcuts="u">
            {t("undo")}
          </button>
        )}
        {message && (
          <button type="button" class="secondary" aria-label={t("close")} onClick={() => setMessage("")}>
            ×
          </button>
        )}
      </div>

      <ConfirmDialog
        open={!!bulk}
        title={t("bulkTitle", { n: bulk?.length ?? 0 })}
        message={<p>{t("bulkMessage", { n: bulk?.length ?? 0 })}</p>}
        confirmLabel={t("bulkConfirm", { n: bulk?.length ?? 0 })}
        cancelLabel={t("cancel")}
        danger
        onCancel={() => setBulk(null)}
        onConfirm={() => {
          const ids = bulk ?? [];
          setBulk(null);
          pendingFocus.current = 0;
          void changeStatus(ids, "rejected");
        }}
      />

      <Dialog open={help} title={t("keysTitle")} onClose={() => setHelp(false)}>
        <dl class="keys">
          {KEY_LIST.map(([key, action]) => (
            <div>
              <dt>
                <kbd>{key}</kbd>
              </dt>
              <dd>{t(`key_${action}`)}</dd>
            </div>
          ))}
          <div>
            <dt>
              <kbd>Esc</kbd>
            </dt>
            <dd>{t("close")}</dd>
          </div>
        </dl>
        <div class="row dialog-actions">
          <button type="button" onClick={() => setHelp(false)} autofocus>
            {t("close")}
          </button>
        </div>
      </Dialog>
    </div>
  );
}

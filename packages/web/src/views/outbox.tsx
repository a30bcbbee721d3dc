/**
 * The outbox of the local run (`#/outbox`, `#/outbox/<id>`): every message the local mail
 * endpoint kept in DATA_DIR/outbox, newest first; one message with its headers, its HTML as the
 * recipient sees it (sandboxed) and its text part, one tab each.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import { get, query } from "../api.js";
import { messageOf } from "../components/issue-errors.js";
import { PreviewFrame } from "../components/preview-frame.js";
import { type Dict, formatDate, useT } from "../i18n.js";
import type { ViewProps } from "./props.js";
import "./outbox.css";

type Key =
  | "title"
  | "localOnly"
  | "refresh"
  | "refreshing"
  | "loading"
  | "none"
  | "date"
  | "from"
  | "to"
  | "subject"
  | "size"
  | "count"
  | "back"
  | "parts"
  | "html"
  | "text"
  | "headers"
  | "htmlTitle"
  | "noHtml"
  | "noText"
  | "name"
  | "value"
  | "noSubject"
  | "retry";

const DICT: Dict<Key> = {
  en: {
    title: "Outbox",
    localOnly: "The outbox exists only in the local run (npm start): there, every mail sent is kept here.",
    refresh: "Refresh",
    refreshing: "Refreshing…",
    loading: "Loading…",
    none: "No messages yet. Confirmation mails, test copies and issues sent by the local run appear here.",
    date: "Date",
    from: "From",
    to: "To",
    subject: "Subject",
    size: "Size",
    count: "{n} messages, newest first",
    back: "All messages",
    parts: "Message parts",
    html: "HTML",
    text: "Text",
    headers: "Headers",
    htmlTitle: "Message HTML",
    noHtml: "This message has no HTML part.",
    noText: "This message has no text part.",
    name: "Name",
    value: "Value",
    noSubject: "(no subject)",
    retry: "Try again",
  },
  ja: {
    title: "送信箱",
    localOnly: "送信箱はローカル実行（npm start）でのみ使えます。送信したメールはすべてここに保存されます。",
    refresh: "更新",
    refreshing: "更新中…",
    loading: "読み込み中…",
    none: "メッセージはまだありません。ローカル実行で送信した確認メール、テストメール、号がここに表示されます。",
    date: "日時",
    from: "差出人",
    to: "宛先",
    subject: "件名",
    size: "サイズ",
    count: "{n} 件（新しい順）",
    back: "メッセージ一覧",
    parts: "メッセージの内容",
    html: "HTML",
    text: "テキスト",
    headers: "ヘッダー",
    htmlTitle: "メッセージの HTML",
    noHtml: "このメッセージには HTML パートがありません。",
    noText: "このメッセージにはテキストパートがありません。",
    name: "名前",
    value: "値",
    noSubject: "（件名なし）",
    retry: "再試行",
  },
};

interface OutboxEntry {
  id: string;
  date: string;
  from: string;
  to: string;
  subject: string;
  size: number;
}

interface OutboxMessage {
  id: string;
  headers: { name: string; value: string }[];
  subject: string;
  from: string;
  to: string;
  date: string;
  html: string | null;
  text: string | null;
}

const sizeOf = (n: number) =>
  n < 1024
    ? `${n} B`
    : n < 1024 * 1024
      ? `${(n / 1024).toFixed(1)} KB`
      : `${(n / 1024 / 1024).toFixed(1)} MB`;

export function OutboxView({ route, session }: ViewProps) {
  const t = useT(DICT);
  if (!session.outbox)
    return (
      <section aria-labelledby="outbox-title">
        <h1 id="outbox-title">{t("title")}</h1>
        <p class="panel">{t("localOnly")}</p>
      </section>
    );
  return route.id ? <MessageView key={route.id} id={route.id} /> : <OutboxList />;
}

function OutboxList() {
  const t = useT(DICT);
  const [messages, setMessages] = useState<OutboxEntry[] | null>(null);
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  const load = async () => {
    setBusy(true);
    setError("");
    try {
      setMessages((await get<{ messages: OutboxEntry[] }>(`/api/outbox${query({ limit: 200 })}`)).messages);
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  };
  useEffect(() => {
    void load();
  }, []);
  return (
    <section class="outbox-view" aria-labelledby="outbox-title">
      <div class="row">
        <h1 id="outbox-title" class="grow">
          {t("title")}
        </h1>
        <button type="button" class="secondary" onClick={load} disabled={busy}>
          {busy && messages ? t("refreshing") : t("refresh")}
        </button>
      </div>
      <p role="alert" class="error">
        {error}
      </p>
      {messages === null ? (
        !error && <p class="hint">{t("loading")}</p>
      ) : messages.length === 0 ? (
        <p class="panel">{t("none")}</p>
      ) : (
        <>
          <p class="hint" role="status">
            {t("count", { n: messages.length })}
          </p>
          <table class="list outbox-table">
            <thead>
              <tr>
                <th scope="col">{t("date")}</th>
                <th scope="col">{t("to")}</th>
                <th scope="col">{t("subject")}</th>
                <th scope="col">{t("size")}</th>
              </tr>
            </thead>
            <tbody>
              {messages.map((m) => (
                <tr key={m.id}>
                  <td class="nowrap">{formatDate(m.date, true)}</td>
                  <td class="outbox-addr">{m.to}</td>
                  <td>
                    <a href={`#/outbox/${encodeURIComponent(m.id)}`}>{m.subject || t("noSubject")}</a>
                  </td>
                  <td class="nowrap">{sizeOf(m.size)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}

const TABS = ["html", "text", "headers"] as const;
type Tab = (typeof TABS)[number];

function MessageView({ id }: { id: string }) {
  const t = useT(DICT);
  const [msg, setMsg] = useState<OutboxMessage | null>(null);
  const [error, setError] = useState("");
  const [tab, setTab] = useState<Tab>("html");
  const tabs = useRef<Record<Tab, HTMLButtonElement | null>>({ html: null, text: null, headers: null });
  const path = `/api/outbox/${encodeURIComponent(id)}`;

  const load = async () => {
    setError("");
    try {
      setMsg(await get<OutboxMessage>(path));
    } catch (e) {
      setError(messageOf(e));
    }
  };
  useEffect(() => {
    void load();
  }, [path]);

  // Tabs as the WAI-ARIA pattern: arrows, Home and End move between them (and select).
  const onKey = (e: KeyboardEvent) => {
    const i = TABS.indexOf(tab);
    const next =
      e.key === "ArrowRight"
        ? TABS[(i + 1) % TABS.length]
        : e.key === "ArrowLeft"
          ? TABS[(i + TABS.length - 1) % TABS.length]
          : e.key === "Home"
            ? TABS[0]
            : e.key === "End"
              ? TABS[TABS.length - 1]
              : undefined;
    if (!next) return;
    e.preventDefault();
    setTab(next);
    tabs.current[next]?.focus();
  };

  return (
    <section class="outbox-view" aria-labelledby="outbox-msg-title">
      <p>
        <a href="#/outbox">
          <span aria-hidden="true">← </span>
          {t("back")}
        </a>
      </p>
      {error ? (
        <div role="alert" class="error row">
          <span>{error}</span>
          <button type="button" class="secondary" onClick={load}>
            {t("retry")}
          </button>
        </div>
      ) : !msg ? (
        <p class="hint">{t("loading")}</p>
      ) : (
        <>
          <h1 id="outbox-msg-title">{msg.subject || t("noSubject")}</h1>
          <dl class="outbox-meta">
            <dt>{t("from")}</dt>
            <dd>{msg.from}</dd>
            <dt>{t("to")}</dt>
            <dd>{msg.to}</dd>
            <dt>{t("date")}</dt>
            <dd>{formatDate(msg.date, true)}</dd>
          </dl>
          <div role="tablist" aria-label={t("parts")} class="tabs" onKeyDown={onKey}>
            {TABS.map((k) => (
              <button
                key={k}
                type="button"
                role="tab"
                id={`outbox-tab-${k}`}
                aria-selected={tab === k}
                aria-controls={`outbox-panel-${k}`}
                tabIndex={tab === k ? 0 : -1}
                class={tab === k ? "tab current" : "tab"}
                ref={(el) => {
                  tabs.current[k] = el;
                }}
                onClick={() => setTab(k)}
              >
                {t(k)}
              </button>
            ))}
          </div>
          <div
            role="tabpanel"
            id="outbox-panel-html"
            aria-labelledby="outbox-tab-html"
            hidden={tab !== "html"}
            class="tabpanel"
          >
            {msg.html ? (
              <PreviewFrame src={`${path}/html`} title={t("htmlTitle")} />
            ) : (
              <p class="hint">{t("noHtml")}</p>
            )}
          </div>
          <div
            role="tabpanel"
            id="outbox-panel-text"
            aria-labelledby="outbox-tab-text"
            hidden={tab !== "text"}
            class="tabpanel"
          >
            {msg.text ? <pre class="outbox-text">{msg.text}</pre> : <p class="hint">{t("noText")}</p>}
          </div>
          <div
            role="tabpanel"
            id="outbox-panel-headers"
            aria-labelledby="outbox-tab-headers"
            hidden={tab !== "headers"}
            class="tabpanel"
          >
            <table class="list outbox-headers">
              <thead>
                <tr>
                  <th scope="col">{t("name")}</th>
                  <th scope="col">{t("value")}</th>
                </tr>
              </thead>
              <tbody>
                {msg.headers.map((h, i) => (
                  <tr key={`${i}-${h.name}`}>
                    <th scope="row">{h.name}</th>
                    <td>{h.value}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}

/**
 * The issues (`#/issues`): number, title, status, delivery counts and dates, newest first; a new
 * draft from the selected items or an empty one, opened in the editor at once.
 */

import { useEffect, useState } from "preact/hooks";
import { get, post } from "../api.js";
import { AutoSaver } from "../components/issue-autosave.js";
import { messageOf, problemAt } from "../components/issue-errors.js";
import type { Issue } from "../components/issue-types.js";
import { type Dict, formatDate, useT } from "../i18n.js";
import { navigate } from "../router.js";
import type { ViewProps } from "./props.js";
import "../components/table-labels.css";
import "./issues.css";

type Key =
  | "title"
  | "fromSelected"
  | "empty"
  | "creating"
  | "loading"
  | "none"
  | "number"
  | "issueTitle"
  | "status"
  | "delivery"
  | "created"
  | "sent"
  | "draft"
  | "sending"
  | "paused"
  | "sentStatus"
  | "deliverySummary"
  | "ambiguous"
  | "noneSelected"
  | "retry";

export const ISSUE_STATUS_KEYS = {
  draft: "draft",
  sending: "sending",
  paused: "paused",
  sent: "sentStatus",
} as const;

const DICT: Dict<Key> = {
  en: {
    title: "Issues",
    fromSelected: "New issue from selected",
    empty: "New empty issue",
    creating: "Creating…",
    loading: "Loading issues…",
    none: "No issues yet. Select candidates, then make an issue from them.",
    number: "No.",
    issueTitle: "Title",
    status: "Status",
    delivery: "Delivery",
    created: "Created",
    sent: "Sent",
    draft: "Draft",
    sending: "Sending",
    paused: "Paused",
    sentStatus: "Sent",
    deliverySummary: "{sent} sent · {failed} failed · {pending} pending",
    ambiguous: "{n} ambiguous",
    noneSelected: "No issue was made: {why}",
    retry: "Try again",
  },
  ja: {
    title: "号",
    fromSelected: "選択した記事から新しい号を作成",
    empty: "空の号を作成",
    creating: "作成中…",
    loading: "号を読み込んでいます…",
    none: "まだ号はありません。候補を選択してから号を作成してください。",
    number: "号数",
    issueTitle: "タイトル",
    status: "状態",
    delivery: "配信",
    created: "作成日",
    sent: "送信日",
    draft: "下書き",
    sending: "送信中",
    paused: "一時停止",
    sentStatus: "送信済み",
    deliverySummary: "送信 {sent}・失敗 {failed}・待機 {pending}",
    ambiguous: "不明 {n}",
    noneSelected: "号を作成できませんでした: {why}",
    retry: "再試行",
  },
};

export function IssuesView(_props: ViewProps) {
  const t = useT(DICT);
  const [issues, setIssues] = useState<Issue[] | null>(null);
  const [loadError, setLoadError] = useState("");
  const [createError, setCreateError] = useState("");
  const [busy, setBusy] = useState<"" | "selected" | "empty">("");

  const load = async () => {
    setLoadError("");
    try {
      // A change the editor was still saving when the list opened is in the list.
      await AutoSaver.settled();
      setIssues((await get<{ issues: Issue[] }>("/api/issues")).issues);
    } catch (e) {
      setLoadError(messageOf(e));
    }
  };
  useEffect(() => {
    void load();
  }, []);

  const create = async (fromSelected: boolean) => {
    setBusy(fromSelected ? "selected" : "empty");
    setCreateError("");
    try {
      const issue = await post<Issue>("/api/issues", fromSelected ? { fromSelected: true } : {});
      navigate(`#/issues/${encodeURIComponent(issue.id)}`);
    } catch (e) {
      const why = problemAt(e, "fromSelected");
      setCreateError(why ? t("noneSelected", { why }) : messageOf(e));
      setBusy("");
    }
  };

  return (
    <section class="issues-view" aria-labelledby="issues-title">
      <div class="row issues-head">
        <h1 id="issues-title" class="grow">
          {t("title")}
        </h1>
        <button
          type="button"
          onClick={() => create(true)}
          disabled={busy !== ""}
          aria-describedby="create-error"
        >
          {busy === "selected" ? t("creating") : t("fromSelected")}
        </button>
        <button
          type="button"
          class="secondary"
          onClick={() => create(false)}
          disabled={busy !== ""}
          aria-describedby="create-error"
        >
          {busy === "empty" ? t("creating") : t("empty")}
        </button>
      </div>
      <p id="create-error" role="alert" class="error">
        {createError}
      </p>
      {loadError ? (
        <div role="alert" class="error row">
          <span>{loadError}</span>
          <button type="button" class="secondary" onClick={load}>
            {t("retry")}
          </button>
        </div>
      ) : issues === null ? (
        <p class="hint" role="status">
          {t("loading")}
        </p>
      ) : issues.length === 0 ? (
        <p class="panel">{t("none")}</p>
      ) : (
        <table class="list issues-table">
          <thead>
            <tr>
              <th scope="col">{t("number")}</th>
              <th scope="col">{t("issueTitle")}</th>
              <th scope="col">{t("status")}</th>
              <th scope="col">{t("delivery")}</th>
              <th scope="col">{t("created")}</th>
              <th scope="col">{t("sent")}</th>
            </tr>
          </thead>
          <tbody>
            {issues.map((i) => (
              <tr key={i.id}>
                <td class="num">#{i.number}</td>
                <td>
                  <a href={`#/issues/${encodeURIComponent(i.id)}`}>{i.title}</a>
                </td>
                <td>
                  <span class={`badge issue-${i.status}`}>{t(ISSUE_STATUS_KEYS[i.status])}</span>
                </td>
                <td class="delivery">
                  {i.status !== "draft" && (
                    <>
                      {t("deliverySummary", {
                        sent: i.delivery.sent,
                        failed: i.delivery.failed,
                        pending: i.delivery.pending,
                      })}
                      {i.delivery.ambiguous > 0 && (
                        <span class="warn"> · {t("ambiguous", { n: i.delivery.ambiguous })}</span>
                      )}
                    </>
                  )}
                </td>
                <td>
                  <span class="m-label">{t("created")}: </span>
                  {formatDate(i.createdAt)}
                </td>
                <td>
                  {i.sentAt && (
                    <>
                      <span class="m-label">{t("sent")}: </span>
                      {formatDate(i.sentAt, true)}
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

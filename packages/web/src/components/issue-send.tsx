/**
 * Sending an issue from the editor: a test copy to one address, the send to every active
 * subscriber (after a dialog naming how many), then the delivery's progress, polled while it
 * runs, with what to do when it is paused, keeps failing, or left recipients ambiguous.
 */

import { useEffect, useRef, useState } from "preact/hooks";
import { ApiError, get, post } from "../api.js";
import { type Dict, formatDate, useT } from "../i18n.js";
import { ConfirmDialog } from "./issue-dialog.js";
import { messageOf, problemAt } from "./issue-errors.js";
import type { Issue, TestCopyResult } from "./issue-types.js";

type Key =
  | "testTitle"
  | "testTo"
  | "testSend"
  | "testSending"
  | "testSent"
  | "testFailed"
  | "send"
  | "sendHint"
  | "sendTitle"
  | "sendTitleOne"
  | "sendTitleUnknown"
  | "sendBody"
  | "sendNobody"
  | "sendConfirm"
  | "countsFailed"
  | "unsaved"
  | "deadLinks"
  | "sendAnyway"
  | "delivery"
  | "progress"
  | "progressText"
  | "listing"
  | "statusSending"
  | "statusPaused"
  | "statusSent"
  | "statusSentAt"
  | "sent"
  | "failed"
  | "pending"
  | "ambiguous"
  | "total"
  | "pausedWhat"
  | "resume"
  | "resuming"
  | "lastError"
  | "lastErrorWhat"
  | "failedWhat"
  | "ambiguousWhat"
  | "resend"
  | "resendTitle"
  | "resendTitleOne"
  | "resendingOne"
  | "resendBody"
  | "resendConfirm"
  | "resending"
  | "publicPage"
  | "pollFailed";

const DICT: Dict<Key> = {
  en: {
    testTitle: "Test copy",
    testTo: "Send a test copy to",
    testSend: "Send test",
    testSending: "Sending…",
    testSent: "Test copy sent to {to}.",
    testFailed: "Not sent to {to}: {why}",
    send: "Send to subscribers",
    sendHint: "Sends this issue to every active subscriber. A sent issue cannot be edited.",
    sendTitle: "Send issue #{n} to {count} subscribers?",
    sendTitleOne: "Send issue #{n} to 1 subscriber?",
    sendTitleUnknown: "Send issue #{n}?",
    sendBody: "“{title}” will be mailed now to every active subscriber. This cannot be undone.",
    sendNobody: "There are no active subscribers: nobody would get it. Add subscribers first.",
    sendConfirm: "Send now",
    countsFailed: "The number of subscribers cannot be read: {why}",
    unsaved: "Some changes are not saved (see the errors on the page). Fix them before sending.",
    deadLinks: "Some links are dead or moved to another site (the preview marks them):",
    sendAnyway: "Send anyway, with these links",
    delivery: "Delivery",
    progress: "Delivery progress",
    progressText: "{done} of {total} handled",
    listing: "Listing the recipients…",
    statusSending: "Sending…",
    statusPaused: "Paused",
    statusSent: "Sent",
    statusSentAt: "Sent on {date}",
    sent: "Sent",
    failed: "Failed",
    pending: "Pending",
    ambiguous: "Ambiguous",
    total: "Recipients",
    pausedWhat: "Nothing more is sent until you resume. Fix what the reason names, then press Resume.",
    resume: "Resume",
    resuming: "Resuming…",
    lastError: "The last send run failed: {message} ({at})",
    lastErrorWhat:
      "It is retried on its own, and the send is resumed every 15 minutes. Wait, or fix the cause and press Resume.",
    failedWhat: "The mail service refused these addresses themselves; everyone else was sent the issue.",
    ambiguousWhat:
      "For these recipients no answer came from the mail service: they may or may not have the issue. They are never sent it again unless you ask.",
    resend: "Resend ambiguous",
    resendTitle: "Send issue #{n} again to {count} ambiguous recipients?",
    resendTitleOne: "Send issue #{n} again to 1 ambiguous recipient?",
    resendingOne: "{warning} Sending again to 1 recipient.",
    resendBody:
      "These recipients may already have the issue: sending again may give some of them a second copy.",
    resendConfirm: "Send again",
    resending: "{warning} Sending again to {count} recipients.",
    publicPage: "Public page of issue #{n}",
    pollFailed: "The progress cannot be read right now: {why}",
  },
  ja: {
    testTitle: "テスト送信",
    testTo: "テスト送信先のアドレス",
    testSend: "テスト送信",
    testSending: "送信中…",
    testSent: "{to} にテストメールを送信しました。",
    testFailed: "{to} には送信できませんでした: {why}",
    send: "購読者に送信",
    sendHint: "この号を有効な購読者全員に送信します。送信後は編集できません。",
    sendTitle: "第{n}号を {count} 人の購読者に送信しますか？",
    sendTitleOne: "第{n}号を 1 人の購読者に送信しますか？",
    sendTitleUnknown: "第{n}号を送信しますか？",
    sendBody: "「{title}」を有効な購読者全員に今すぐ送信します。この操作は取り消せません。",
    sendNobody: "有効な購読者がいないため、誰にも届きません。先に購読者を追加してください。",
    sendConfirm: "今すぐ送信",
    countsFailed: "購読者数を取得できません: {why}",
    unsaved: "保存されていない変更があります（ページ上のエラーをご覧ください）。送信前に修正してください。",
    deadLinks: "リンク切れ、または別のサイトへ移動したリンクがあります（プレビューに表示されます）:",
    sendAnyway: "このまま送信する",
    delivery: "配信",
    progress: "配信の進捗",
    progressText: "{total} 件中 {done} 件を処理しました",
    listing: "宛先を準備しています…",
    statusSending: "送信中…",
    statusPaused: "一時停止中",
    statusSent: "送信済み",
    statusSentAt: "{date} に送信済み",
    sent: "送信済み",
    failed: "失敗",
    pending: "待機中",
    ambiguous: "不明",
    total: "宛先",
    pausedWhat:
      "再開するまで送信は止まっています。理由に書かれた問題を解決してから「再開」を押してください。",
    resume: "再開",
    resuming: "再開中…",
    lastError: "前回の送信処理が失敗しました: {message}（{at}）",
    lastErrorWhat:
      "自動で再試行され、15 分ごとに送信が再開されます。このまま待つか、原因を解決してから「再開」を押してください。",
    failedWhat: "これらのアドレスはメールサービスに拒否されました。それ以外の方には送信されています。",
    ambiguousWhat:
      "これらの宛先はメールサービスから応答がなく、届いたかどうか分かりません。指示しない限り再送はされません。",
    resend: "不明な宛先に再送",
    resendTitle: "第{n}号を不明な宛先 {count} 件に再送しますか？",
    resendTitleOne: "第{n}号を不明な宛先 1 件に再送しますか？",
    resendingOne: "{warning} 1 件の宛先に再送しています。",
    resendBody:
      "これらの宛先にはすでに届いている可能性があり、再送すると 2 通受け取る方がいるかもしれません。",
    resendConfirm: "再送する",
    resending: "{warning} {count} 件の宛先に再送しています。",
    publicPage: "第{n}号の公開ページ",
    pollFailed: "現在、進捗を取得できません: {why}",
  },
};

export interface IssueSendProps {
  issue: Issue;
  onIssue: (issue: Issue) => void;
  /** Saves pending edits; false when some could not be saved. */
  flush: () => Promise<boolean>;
  /** The newsletter's public base URL (the archive page of a sent issue). */
  publicBaseUrl: string;
}

export function IssueSend(p: IssueSendProps) {
  return (
    <>
      {p.issue.status === "draft" ? <SendButton {...p} /> : <Progress {...p} />}
      <TestSend {...p} />
    </>
  );
}

function TestSend({ issue, flush }: IssueSendProps) {
  const t = useT(DICT);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState("");
  const [result, setResult] = useState<string[]>([]);
  const submit = async (e: Event) => {
    e.preventDefault();
    const to = String(new FormData(e.currentTarget as HTMLFormElement).get("to") ?? "").trim();
    setBusy(true);
    setError("");
    setResult([]);
    try {
      if (issue.status === "draft") await flush();
      const r = await post<TestCopyResult>(`/api/issues/${encodeURIComponent(issue.id)}/test`, { to: [to] });
      setResult([
        ...r.sent.map((s) => t("testSent", { to: s.to })),
        ...r.failed.map((f) => t("testFailed", { to: f.to, why: f.error })),
      ]);
    } catch (err) {
      setError(problemAt(err, "to") ?? messageOf(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="panel" aria-labelledby="ie-test-title">
      <h2 id="ie-test-title">{t("testTitle")}</h2>
      <form class="row" onSubmit={submit}>
        <label for="ie-test-to">{t("testTo")}</label>
        <input
          id="ie-test-to"
          name="to"
          type="email"
          required
          autocomplete="email"
          class="grow"
          aria-invalid={error ? true : undefined}
          aria-describedby="ie-test-error"
        />
        <button type="submit" disabled={busy}>
          {busy ? t("testSending") : t("testSend")}
        </button>
      </form>
      <p id="ie-test-error" role="alert" class="error">
        {error}
      </p>
      <div role="status">
        {result.map((line) => (
          <p key={line} class="ok">
            {line}
          </p>
        ))}
      </div>
    </section>
  );
}

function SendButton({ issue, onIssue, flush }: IssueSendProps) {
  const t = useT(DICT);
  const [open, setOpen] = useState(false);
  const [count, setCount] = useState<number | null>(null);
  const [countError, setCountError] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState("");
  // The send's 409 dead_links: each link in words, and whether the editor chose to send anyway.
  const [deadLinks, setDeadLinks] = useState<string[]>([]);
  const [ignoreDeadLinks, setIgnoreDeadLinks] = useState(false);

  const openDialog = async () => {
    setOpen(true);
    setError("");
    setDeadLinks([]);
    setIgnoreDeadLinks(false);
    setCount(null);
    setCountError("");
    try {
      const r = await get<{ counts: Record<string, number> }>("/api/subscribers/counts");
      setCount(r.counts.active ?? 0);
    } catch (e) {
      setCountError(t("countsFailed", { why: messageOf(e) }));
    }
  };
  const confirm = async () => {
    setBusy(true);
    setError("");
    try {
      if (!(await flush())) {
        setError(t("unsaved"));
        return;
      }
      const sent = await post<Issue>(
        `/api/issues/${encodeURIComponent(issue.id)}/send`,
        ignoreDeadLinks ? { ignoreDeadLinks: true } : undefined,
      );
      setOpen(false);
      onIssue(sent);
    } catch (e) {
      if (e instanceof ApiError && e.code === "dead_links") {
        setDeadLinks(e.details.map((d) => d.message));
        setError(t("deadLinks"));
        return;
      }
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  };
  const title =
    count === null
      ? t("sendTitleUnknown", { n: issue.number })
      : count === 1
        ? t("sendTitleOne", { n: issue.number })
        : t("sendTitle", { n: issue.number, count });

  return (
    <section class="panel" aria-labelledby="ie-send-title">
      <h2 id="ie-send-title" class="sr-only">
        {t("send")}
      </h2>
      <p class="hint">{t("sendHint")}</p>
      <button type="button" onClick={openDialog}>
        {t("send")}
      </button>
      {open && (
        <ConfirmDialog
          title={title}
          confirmLabel={t("sendConfirm")}
          busy={busy}
          error={error}
          confirmDisabled={count === 0}
          onConfirm={confirm}
          onClose={() => setOpen(false)}
        >
          <p>{t("sendBody", { title: issue.title })}</p>
          {count === 0 && <p class="error">{t("sendNobody")}</p>}
          {countError && <p class="error">{countError}</p>}
          {deadLinks.length > 0 && (
            <>
              <ul class="dead-links">
                {deadLinks.map((d) => (
                  <li key={d}>{d}</li>
                ))}
              </ul>
              <label>
                <input
                  type="checkbox"
                  checked={ignoreDeadLinks}
                  onChange={(e) => setIgnoreDeadLinks((e.target as HTMLInputElement).checked)}
                />{" "}
                {t("sendAnyway")}
              </label>
            </>
          )}
        </ConfirmDialog>
      )}
    </section>
  );
}

function Progress({ issue, onIssue, publicBaseUrl }: IssueSendProps) {
  const t = useT(DICT);
  const d = issue.delivery;
  const [pollError, setPollError] = useState("");
  const [actionError, setActionError] = useState("");
  const [busy, setBusy] = useState(false);
  const [resendOpen, setResendOpen] = useState(false);
  const [resendError, setResendError] = useState("");
  const [resendNote, setResendNote] = useState("");
  const heading = useRef<HTMLHeadingElement>(null);
  const inFlight = useRef(false);
  const latest = useRef(onIssue);
  latest.current = onIssue;

  // The delivery panel replaces the Send button: focus lands on its heading.
  useEffect(() => {
    if (document.activeElement === document.body || !document.activeElement) heading.current?.focus();
  }, []);

  const active = issue.status === "sending" || (issue.status === "sent" && d.pending > 0);
  useEffect(() => {
    if (!active) return;
    const h = setInterval(async () => {
      if (inFlight.current) return;
      inFlight.current = true;
      try {
        latest.current(await get<Issue>(`/api/issues/${encodeURIComponent(issue.id)}`));
        setPollError("");
      } catch (e) {
        setPollError(t("pollFailed", { why: messageOf(e) }));
      } finally {
        inFlight.current = false;
      }
    }, 1500);
    return () => clearInterval(h);
  }, [active, issue.id]);

  const resume = async () => {
    setBusy(true);
    setActionError("");
    try {
      onIssue(await post<Issue>(`/api/issues/${encodeURIComponent(issue.id)}/resume`));
    } catch (e) {
      setActionError(messageOf(e));
    } finally {
      setBusy(false);
    }
  };
  const resend = async () => {
    setBusy(true);
    setResendError("");
    try {
      const r = await post<{ issue: Issue; resending: unknown[]; warning: string }>(
        `/api/issues/${encodeURIComponent(issue.id)}/resend-ambiguous`,
        { confirm: true },
      );
      setResendOpen(false);
      const count = r.resending.length;
      setResendNote(t(count === 1 ? "resendingOne" : "resending", { warning: r.warning, count }));
      onIssue(r.issue);
    } catch (e) {
      setResendError(messageOf(e));
    } finally {
      setBusy(false);
    }
  };

  const done = d.sent + d.failed + d.ambiguous;
  const listing = issue.status === "sending" && d.total === 0;
  const status =
    issue.status === "sent"
      ? issue.sentAt
        ? t("statusSentAt", { date: formatDate(issue.sentAt, true) })
        : t("statusSent")
      : issue.status === "paused"
        ? t("statusPaused")
        : t("statusSending");
  const publicUrl = `${publicBaseUrl.replace(/\/+$/, "")}/issues/${issue.number}`;

  return (
    <section class="panel ie-delivery" aria-labelledby="ie-delivery-title">
      <h2 id="ie-delivery-title" tabIndex={-1} ref={heading}>
        {t("delivery")}
      </h2>
      <p role="status" class={`send-status ${issue.status}`}>
        {status}
      </p>
      <div class="ie-field">
        <label for="ie-progress">{t("progress")}</label>
        {/* Until the send job has listed the recipients there is nothing to count: no "0 of 0". */}
        {listing ? (
          <progress id="ie-progress" />
        ) : (
          <progress
            id="ie-progress"
            max={Math.max(d.total, 1)}
            value={Math.min(done, Math.max(d.total, 1))}
          />
        )}
        <span class="hint">{listing ? t("listing") : t("progressText", { done, total: d.total })}</span>
      </div>
      <dl class="ie-counts">
        <div>
          <dt>{t("total")}</dt>
          <dd>{d.total}</dd>
        </div>
        <div>
          <dt>{t("sent")}</dt>
          <dd>{d.sent}</dd>
        </div>
        <div>
          <dt>{t("failed")}</dt>
          <dd>{d.failed}</dd>
        </div>
        <div>
          <dt>{t("pending")}</dt>
          <dd>{d.pending}</dd>
        </div>
        <div>
          <dt>{t("ambiguous")}</dt>
          <dd>{d.ambiguous}</dd>
        </div>
      </dl>
      <p role="alert" class="error">
        {pollError}
      </p>
      {issue.status === "paused" && (
        <div class="send-problem">
          <p class="error">{d.paused?.reason ?? t("statusPaused")}</p>
          <p>{t("pausedWhat")}</p>
        </div>
      )}
      {issue.status !== "paused" && d.lastError && (
        <div class="send-problem">
          <p class="error">
            {t("lastError", { message: d.lastError.message, at: formatDate(d.lastError.at, true) })}
          </p>
          <p>{t("lastErrorWhat")}</p>
        </div>
      )}
      {(issue.status === "paused" || (issue.status === "sending" && d.lastError)) && (
        <div class="row">
          <button type="button" onClick={resume} disabled={busy} aria-describedby="ie-resume-error">
            {busy ? t("resuming") : t("resume")}
          </button>
          <p id="ie-resume-error" role="alert" class="error">
            {actionError}
          </p>
        </div>
      )}
      {d.failed > 0 && <p class="hint">{t("failedWhat")}</p>}
      {d.ambiguous > 0 && (
        <div class="send-problem">
          <p>{t("ambiguousWhat")}</p>
          <button type="button" class="secondary" onClick={() => setResendOpen(true)}>
            {t("resend")}
          </button>
        </div>
      )}
      <p role="status" class="ok">
        {resendNote}
      </p>
      {issue.status === "sent" && (
        <p>
          <a href={publicUrl} target="_blank" rel="noopener">
            {t("publicPage", { n: issue.number })}
          </a>
        </p>
      )}
      {resendOpen && (
        <ConfirmDialog
          title={t(d.ambiguous === 1 ? "resendTitleOne" : "resendTitle", {
            n: issue.number,
            count: d.ambiguous,
          })}
          confirmLabel={t("resendConfirm")}
          danger
          busy={busy}
          error={resendError}
          onConfirm={resend}
          onClose={() => setResendOpen(false)}
        >
          <p>{t("resendBody")}</p>
        </ConfirmDialog>
      )}
    </section>
  );
}

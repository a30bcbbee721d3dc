/**
 * The issue editor (`#/issues/<id>`): title, subject, intro and sections of a draft, each change
 * saved with a PATCH of just that field (after a pause in typing, and on blur), the email's live
 * preview beside the form (below it on a phone), a test copy, the send and its progress. A sent
 * issue is shown read-only with a link to its public page.
 */

import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { ApiError, del, get, patch } from "../api.js";
import { AutoSaver, type SaveState } from "../components/issue-autosave.js";
import { ConfirmDialog } from "../components/issue-dialog.js";
import { messageOf, problemAt } from "../components/issue-errors.js";
import { IssuePicker } from "../components/issue-picker.js";
import { SaveBadge } from "../components/issue-save-badge.js";
import { IssueSections, type LocalSection } from "../components/issue-sections.js";
import { IssueSend } from "../components/issue-send.js";
import type { Issue } from "../components/issue-types.js";
import { PreviewFrame } from "../components/preview-frame.js";
import { type Dict, formatDate, useT } from "../i18n.js";
import { navigate } from "../router.js";
import type { Session } from "../session.js";
import type { Item } from "../types.js";
import type { ViewProps } from "./props.js";
import "./issue-editor.css";

type Field = "title" | "subject" | "intro" | "sections";

type Key =
  | "back"
  | "heading"
  | "loading"
  | "notFound"
  | "retry"
  | "title"
  | "subject"
  | "subjectHint"
  | "intro"
  | "introHint"
  | "preview"
  | "previewTitle"
  | "readOnly"
  | "readOnlySending"
  | "allSaved"
  | "saving"
  | "notSaved"
  | "delete"
  | "deleteTitle"
  | "deleteBody"
  | "deleteConfirm"
  | "created"
  | "draft"
  | "sending"
  | "paused"
  | "sent"
  | "content"
  | "newSection"
  | "added"
  | "conflict";

const DICT: Dict<Key> = {
  en: {
    back: "All issues",
    heading: "Issue #{n}",
    loading: "Loading the issue…",
    notFound: "This issue cannot be opened: {why}",
    retry: "Try again",
    title: "Title",
    subject: "Email subject",
    subjectHint: "Left empty, the title is used.",
    intro: "Intro (markdown)",
    introHint: "Opens the email. Markdown: **bold**, *italic*, [link](https://…), lists.",
    preview: "Preview",
    previewTitle: "Email preview",
    readOnly: "This issue was sent: it can no longer be changed.",
    readOnlySending: "This issue is being sent: it can no longer be changed.",
    allSaved: "All changes saved",
    saving: "Saving…",
    notSaved: "Some changes are not saved: see the messages in red.",
    delete: "Delete draft",
    deleteTitle: "Delete draft #{n}?",
    deleteBody: "“{title}” will be deleted. Its items stay selected for another issue.",
    deleteConfirm: "Delete",
    created: "Created {date}",
    draft: "Draft",
    sending: "Sending",
    paused: "Paused",
    sent: "Sent",
    content: "Content",
    newSection: "New section",
    added: "Added “{title}” to “{name}”",
    conflict: "This issue is no longer a draft; it was reloaded.",
  },
  ja: {
    back: "号の一覧",
    heading: "第{n}号",
    loading: "号を読み込んでいます…",
    notFound: "この号を開けません: {why}",
    retry: "再試行",
    title: "タイトル",
    subject: "メールの件名",
    subjectHint: "空欄の場合はタイトルが使われます。",
    intro: "はじめに（Markdown）",
    introHint: "メールの冒頭に表示されます。Markdown: **太字**、*斜体*、[リンク](https://…)、箇条書き。",
    preview: "プレビュー",
    previewTitle: "メールのプレビュー",
    readOnly: "この号は送信済みのため、変更できません。",
    readOnlySending: "この号は送信中のため、変更できません。",
    allSaved: "すべての変更を保存しました",
    saving: "保存中…",
    notSaved: "保存されていない変更があります。赤字のメッセージをご確認ください。",
    delete: "下書きを削除",
    deleteTitle: "下書き第{n}号を削除しますか？",
    deleteBody: "「{title}」を削除します。記事は選択済みのまま残り、別の号で使えます。",
    deleteConfirm: "削除",
    created: "{date} 作成",
    draft: "下書き",
    sending: "送信中",
    paused: "一時停止",
    sent: "送信済み",
    content: "内容",
    newSection: "新しいセクション",
    added: "「{title}」を「{name}」に追加しました",
    conflict: "この号は下書きではなくなったため、再読み込みしました。",
  },
};

/** The shell keeps one view instance across `#/issues/1` → `#/issues/2`: a key starts afresh. */
export function IssueEditorView({ route, session }: ViewProps) {
  return <IssueEditor key={route.id} id={route.id ?? ""} session={session} />;
}

interface Draft {
  title: string;
  subject: string;
  intro: string;
  sections: LocalSection[];
}

let keySeq = 0;
const newKey = () => `s${++keySeq}`;

const toDraft = (i: Issue): Draft => ({
  title: i.title,
  subject: i.subject,
  intro: i.intro,
  sections: i.sections.map((s) => ({
    key: newKey(),
    heading: s.heading,
    body: s.body ?? "",
    itemIds: [...s.itemIds],
  })),
});

const apiSections = (sections: LocalSection[]) =>
  sections.map((s) => ({
    heading: s.heading,
    ...(s.body.trim() ? { body: s.body } : {}),
    itemIds: s.itemIds,
  }));

function IssueEditor({ id, session }: { id: string; session: Session }) {
  const t = useT(DICT);
  const path = `/api/issues/${encodeURIComponent(id)}`;
  const [issue, setIssueState] = useState<Issue | null>(null);
  const issueRef = useRef<Issue | null>(null);
  const setIssue = (i: Issue) => {
    issueRef.current = i;
    setIssueState(i);
  };
  const [loadError, setLoadError] = useState("");
  const [draft, setDraftState] = useState<Draft | null>(null);
  const draftRef = useRef<Draft | null>(null);
  const [items, setItems] = useState<Map<string, Item>>(new Map());
  const [states, setStates] = useState<Partial<Record<Field, SaveState>>>({});
  const statesRef = useRef<Partial<Record<Field, SaveState>>>({});
  const [previewTick, setPreviewTick] = useState(0);
  const [said, setSaid] = useState("");
  const [notice, setNotice] = useState("");
  const [deleting, setDeleting] = useState<"" | "asking" | "busy">("");
  const [deleteError, setDeleteError] = useState("");

  const setDraft = (d: Draft) => {
    draftRef.current = d;
    setDraftState(d);
  };
  const announce = (text: string) => setSaid((old) => (old === text ? `${text}\u00a0` : text));

  const remember = (list: Item[]) =>
    setItems((old) => {
      const next = new Map(old);
      for (const i of list) next.set(i.id, i);
      return next;
    });

  const load = async () => {
    setLoadError("");
    try {
      const i = await get<Issue>(path);
      setIssue(i);
      setDraft(toDraft(i));
      const ids = i.sections.flatMap((s) => s.itemIds);
      const got = await Promise.allSettled(ids.map((x) => get<Item>(`/api/items/${encodeURIComponent(x)}`)));
      remember(got.flatMap((r) => (r.status === "fulfilled" ? [r.value] : [])));
    } catch (e) {
      setLoadError(messageOf(e));
    }
  };

  const saver = useMemo(
    () =>
      new AutoSaver<Field>(
        async (field) => {
          const d = draftRef.current;
          if (!d) return;
          const body = field === "sections" ? { sections: apiSections(d.sections) } : { [field]: d[field] };
          try {
            const updated = await patch<Issue>(path, body);
            setIssue(updated);
            setPreviewTick((n) => n + 1);
          } catch (e) {
            if (e instanceof ApiError && e.status === 409) {
              saver.cancel();
              setNotice(t("conflict"));
              const fresh = await get<Issue>(path).catch(() => null);
              if (fresh) {
                setIssue(fresh);
                setDraft(toDraft(fresh));
              }
            }
            throw e;
          }
        },
        (field, s) => {
          statesRef.current = { ...statesRef.current, [field]: s };
          setStates(statesRef.current);
        },
      ),
    [path],
  );

  useEffect(() => {
    void load();
    const beforeUnload = (e: BeforeUnloadEvent) => {
      if (saver.busy) {
        void saver.flush();
        e.preventDefault();
      }
    };
    addEventListener("beforeunload", beforeUnload);
    return () => {
      removeEventListener("beforeunload", beforeUnload);
      // Leaving the editor: whatever is still waiting is saved now.
      void saver.flush();
    };
  }, [path]);

  const flushAll = async () => {
    await saver.flush();
    return !Object.values(statesRef.current).some((s) => s?.state === "error") && !saver.busy;
  };

  if (loadError)
    return (
      <section class="issue-editor">
        <p>
          <a href="#/issues">← {t("back")}</a>
        </p>
        <div role="alert" class="error row">
          <span>{t("notFound", { why: loadError })}</span>
          <button type="button" class="secondary" onClick={load}>
            {t("retry")}
          </button>
        </div>
      </section>
    );
  if (!issue || !draft)
    return (
      <p class="hint" role="status">
        {t("loading")}
      </p>
    );

  const readOnly = issue.status !== "draft";
  const errOf = (f: Field) => {
    const s = states[f];
    return s?.state === "error" ? s.error : undefined;
  };
  const fieldError = (f: Field) => {
    const e = errOf(f);
    return e ? (problemAt(e, f) ?? messageOf(e)) : "";
  };
  const anySaving = Object.values(states).some((s) => s?.state === "saving" || s?.state === "pending");
  const anyError = Object.values(states).some((s) => s?.state === "error");
  const anyTouched = Object.values(states).some((s) => s && s.state !== "idle");

  const onText = (f: "title" | "subject" | "intro") => (e: Event) => {
    setDraft({ ...draftRef.current!, [f]: (e.currentTarget as HTMLInputElement).value });
    saver.changed(f);
  };
  // Leaving a field saves it now; then it shows what the API kept (trimmed, or the default title).
  const onBlur = (f: Field) => async () => {
    await saver.flush(f);
    if (f === "sections") return;
    const saved = issueRef.current?.[f];
    const now = draftRef.current;
    if (
      saved !== undefined &&
      now &&
      now[f] !== saved &&
      statesRef.current[f]?.state === "saved" &&
      document.activeElement !== document.getElementById(`ie-${f}`)
    )
      setDraft({ ...now, [f]: saved });
  };

  const editSections = (sections: LocalSection[]) => {
    setDraft({ ...draftRef.current!, sections });
    saver.changed("sections");
  };
  const changeSections = (sections: LocalSection[], text: string) => {
    setDraft({ ...draftRef.current!, sections });
    saver.changed("sections", 0);
    void saver.flush("sections");
    announce(text);
  };
  const addFromPicker = (item: Item, to: number) => {
    const d = draftRef.current!;
    let sections = d.sections;
    let index = to;
    if (index < 0 || index >= sections.length) {
      const heading = item.section?.trim() || t("newSection");
      const same = sections.findIndex((s) => s.heading.trim() === heading);
      if (same >= 0) index = same;
      else {
        sections = [...sections, { key: newKey(), heading, body: "", itemIds: [] }];
        index = sections.length - 1;
      }
    }
    const target = sections[index]!;
    sections = sections.map((s, k) => (k === index ? { ...s, itemIds: [...s.itemIds, item.id] } : s));
    remember([item]);
    changeSections(sections, t("added", { title: item.title, name: target.heading }));
  };

  const deleteDraft = async () => {
    setDeleting("busy");
    setDeleteError("");
    try {
      saver.cancel();
      await del(path);
      navigate("#/issues");
    } catch (e) {
      setDeleteError(messageOf(e));
      setDeleting("asking");
    }
  };

  const statusKey = issue.status;
  // Once sending, the delivery comes first; while a draft, the send is the last step below the content.
  const send = (
    <IssueSend
      issue={issue}
      onIssue={(i) => {
        setIssue(i);
        setPreviewTick((n) => n + 1);
      }}
      flush={flushAll}
      publicBaseUrl={session.newsletter.publicBaseUrl}
    />
  );
  const inIssue = new Set(draft.sections.flatMap((s) => s.itemIds));

  return (
    <div class="issue-editor">
      <p class="ie-back">
        <a href="#/issues">
          <span aria-hidden="true">← </span>
          {t("back")}
        </a>
      </p>
      <div class="row ie-head">
        <h1 class="grow">
          {t("heading", { n: issue.number })}{" "}
          <span class={`badge issue-${issue.status}`}>{t(statusKey)}</span>
        </h1>
        <p class={`save-summary${anyError ? " error" : ""}`} role="status">
          {readOnly
            ? ""
            : anyError
              ? t("notSaved")
              : anySaving
                ? t("saving")
                : anyTouched
                  ? t("allSaved")
                  : ""}
        </p>
        {!readOnly && (
          <button type="button" class="danger" onClick={() => setDeleting("asking")}>
            {t("delete")}
          </button>
        )}
      </div>
      <p class="hint">{t("created", { date: formatDate(issue.createdAt, true) })}</p>
      <p role="alert" class="error">
        {notice}
      </p>
      {readOnly && (
        <p class="panel ie-readonly">{issue.status === "sent" ? t("readOnly") : t("readOnlySending")}</p>
      )}
      <p class="sr-only" aria-live="polite">
        {said}
      </p>

      <div class="ie-layout">
        <div class="ie-form">
          {readOnly && send}
          <section class="panel" aria-labelledby="ie-content-title">
            <h2 id="ie-content-title" class="sr-only">
              {t("content")}
            </h2>
            <div class="ie-field">
              <div class="row">
                <label for="ie-title" class="grow">
                  {t("title")}
                </label>
                <SaveBadge state={states.title} />
              </div>
              <input
                id="ie-title"
                value={draft.title}
                maxLength={200}
                disabled={readOnly}
                aria-invalid={errOf("title") ? true : undefined}
                aria-describedby="ie-title-error"
                onInput={onText("title")}
                onBlur={onBlur("title")}
              />
              <p id="ie-title-error" role="alert" class="error">
                {fieldError("title")}
              </p>
            </div>
            <div class="ie-field">
              <div class="row">
                <label for="ie-subject" class="grow">
                  {t("subject")}
                </label>
                <SaveBadge state={states.subject} />
              </div>
              <input
                id="ie-subject"
                value={draft.subject}
                maxLength={200}
                disabled={readOnly}
                aria-invalid={errOf("subject") ? true : undefined}
                aria-describedby="ie-subject-hint ie-subject-error"
                onInput={onText("subject")}
                onBlur={onBlur("subject")}
              />
              <p id="ie-subject-hint" class="hint">
                {t("subjectHint")}
              </p>
              <p id="ie-subject-error" role="alert" class="error">
                {fieldError("subject")}
              </p>
            </div>
            <div class="ie-field">
              <div class="row">
                <label for="ie-intro" class="grow">
                  {t("intro")}
                </label>
                <SaveBadge state={states.intro} />
              </div>
              <textarea
                id="ie-intro"
                value={draft.intro}
                rows={5}
                disabled={readOnly}
                aria-invalid={errOf("intro") ? true : undefined}
                aria-describedby="ie-intro-hint ie-intro-error"
                onInput={onText("intro")}
                onBlur={onBlur("intro")}
              />
              <p id="ie-intro-hint" class="hint">
                {t("introHint")}
              </p>
              <p id="ie-intro-error" role="alert" class="error">
                {fieldError("intro")}
              </p>
            </div>
          </section>

          <IssueSections
            sections={draft.sections}
            items={items}
            readOnly={readOnly}
            error={errOf("sections")}
            saveState={states.sections ?? { state: "idle" }}
            onEdit={editSections}
            onChange={changeSections}
            onBlur={onBlur("sections")}
            newKey={newKey}
          />
          <IssuePicker
            sections={draft.sections}
            inIssue={inIssue}
            readOnly={readOnly}
            onItems={remember}
            onAdd={addFromPicker}
          />
          {!readOnly && send}
        </div>
        <section class="ie-preview" aria-labelledby="ie-preview-title">
          <h2 id="ie-preview-title">{t("preview")}</h2>
          <PreviewFrame src={`${path}/preview?v=${previewTick}`} title={t("previewTitle")} check />
        </section>
      </div>

      {deleting !== "" && (
        <ConfirmDialog
          title={t("deleteTitle", { n: issue.number })}
          confirmLabel={t("deleteConfirm")}
          danger
          busy={deleting === "busy"}
          error={deleteError}
          onConfirm={deleteDraft}
          onClose={() => {
            setDeleting("");
            setDeleteError("");
          }}
        >
          <p>{t("deleteBody", { title: issue.title })}</p>
        </ConfirmDialog>
      )}
    </div>
  );
}

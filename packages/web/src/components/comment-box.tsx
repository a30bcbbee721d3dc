/**
 * The inline comment box of a card: the comment (markdown, with a preview), the section (a
 * suggestion list of the sections in use and the usual ones), Save and Cancel. Saving PATCHes
 * the item's comment and section; a 400 is shown under the field it names. Japanese input works:
 * Enter or Escape while the IME composes belong to the IME, never to the form.
 */
import "./comment-box.css";
import { useEffect, useId, useRef, useState } from "preact/hooks";
import { ApiError, patch } from "../api.js";
import { type Dict, useT } from "../i18n.js";
import { composing } from "../keys.js";
import type { Item } from "../types.js";
import { Markdown } from "./markdown.js";

const DICT: Dict<
  | "comment"
  | "hint"
  | "preview"
  | "edit"
  | "empty"
  | "section"
  | "sectionHint"
  | "save"
  | "saving"
  | "cancel"
  | "box"
> = {
  en: {
    comment: "Comment (markdown)",
    hint: "**bold**, *italic*, `code`, [text](https://…). Ctrl+Enter saves, Escape cancels.",
    preview: "Preview",
    edit: "Edit",
    empty: "Nothing to preview yet.",
    section: "Section",
    sectionHint: "The issue groups items by section.",
    save: "Save",
    saving: "Saving…",
    cancel: "Cancel",
    box: "Comment on {title}",
  },
  ja: {
    comment: "コメント(Markdown)",
    hint: "**太字**、*斜体*、`コード`、[テキスト](https://…) が使えます。Ctrl+Enter で保存、Escape で取り消します。",
    preview: "プレビュー",
    edit: "編集",
    empty: "プレビューする内容はまだありません。",
    section: "セクション",
    sectionHint: "号ではセクションごとに項目がまとめられます。",
    save: "保存",
    saving: "保存中…",
    cancel: "キャンセル",
    box: "{title} へのコメント",
  },
};

/** Offered in every section picker, before the sections already in use. */
export const COMMON_SECTIONS = ["Articles", "記事", "Releases", "Competitions", "Kaggle", "Tips"];

export interface CommentBoxProps {
  item: Item;
  /** Sections already used (shown first in the suggestions). */
  sections: string[];
  /** Saved: the updated item from the API. */
  onSaved: (item: Item) => void;
  onCancel: () => void;
}

export function CommentBox({ item, sections, onSaved, onCancel }: CommentBoxProps) {
  const t = useT(DICT);
  const id = useId();
  const [comment, setComment] = useState(item.comment ?? "");
  const [section, setSection] = useState(item.section ?? "");
  const [preview, setPreview] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | Error | null>(null);
  const area = useRef<HTMLTextAreaElement>(null);

  useEffect(() => {
    area.current?.focus();
  }, []);

  const save = async () => {
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      const saved = await patch<Item>(`/api/items/${encodeURIComponent(item.id)}`, {
        comment: comment.trim() ? comment : null,
        section: section.trim() ? section.trim() : null,
      });
      onSaved(saved);
    } catch (e) {
      setError(e as Error);
      setBusy(false);
    }
  };

  const api = error instanceof ApiError ? error : null;
  const commentError = api?.field("comment");
  const sectionError = api?.field("section");
  const otherError = error && !commentError && !sectionError ? error.message : "";

  const keys = (e: KeyboardEvent) => {
    if (composing(e)) return;
    if (e.key === "Escape") {
      e.preventDefault();
      e.stopPropagation();
      onCancel();
    } else if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      void save();
    }
  };
  const options = [...new Set([...sections, ...COMMON_SECTIONS])];

  return (
    <form
      class="comment-box"
      aria-label={t("box", { title: item.title })}
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
      onKeyDown={keys}
    >
      <div class="comment-head row">
        <label for={`${id}-comment`} class="grow">
          {t("comment")}
        </label>
        <button
          type="button"
          class="secondary small"
          aria-pressed={preview}
          onClick={() => setPreview(!preview)}
        >
          {t("preview")}
        </button>
      </div>
      <textarea
        id={`${id}-comment`}
        ref={area}
        value={comment}
        hidden={preview}
        rows={4}
        maxLength={2000}
        aria-describedby={`${id}-hint ${id}-comment-error`}
        aria-invalid={commentError ? true : undefined}
        onInput={(e) => setComment((e.target as HTMLTextAreaElement).value)}
      />
      {preview && (
        <div class="comment-preview" aria-live="polite">
          {comment.trim() ? <Markdown text={comment} /> : <p class="hint">{t("empty")}</p>}
        </div>
      )}
      <p id={`${id}-hint`} class="hint">
        {t("hint")}
      </p>
      <p id={`${id}-comment-error`} class="error" role="alert">
        {commentError ?? ""}
      </p>
      <label for={`${id}-section`}>{t("section")}</label>
      <input
        id={`${id}-section`}
        list={`${id}-sections`}
        value={section}
        maxLength={100}
        autocomplete="off"
        aria-describedby={`${id}-section-hint ${id}-section-error`}
        aria-invalid={sectionError ? true : undefined}
        onInput={(e) => setSection((e.target as HTMLInputElement).value)}
        onKeyDown={(e) => {
          // The Enter that confirms an IME conversion must not submit the form.
          if (e.key === "Enter" && composing(e)) e.preventDefault();
        }}
      />
      <datalist id={`${id}-sections`}>
        {options.map((s) => (
          <option value={s} />
        ))}
      </datalist>
      <p id={`${id}-section-hint`} class="hint">
        {t("sectionHint")}
      </p>
      <p id={`${id}-section-error`} class="error" role="alert">
        {sectionError ?? ""}
      </p>
      <p class="error" role="alert">
        {otherError}
      </p>
      <div class="row">
        <button type="submit" disabled={busy}>
          {busy ? t("saving") : t("save")}
        </button>
        <button type="button" class="secondary" onClick={onCancel}>
          {t("cancel")}
        </button>
      </div>
    </form>
  );
}

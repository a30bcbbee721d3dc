/**
 * "Add a link": POST /api/items {url, comment?}. The API unfurls the page before answering: 201
 * with a new (selected) item, 200 with the item already known. What went wrong is said under the
 * field: the API's 400 for the URL, or the page that could not be read (item.unfurlError).
 */
import "./add-link.css";
import { useId, useState } from "preact/hooks";
import { ApiError, request } from "../api.js";
import { type Dict, useT } from "../i18n.js";
import { composing } from "../keys.js";
import type { Item } from "../types.js";

const DICT: Dict<
  "title" | "url" | "comment" | "add" | "adding" | "added" | "existing" | "unfurl" | "urlHint"
> = {
  en: {
    title: "Add a link",
    url: "Link URL",
    comment: "Comment (optional)",
    add: "Add",
    adding: "Adding…",
    added: "Added “{title}”. It is selected for the next issue.",
    existing: "Already in the list: “{title}”.",
    unfurl: "Added, but the page could not be read: {error}",
    urlHint: "A page to put in the next issue; its title, description and image are read from it.",
  },
  ja: {
    title: "リンクを追加",
    url: "リンクの URL",
    comment: "コメント(任意)",
    add: "追加",
    adding: "追加中…",
    added: "「{title}」を追加しました。次の号の候補として選択済みです。",
    existing: "すでに一覧にあります: 「{title}」",
    unfurl: "追加しましたが、ページを読み取れませんでした: {error}",
    urlHint: "次の号に載せるページです。タイトル・説明・画像はページから読み取ります。",
  },
};

export interface AddLinkProps {
  /** The item the API answered, and whether it was new (201) or already known (200). */
  onAdded: (item: Item, created: boolean) => void;
}

export function AddLink({ onAdded }: AddLinkProps) {
  const t = useT(DICT);
  const id = useId();
  const [url, setUrl] = useState("");
  const [comment, setComment] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ url?: string; comment?: string; other?: string }>({});
  const [note, setNote] = useState("");

  const submit = async (e: Event) => {
    e.preventDefault();
    if (busy) return;
    setBusy(true);
    setError({});
    setNote("");
    try {
      const res = await fetchAdd(url.trim(), comment.trim());
      const { item, created } = res;
      if (item.unfurlError) setError({ url: t("unfurl", { error: item.unfurlError }) });
      setNote(
        created
          ? t("added", { title: item.title || item.url })
          : t("existing", { title: item.title || item.url }),
      );
      setUrl("");
      setComment("");
      onAdded(item, created);
    } catch (err) {
      if (err instanceof ApiError) {
        const u = err.field("url");
        const c = err.field("comment");
        setError(u || c ? { url: u, comment: c } : { other: err.message });
      } else setError({ other: (err as Error).message });
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="panel add-link" aria-labelledby={`${id}-title`} onSubmit={submit} noValidate>
      <h2 id={`${id}-title`}>{t("title")}</h2>
      <div class="add-link-fields">
        <div class="field grow">
          <label for={`${id}-url`}>{t("url")}</label>
          <input
            id={`${id}-url`}
            type="url"
            inputMode="url"
            autocomplete="off"
            placeholder="https://"
            value={url}
            required
            aria-describedby={`${id}-url-hint ${id}-url-error`}
            aria-invalid={error.url ? true : undefined}
            onInput={(e) => setUrl((e.target as HTMLInputElement).value)}
            onKeyDown={(e) => e.key === "Enter" && composing(e) && e.preventDefault()}
          />
          <p id={`${id}-url-hint`} class="hint">
            {t("urlHint")}
          </p>
          <p id={`${id}-url-error`} class="error" role="alert">
            {error.url ?? ""}
          </p>
        </div>
        <div class="field grow">
          <label for={`${id}-comment`}>{t("comment")}</label>
          <input
            id={`${id}-comment`}
            value={comment}
            maxLength={2000}
            aria-describedby={`${id}-comment-error`}
            aria-invalid={error.comment ? true : undefined}
            onInput={(e) => setComment((e.target as HTMLInputElement).value)}
            onKeyDown={(e) => e.key === "Enter" && composing(e) && e.preventDefault()}
          />
          <p id={`${id}-comment-error`} class="error" role="alert">
            {error.comment ?? ""}
          </p>
        </div>
        <div class="field add-link-submit">
          <span class="label-spacer" aria-hidden="true">
            &nbsp;
          </span>
          <button type="submit" disabled={busy || !url.trim()}>
            {busy ? t("adding") : t("add")}
          </button>
        </div>
      </div>
      <p class="error" role="alert">
        {error.other ?? ""}
      </p>
      <p class="ok" role="status">
        {note}
      </p>
    </form>
  );
}

/** POST /api/items; `created` is the 201 (a new item) against the 200 (already known). */
async function fetchAdd(url: string, comment: string): Promise<{ item: Item; created: boolean }> {
  const res = await request<Item>("POST", "/api/items", comment ? { url, comment } : { url });
  return { item: res.data, created: res.status === 201 };
}

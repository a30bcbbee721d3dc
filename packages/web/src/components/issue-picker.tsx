/**
 * The selected items that are not in the issue yet (GET /api/items?status=selected), to add to a
 * section: with the Add button, or dragged onto a section.
 */

import { useEffect, useRef, useState } from "preact/hooks";
import { get, query } from "../api.js";
import { type Dict, useT } from "../i18n.js";
import type { Item } from "../types.js";
import { messageOf } from "./issue-errors.js";
import { domId, ITEM_TYPE, type LocalSection } from "./issue-sections.js";

type Key =
  | "title"
  | "hint"
  | "to"
  | "newSection"
  | "add"
  | "addLabel"
  | "none"
  | "more"
  | "refresh"
  | "loading"
  | "inSection"
  | "drag";

const DICT: Dict<Key> = {
  en: {
    title: "Add selected items",
    hint: "Items you selected on the Candidates page that are not in this issue yet.",
    to: "Add to section",
    newSection: "A new section (named after the item's section)",
    add: "Add",
    addLabel: "Add “{title}” to the issue",
    none: "Every selected item is in this issue.",
    more: "Show more",
    refresh: "Refresh",
    loading: "Loading…",
    inSection: "section: {name}",
    drag: "Drag onto a section to add it there",
  },
  ja: {
    title: "選択済みの記事を追加",
    hint: "「候補」ページで選択し、まだこの号に入っていない記事です。",
    to: "追加先のセクション",
    newSection: "新しいセクション（記事のセクション名を使用）",
    add: "追加",
    addLabel: "「{title}」を号に追加",
    none: "選択済みの記事はすべてこの号に入っています。",
    more: "さらに表示",
    refresh: "再読み込み",
    loading: "読み込み中…",
    inSection: "セクション: {name}",
    drag: "セクションへドラッグすると、そこに追加されます",
  },
};

export interface IssuePickerProps {
  sections: LocalSection[];
  inIssue: Set<string>;
  readOnly: boolean;
  /** Items read here, for the editor's item cache. */
  onItems: (items: Item[]) => void;
  /** Add `item` to section `to` (-1: a new section). */
  onAdd: (item: Item, to: number) => void;
}

export function IssuePicker(p: IssuePickerProps) {
  const t = useT(DICT);
  const [items, setItems] = useState<Item[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  const [target, setTarget] = useState("0");
  const focusNext = useRef<string[] | null>(null);

  const load = async (more: boolean) => {
    setBusy(true);
    setError("");
    try {
      const page = await get<{ items: Item[]; nextCursor: string | null }>(
        `/api/items${query({ status: "selected", limit: 100, cursor: more ? cursor : undefined })}`,
      );
      p.onItems(page.items);
      setItems((old) => (more && old ? [...old, ...page.items] : page.items));
      setCursor(page.nextCursor);
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  };
  useEffect(() => {
    void load(false);
  }, []);
  useEffect(() => {
    const ids = focusNext.current;
    if (!ids) return;
    focusNext.current = null;
    for (const id of ids) {
      const el = document.getElementById(id);
      if (el) {
        el.focus();
        return;
      }
    }
  });

  if (p.readOnly) return null;
  const shown = (items ?? []).filter((i) => !p.inIssue.has(i.id));
  const to = p.sections.length === 0 ? -1 : Math.min(Number(target), p.sections.length - 1);

  return (
    <section class="panel ie-picker" aria-labelledby="ie-picker-title">
      <div class="row">
        <h2 id="ie-picker-title" class="grow">
          {t("title")}
        </h2>
        <button type="button" class="secondary" onClick={() => load(false)} disabled={busy}>
          {t("refresh")}
        </button>
      </div>
      <p class="hint">{t("hint")}</p>
      <div class="ie-field">
        <label for="ie-picker-to">{t("to")}</label>
        <select
          id="ie-picker-to"
          value={String(to)}
          onChange={(e) => setTarget((e.currentTarget as HTMLSelectElement).value)}
        >
          {p.sections.map((s, k) => (
            <option key={s.key} value={String(k)}>
              {k + 1}. {s.heading}
            </option>
          ))}
          <option value="-1">{t("newSection")}</option>
        </select>
      </div>
      <p role="alert" class="error">
        {error}
      </p>
      {items === null && !error ? (
        <p class="hint">{t("loading")}</p>
      ) : shown.length === 0 && !cursor ? (
        <p class="hint">{t("none")}</p>
      ) : (
        <ul class="ie-picker-list">
          {shown.map((item, k) => (
            <li
              key={item.id}
              draggable
              title={t("drag")}
              onDragStart={(e) => {
                e.dataTransfer!.setData(ITEM_TYPE, item.id);
                e.dataTransfer!.setData("text/uri-list", item.url);
                e.dataTransfer!.effectAllowed = "move";
              }}
            >
              <div class="grow ie-item-text">
                <a href={item.url} target="_blank" rel="noopener noreferrer">
                  {item.title}
                </a>
                <span class="hint ie-item-meta">
                  {" "}
                  {item.domain}
                  {item.section ? ` · ${t("inSection", { name: item.section })}` : ""}
                </span>
              </div>
              <button
                type="button"
                class="secondary"
                id={`ie-pick-${domId(item.id)}`}
                aria-label={t("addLabel", { title: item.title })}
                onClick={() => {
                  const neighbour = shown[k + 1] ?? shown[k - 1];
                  focusNext.current = neighbour ? [`ie-pick-${domId(neighbour.id)}`] : ["ie-picker-to"];
                  p.onAdd(item, to);
                }}
              >
                {t("add")}
              </button>
            </li>
          ))}
        </ul>
      )}
      {cursor && (
        <button type="button" class="secondary" onClick={() => load(true)} disabled={busy}>
          {t("more")}
        </button>
      )}
    </section>
  );
}

/**
 * The sections of a draft: heading and text of each, and the items in it. Sections and items are
 * reordered by drag and drop (HTML5 DnD) or by the Move up / Move down buttons (keyboard), an
 * item goes to another section with its select, and every move is announced by the editor's
 * live region. Text edits are saved after a pause (`onEdit`), moves at once (`onChange`).
 */

import { useEffect, useRef, useState } from "preact/hooks";
import { type Dict, useT } from "../i18n.js";
import type { Item } from "../types.js";
import type { SaveState } from "./issue-autosave.js";
import { messageOf, problemAt, problemsOf } from "./issue-errors.js";
import { addItem, dropIndex, findItem, move, moveItem, removeItem, shiftItem } from "./issue-reorder.js";
import { SaveBadge } from "./issue-save-badge.js";

export interface LocalSection {
  /** The page's own key for the section (the API's sections have none). */
  key: string;
  heading: string;
  body: string;
  itemIds: string[];
}

type Key =
  | "sections"
  | "sectionN"
  | "heading"
  | "body"
  | "bodyHint"
  | "noItems"
  | "moveSectionUp"
  | "moveSectionDown"
  | "removeSection"
  | "addSection"
  | "newSection"
  | "moveItemUp"
  | "moveItemDown"
  | "removeItem"
  | "itemSection"
  | "movedSectionUp"
  | "movedSectionDown"
  | "removedSection"
  | "addedSection"
  | "movedItemUp"
  | "movedItemDown"
  | "movedItemTo"
  | "removedItem"
  | "dragSection"
  | "dragItem"
  | "unknownItem"
  | "rejected"
  | "noSections"
  | "movedSectionTo";

const DICT: Dict<Key> = {
  en: {
    sections: "Sections",
    sectionN: "Section {n}",
    heading: "Section {n} heading",
    body: "Section {n} text (markdown, optional)",
    bodyHint: "Shown under the heading, before the items.",
    noItems: "No items yet: drag one here, or add one from the list of selected items below.",
    moveSectionUp: "Move section “{name}” up",
    moveSectionDown: "Move section “{name}” down",
    removeSection: "Remove section “{name}”",
    addSection: "Add section",
    newSection: "New section",
    moveItemUp: "Move “{title}” up",
    moveItemDown: "Move “{title}” down",
    removeItem: "Remove “{title}” from the issue",
    itemSection: "Section for “{title}”",
    movedSectionUp: "Moved section “{name}” up, now section {n}",
    movedSectionDown: "Moved section “{name}” down, now section {n}",
    movedSectionTo: "Moved section “{name}” to place {n}",
    removedSection: "Removed section “{name}”; its items are back in the list of selected items",
    addedSection: "Added section {n}",
    movedItemUp: "Moved “{title}” up",
    movedItemDown: "Moved “{title}” down",
    movedItemTo: "Moved “{title}” to “{name}”",
    removedItem: "Removed “{title}” from the issue",
    dragSection: "Drag to reorder the sections",
    dragItem: "Drag to reorder or to move to another section",
    unknownItem: "Item {id} (not found)",
    rejected: "Rejected",
    noSections: "No sections yet. Add one, or add a selected item below and a section is made for it.",
  },
  ja: {
    sections: "セクション",
    sectionN: "セクション{n}",
    heading: "セクション{n}の見出し",
    body: "セクション{n}の本文（Markdown、任意）",
    bodyHint: "見出しの下、記事の前に表示されます。",
    noItems: "記事はまだありません。ここへドラッグするか、下の選択済み記事の一覧から追加してください。",
    moveSectionUp: "セクション「{name}」を上へ移動",
    moveSectionDown: "セクション「{name}」を下へ移動",
    removeSection: "セクション「{name}」を削除",
    addSection: "セクションを追加",
    newSection: "新しいセクション",
    moveItemUp: "「{title}」を上へ移動",
    moveItemDown: "「{title}」を下へ移動",
    removeItem: "「{title}」を号から外す",
    itemSection: "「{title}」のセクション",
    movedSectionUp: "セクション「{name}」を上へ移動しました（現在セクション{n}）",
    movedSectionDown: "セクション「{name}」を下へ移動しました（現在セクション{n}）",
    movedSectionTo: "セクション「{name}」を{n}番目へ移動しました",
    removedSection: "セクション「{name}」を削除しました。記事は選択済み記事の一覧に戻りました",
    addedSection: "セクション{n}を追加しました",
    movedItemUp: "「{title}」を上へ移動しました",
    movedItemDown: "「{title}」を下へ移動しました",
    movedItemTo: "「{title}」を「{name}」へ移動しました",
    removedItem: "「{title}」を号から外しました",
    dragSection: "ドラッグしてセクションを並べ替えます",
    dragItem: "ドラッグして並べ替えたり、別のセクションへ移動したりできます",
    unknownItem: "記事 {id}（見つかりません）",
    rejected: "却下",
    noSections:
      "セクションはまだありません。追加するか、下の選択済み記事を追加すると、そのためのセクションが作られます。",
  },
};

export const SECTION_TYPE = "application/x-wkn-section";
export const ITEM_TYPE = "application/x-wkn-item";

/** A DOM id made of an item id (URL hashes are safe; anything else is escaped). */
export const domId = (s: string) => s.replace(/[^\w-]/g, "_");

export interface IssueSectionsProps {
  sections: LocalSection[];
  items: Map<string, Item>;
  readOnly: boolean;
  /** The last failed save of the sections (a 400 names `sections.N.…`). */
  error: unknown;
  saveState: SaveState;
  /** A heading or text changed: saved after a pause. */
  onEdit: (next: LocalSection[]) => void;
  /** A section or item moved, came or went: saved at once, `said` announced. */
  onChange: (next: LocalSection[], said: string) => void;
  /** A text field lost focus: save now. */
  onBlur: () => void;
  newKey: () => string;
}

type DropMark = { key: string; before: boolean } | null;

export function IssueSections(p: IssueSectionsProps) {
  const t = useT(DICT);
  const focusNext = useRef<string[] | null>(null);
  const [sectionMark, setSectionMark] = useState<DropMark>(null);
  const [itemMark, setItemMark] = useState<DropMark>(null);
  const [dragging, setDragging] = useState<"section" | "item" | null>(null);

  // After a move the control the editor used is put back under their finger (a moved node loses focus).
  useEffect(() => {
    const ids = focusNext.current;
    if (!ids) return;
    focusNext.current = null;
    for (const id of ids) {
      const el = document.getElementById(id) as HTMLButtonElement | null;
      if (el && !el.disabled) {
        el.focus();
        return;
      }
    }
  });

  const nameOf = (s: LocalSection, i: number) => s.heading.trim() || t("sectionN", { n: i + 1 });
  const titleOf = (id: string) => p.items.get(id)?.title ?? t("unknownItem", { id });
  const sectionErr = (i: number, field: string) => problemAt(p.error, `sections.${i}.${field}`, true);
  const generalErr = (() => {
    if (!p.error) return "";
    const all = problemsOf(p.error);
    // Problems at a heading, a text or an item are shown there; anything else here.
    const elsewhere = all.find((x) => !/^sections\.\d+\.(heading|body|itemIds\.\d+)$/.test(x.path));
    if (all.length && !elsewhere) return "";
    return elsewhere ? elsewhere.message : messageOf(p.error);
  })();

  const edit = (i: number, patch: Partial<LocalSection>) =>
    p.onEdit(p.sections.map((s, j) => (j === i ? { ...s, ...patch } : s)));

  const shiftSection = (i: number, by: -1 | 1) => {
    const s = p.sections[i]!;
    const next = move(p.sections, i, i + by);
    focusNext.current = [
      `ie-sec-${s.key}-${by < 0 ? "up" : "down"}`,
      `ie-sec-${s.key}-${by < 0 ? "down" : "up"}`,
    ];
    p.onChange(
      next,
      t(by < 0 ? "movedSectionUp" : "movedSectionDown", { name: nameOf(s, i), n: i + 1 + by }),
    );
  };
  const removeSection = (i: number) => {
    const s = p.sections[i]!;
    const next = p.sections.filter((_, j) => j !== i);
    const neighbour = next[i] ?? next[i - 1];
    focusNext.current = neighbour
      ? [`ie-sec-${neighbour.key}-heading`, "ie-add-section"]
      : ["ie-add-section"];
    p.onChange(next, t("removedSection", { name: nameOf(s, i) }));
  };
  const addSection = () => {
    const s: LocalSection = { key: p.newKey(), heading: t("newSection"), body: "", itemIds: [] };
    focusNext.current = [`ie-sec-${s.key}-heading`];
    p.onChange([...p.sections, s], t("addedSection", { n: p.sections.length + 1 }));
  };
  const shift = (id: string, by: -1 | 1) => {
    const d = domId(id);
    focusNext.current = [`ie-item-${d}-${by < 0 ? "up" : "down"}`, `ie-item-${d}-${by < 0 ? "down" : "up"}`];
    p.onChange(
      shiftItem(p.sections, id, by),
      t(by < 0 ? "movedItemUp" : "movedItemDown", { title: titleOf(id) }),
    );
  };
  const moveTo = (id: string, to: number, index?: number, keepFocus = true) => {
    const target = p.sections[to];
    if (!target) return;
    if (keepFocus) focusNext.current = [`ie-item-${domId(id)}-section`];
    const known = findItem(p.sections, id);
    const next = known ? moveItem(p.sections, id, to, index) : addItem(p.sections, id, to, index);
    p.onChange(next, t("movedItemTo", { title: titleOf(id), name: nameOf(target, to) }));
  };
  const remove = (id: string) => {
    const at = findItem(p.sections, id);
    if (!at) return;
    const ids = p.sections[at.section]!.itemIds;
    const neighbour = ids[at.index + 1] ?? ids[at.index - 1];
    focusNext.current = neighbour
      ? [`ie-item-${domId(neighbour)}-remove`]
      : [`ie-sec-${p.sections[at.section]!.key}-heading`];
    p.onChange(removeItem(p.sections, id), t("removedItem", { title: titleOf(id) }));
  };

  // Drag and drop: the section's handle drags the section; an item row drags the item.
  const half = (e: DragEvent) => {
    const r = (e.currentTarget as HTMLElement).getBoundingClientRect();
    return e.clientY < r.top + r.height / 2;
  };
  const has = (e: DragEvent, type: string) => Array.from(e.dataTransfer?.types ?? []).includes(type);
  const endDrag = () => {
    setDragging(null);
    setSectionMark(null);
    setItemMark(null);
  };

  const sectionDrop = (e: DragEvent, i: number) => {
    if (has(e, SECTION_TYPE)) {
      e.preventDefault();
      const from = Number(e.dataTransfer!.getData(SECTION_TYPE));
      const before = half(e);
      endDrag();
      if (!Number.isInteger(from) || !p.sections[from]) return;
      const to = dropIndex(i, before, from);
      if (to === from) return;
      const moved = p.sections[from]!;
      p.onChange(move(p.sections, from, to), t("movedSectionTo", { name: nameOf(moved, from), n: to + 1 }));
    } else if (has(e, ITEM_TYPE)) {
      // Dropped on the section but not on an item: at the end of it.
      e.preventDefault();
      const id = e.dataTransfer!.getData(ITEM_TYPE);
      endDrag();
      if (id) moveTo(id, i, undefined, false);
    }
  };

  const itemDrop = (e: DragEvent, sectionIndex: number, index: number) => {
    if (!has(e, ITEM_TYPE)) return;
    e.preventDefault();
    e.stopPropagation();
    const id = e.dataTransfer!.getData(ITEM_TYPE);
    const before = half(e);
    endDrag();
    if (!id) return;
    const at = findItem(p.sections, id);
    const to = dropIndex(index, before, at?.section === sectionIndex ? at.index : undefined);
    if (at && at.section === sectionIndex && at.index === to) return;
    moveTo(id, sectionIndex, to, false);
  };

  return (
    <div class={`ie-sections${dragging ? ` dragging-${dragging}` : ""}`}>
      <div class="row">
        <h2 class="grow">{t("sections")}</h2>
        <SaveBadge state={p.saveState} />
      </div>
      <p role="alert" class="error">
        {generalErr}
      </p>
      {p.sections.length === 0 && <p class="hint">{t("noSections")}</p>}
      {p.sections.map((s, i) => {
        const name = nameOf(s, i);
        const mark = sectionMark?.key === s.key ? (sectionMark.before ? " drop-before" : " drop-after") : "";
        const headingErr = sectionErr(i, "heading");
        const bodyErr = sectionErr(i, "body");
        return (
          <section
            key={s.key}
            class={`ie-section panel${mark}`}
            aria-labelledby={`ie-sec-${s.key}-title`}
            onDragOver={(e) => {
              if (p.readOnly) return;
              if (has(e, SECTION_TYPE)) {
                e.preventDefault();
                e.dataTransfer!.dropEffect = "move";
                const before = half(e);
                if (sectionMark?.key !== s.key || sectionMark.before !== before)
                  setSectionMark({ key: s.key, before });
              } else if (has(e, ITEM_TYPE)) {
                e.preventDefault();
                e.dataTransfer!.dropEffect = "move";
              }
            }}
            onDragLeave={(e) => {
              if (!(e.currentTarget as HTMLElement).contains(e.relatedTarget as Node | null))
                setSectionMark(null);
            }}
            onDrop={(e) => sectionDrop(e, i)}
          >
            <div class="row ie-section-head">
              {!p.readOnly && (
                <span
                  class="drag-handle"
                  draggable
                  aria-hidden="true"
                  title={t("dragSection")}
                  onDragStart={(e) => {
                    e.dataTransfer!.setData(SECTION_TYPE, String(i));
                    e.dataTransfer!.effectAllowed = "move";
                    const el = (e.currentTarget as HTMLElement).closest("section");
                    if (el) e.dataTransfer!.setDragImage(el, 16, 16);
                    setDragging("section");
                  }}
                  onDragEnd={endDrag}
                >
                  ⠿
                </span>
              )}
              <h3 id={`ie-sec-${s.key}-title`} class="grow">
                {t("sectionN", { n: i + 1 })}
              </h3>
              {!p.readOnly && (
                <>
                  <button
                    type="button"
                    class="secondary ie-icon"
                    id={`ie-sec-${s.key}-up`}
                    aria-label={t("moveSectionUp", { name })}
                    title={t("moveSectionUp", { name })}
                    disabled={i === 0}
                    onClick={() => shiftSection(i, -1)}
                  >
                    ↑
                  </button>
                  <button
                    type="button"
                    class="secondary ie-icon"
                    id={`ie-sec-${s.key}-down`}
                    aria-label={t("moveSectionDown", { name })}
                    title={t("moveSectionDown", { name })}
                    disabled={i === p.sections.length - 1}
                    onClick={() => shiftSection(i, 1)}
                  >
                    ↓
                  </button>
                  <button
                    type="button"
                    class="secondary ie-icon"
                    id={`ie-sec-${s.key}-remove`}
                    aria-label={t("removeSection", { name })}
                    title={t("removeSection", { name })}
                    onClick={() => removeSection(i)}
                  >
                    ✕
                  </button>
                </>
              )}
            </div>
            <div class="ie-field">
              <label for={`ie-sec-${s.key}-heading`}>{t("heading", { n: i + 1 })}</label>
              <input
                id={`ie-sec-${s.key}-heading`}
                value={s.heading}
                maxLength={200}
                disabled={p.readOnly}
                required
                aria-invalid={headingErr ? true : undefined}
                aria-describedby={`ie-sec-${s.key}-heading-error`}
                onInput={(e) => edit(i, { heading: (e.currentTarget as HTMLInputElement).value })}
                onBlur={p.onBlur}
              />
              <p id={`ie-sec-${s.key}-heading-error`} role="alert" class="error">
                {headingErr ?? ""}
              </p>
            </div>
            <div class="ie-field">
              <label for={`ie-sec-${s.key}-body`}>{t("body", { n: i + 1 })}</label>
              <textarea
                id={`ie-sec-${s.key}-body`}
                value={s.body}
                rows={2}
                disabled={p.readOnly}
                aria-invalid={bodyErr ? true : undefined}
                aria-describedby={`ie-sec-${s.key}-body-hint ie-sec-${s.key}-body-error`}
                onInput={(e) => edit(i, { body: (e.currentTarget as HTMLTextAreaElement).value })}
                onBlur={p.onBlur}
              />
              <p id={`ie-sec-${s.key}-body-hint`} class="hint">
                {t("bodyHint")}
              </p>
              <p id={`ie-sec-${s.key}-body-error`} role="alert" class="error">
                {bodyErr ?? ""}
              </p>
            </div>
            {s.itemIds.length === 0 ? (
              <p class="hint ie-empty">{t("noItems")}</p>
            ) : (
              <ol class="ie-items">
                {s.itemIds.map((id, j) => {
                  const item = p.items.get(id);
                  const title = titleOf(id);
                  const d = domId(id);
                  const err = problemAt(p.error, `sections.${i}.itemIds.${j}`, true);
                  const imark =
                    itemMark?.key === id ? (itemMark.before ? " drop-before" : " drop-after") : "";
                  return (
                    <li
                      key={id}
                      class={`ie-item${imark}`}
                      draggable={!p.readOnly}
                      title={p.readOnly ? undefined : t("dragItem")}
                      onDragStart={(e) => {
                        e.stopPropagation();
                        e.dataTransfer!.setData(ITEM_TYPE, id);
                        e.dataTransfer!.setData("text/uri-list", item?.url ?? "");
                        e.dataTransfer!.effectAllowed = "move";
                        setDragging("item");
                      }}
                      onDragEnd={endDrag}
                      onDragOver={(e) => {
                        if (p.readOnly || !has(e, ITEM_TYPE)) return;
                        e.preventDefault();
                        e.stopPropagation();
                        e.dataTransfer!.dropEffect = "move";
                        const before = half(e);
                        if (itemMark?.key !== id || itemMark.before !== before)
                          setItemMark({ key: id, before });
                      }}
                      onDragLeave={() => setItemMark((m) => (m?.key === id ? null : m))}
                      onDrop={(e) => itemDrop(e, i, j)}
                    >
                      <div class="ie-item-main">
                        {!p.readOnly && (
                          <span class="drag-handle" aria-hidden="true">
                            ⠿
                          </span>
                        )}
                        <div class="grow ie-item-text">
                          {item ? (
                            <a href={item.url} target="_blank" rel="noopener noreferrer">
                              {item.title}
                            </a>
                          ) : (
                            <span>{title}</span>
                          )}
                          {item && (
                            <span class="hint ie-item-meta">
                              {" "}
                              {item.domain}
                              {item.status === "rejected" && (
                                <span class="badge rejected">{t("rejected")}</span>
                              )}
                            </span>
                          )}
                        </div>
                      </div>
                      {!p.readOnly && (
                        <div class="row ie-item-actions">
                          <button
                            type="button"
                            class="secondary ie-icon"
                            id={`ie-item-${d}-up`}
                            aria-label={t("moveItemUp", { title })}
                            title={t("moveItemUp", { title })}
                            disabled={j === 0}
                            onClick={() => shift(id, -1)}
                          >
                            ↑
                          </button>
                          <button
                            type="button"
                            class="secondary ie-icon"
                            id={`ie-item-${d}-down`}
                            aria-label={t("moveItemDown", { title })}
                            title={t("moveItemDown", { title })}
                            disabled={j === s.itemIds.length - 1}
                            onClick={() => shift(id, 1)}
                          >
                            ↓
                          </button>
                          <select
                            id={`ie-item-${d}-section`}
                            class="grow"
                            aria-label={t("itemSection", { title })}
                            value={String(i)}
                            onChange={(e) => {
                              const to = Number((e.currentTarget as HTMLSelectElement).value);
                              if (to !== i) moveTo(id, to);
                            }}
                          >
                            {p.sections.map((o, k) => (
                              <option key={o.key} value={String(k)}>
                                {k + 1}. {nameOf(o, k)}
                              </option>
                            ))}
                          </select>
                          <button
                            type="button"
                            class="secondary ie-icon"
                            id={`ie-item-${d}-remove`}
                            aria-label={t("removeItem", { title })}
                            title={t("removeItem", { title })}
                            onClick={() => remove(id)}
                          >
                            ✕
                          </button>
                        </div>
                      )}
                      <p role="alert" class="error">
                        {err ?? ""}
                      </p>
                    </li>
                  );
                })}
              </ol>
            )}
          </section>
        );
      })}
      {!p.readOnly && (
        <button type="button" class="secondary" id="ie-add-section" onClick={addSection}>
          <span aria-hidden="true">+</span> {t("addSection")}
        </button>
      )}
    </div>
  );
}

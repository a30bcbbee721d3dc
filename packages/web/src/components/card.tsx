/**
 * One item as the mail shows it: thumbnail, title linking to the page, domain, source, kind, date,
 * description (text only), the facts of a release or competition, the editor's comment and
 * section, and the status. The candidates view and the issue editor both use it; each passes its
 * own buttons (`actions`) and extra content (`children`, e.g. the comment box).
 *
 * The card is an <article> named by its title (`getByRole("article", {name: title})`). It takes
 * the focus programmatically (tabindex -1) so j/k can move between cards.
 */
import "./card.css";
import type { ComponentChildren, Ref } from "preact";
import { useState } from "preact/hooks";
import { type Dict, formatDate, useT } from "../i18n.js";
import type { Item, ItemKind, ItemStatus } from "../types.js";
import { Markdown } from "./markdown.js";

type Key =
  | ItemKind
  | ItemStatus
  | "prerelease"
  | "deadline"
  | "prize"
  | "reminder"
  | "via"
  | "comment"
  | "section"
  | "thumb"
  | "noPicture"
  | "opensNewTab"
  | "status"
  | "kind"
  | "whyScore"
  | "partMentions"
  | "partSource"
  | "partEditor"
  | "partDeadline"
  | "partNone";

export const CARD_DICT: Dict<Key> = {
  en: {
    article: "Article",
    release: "Release",
    competition: "Competition",
    link: "Link",
    new: "New",
    selected: "Selected",
    rejected: "Rejected",
    used: "Used",
    prerelease: "Pre-release",
    deadline: "Deadline {date}",
    prize: "Prize: {reward}",
    reminder: "Sent before · deadline in {n} days",
    via: "via {names}",
    comment: "Editor's comment",
    section: "Section: {section}",
    thumb: "Image from {domain}",
    noPicture: "No picture in the mail: {reason}",
    opensNewTab: "(opens in a new tab)",
    status: "Status",
    kind: "Kind",
    whyScore: "Score {score}",
    partMentions: "linked by {n} sources {v}",
    partSource: "your picks from its source {v}",
    partEditor: "your weight on its source {v}",
    partDeadline: "deadline {v}",
    partNone: "by date alone",
  },
  ja: {
    article: "記事",
    release: "リリース",
    competition: "コンペ",
    link: "リンク",
    new: "新着",
    selected: "選択済み",
    rejected: "却下",
    used: "掲載済み",
    prerelease: "プレリリース",
    deadline: "締切 {date}",
    prize: "賞金: {reward}",
    reminder: "掲載済み · 締切まであと {n} 日",
    via: "{names} から",
    comment: "編集者のコメント",
    section: "セクション: {section}",
    thumb: "{domain} の画像",
    noPicture: "メールに画像は載りません: {reason}",
    whyScore: "スコア {score}",
    partMentions: "{n} 個のソースが掲載 {v}",
    partSource: "このソースからの採用実績 {v}",
    partEditor: "ソースに設定した重み {v}",
    partDeadline: "締切 {v}",
    partNone: "日付のみ",
    opensNewTab: "(新しいタブで開きます)",
    status: "状態",
    kind: "種類",
  },
};

export interface CardProps {
  item: Item;
  /** Source names by id (GET /api/sources); unknown ids are left out. */
  sourceNames?: Record<string, string>;
  /** The heading level of the title (3 under a view's h2). */
  level?: 2 | 3 | 4;
  /** Highlighted as the keyboard's current card. */
  current?: boolean;
  /** A note over the card (role=status), e.g. "Already in the list". */
  note?: ComponentChildren;
  /** An error about this card (role=alert), e.g. a failed PATCH in the API's words. */
  error?: string;
  /** Buttons under the card. */
  actions?: ComponentChildren;
  /** Anything else under the card (the comment box). */
  children?: ComponentChildren;
  cardRef?: Ref<HTMLElement>;
  /** Focus entered the card (it becomes the current one). */
  onFocusIn?: () => void;
  /** Leave the status badge out (the issue editor shows items of one status). */
  hideStatus?: boolean;
  /** Say why the item scored as it did (the list is sorted by score). */
  showScore?: boolean;
}

const signed = (n: number) => `${n > 0 ? "+" : n < 0 ? "−" : "±"}${Math.abs(n).toFixed(1)}`;

/** The parts of a score besides recency (the date shown beside it), in words. */
function scoreWords(item: Item, t: (k: Key, v?: Record<string, string | number>) => string): string {
  const p = item.scoreParts;
  if (!p) return "";
  const words: string[] = [];
  if (p.mentions) words.push(t("partMentions", { n: item.sourceIds.length, v: signed(p.mentions) }));
  if (p.source) words.push(t("partSource", { v: signed(p.source) }));
  if (p.editor) words.push(t("partEditor", { v: signed(p.editor) }));
  if (p.deadline) words.push(t("partDeadline", { v: signed(p.deadline) }));
  return words.length ? words.join(" · ") : t("partNone");
}

/**
 * Our hosted copy first (what readers get, from our origin); else the publisher's picture while
 * it is being hosted, https only (an http one would be mixed content).
 */
const thumbUrl = (item: Item) =>
  item.thumbnail && /^[0-9a-f]{64}\.jpg$/.test(item.thumbnail)
    ? `/media/${item.thumbnail}`
    : item.imageUrl && /^https:\/\//i.test(item.imageUrl)
      ? item.imageUrl
      : null;

export function Card(p: CardProps) {
  const t = useT(CARD_DICT);
  const { item } = p;
  const [broken, setBroken] = useState<string | null>(null);
  const img = thumbUrl(item);
  const titleId = `card-${item.id}-title`;
  const H = `h${p.level ?? 3}` as "h3";
  const date = item.publishedAt ?? item.discoveredAt;
  const names = item.sourceIds.map((id) => p.sourceNames?.[id]).filter((n): n is string => !!n);
  const facts: string[] = [];
  if (item.kind === "release") {
    if (item.tag) facts.push(item.tag);
  }
  if (item.kind === "competition") {
    if (item.platform) facts.push(item.platform);
    if (item.organiser) facts.push(item.organiser);
    if (item.category) facts.push(item.category);
    if (item.deadline) facts.push(t("deadline", { date: formatDate(item.deadline) }));
    if (item.reward) facts.push(t("prize", { reward: item.reward }));
  }

  return (
    <article
      class={`card${p.current ? " current" : ""}${p.error ? " has-error" : ""}`}
      aria-labelledby={titleId}
      tabindex={-1}
      ref={p.cardRef}
      onFocusIn={p.onFocusIn}
      data-id={item.id}
    >
      {p.note && (
        <p class="card-note" role="status">
          {p.note}
        </p>
      )}
      <div class="card-main">
        <div class="card-text">
          <H id={titleId} class="card-title">
            <a href={item.url} target="_blank" rel="noopener noreferrer">
              {item.title || item.url}
              <span class="sr-only"> {t("opensNewTab")}</span>
            </a>
          </H>
          <p class="card-meta">
            <span class="card-domain">{item.domain}</span>
            {names.length > 0 && <span class="card-source">{t("via", { names: names.join(", ") })}</span>}
            <span class={`badge kind-${item.kind}`}>
              <span class="sr-only">{t("kind")}: </span>
              {t(item.kind)}
            </span>
            {date && <time dateTime={date}>{formatDate(date)}</time>}
            {!p.hideStatus && (
              <span class={`badge ${item.status}`}>
                <span class="sr-only">{t("status")}: </span>
                {t(item.status)}
              </span>
            )}
          </p>
          {(facts.length > 0 || item.prerelease || item.reminder) && (
            <p class="card-facts">
              {item.reminder && (
                <span class="badge reminder">{t("reminder", { n: item.reminder.deadlineInDays })}</span>
              )}{" "}
              {facts.join(" · ")}
              {item.kind === "release" && item.prerelease && (
                <span class="badge prerelease">{t("prerelease")}</span>
              )}
            </p>
          )}
          {p.showScore && item.score !== undefined && (
            <p class="card-score">
              <span class="badge score">{t("whyScore", { score: item.score.toFixed(1) })}</span>{" "}
              {scoreWords(item, t)}
            </p>
          )}
          {item.description && <p class="card-description">{item.description}</p>}
          {item.imageUrl && !item.thumbnail && item.thumbnailError && (
            <p class="hint card-picture-note">{t("noPicture", { reason: item.thumbnailError })}</p>
          )}
        </div>
        {img && broken !== img && (
          <img
            class="card-thumb"
            src={img}
            alt={t("thumb", { domain: item.domain })}
            loading="lazy"
            decoding="async"
            referrerpolicy="no-referrer"
            width={112}
            height={112}
            onError={() => setBroken(img)}
          />
        )}
      </div>
      {(item.comment || item.section) && (
        <div class="card-editor">
          {item.section && <p class="card-section">{t("section", { section: item.section })}</p>}
          {item.comment && (
            <div class="card-comment">
              <span class="sr-only">{t("comment")}: </span>
              <Markdown text={item.comment} />
            </div>
          )}
        </div>
      )}
      {p.error && (
        <p class="error card-error" role="alert">
          {p.error}
        </p>
      )}
      {p.actions && <div class="card-actions row">{p.actions}</div>}
      {p.children}
    </article>
  );
}

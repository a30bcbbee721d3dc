/**
 * The API's shapes as the page reads them (packages/api/src/schemas: Item, Source, PollResult).
 * Only what the page uses is typed; the API may send more.
 */
export type ItemStatus = "new" | "selected" | "rejected" | "used";
export type ItemKind = "article" | "release" | "competition" | "link";
export const ITEM_STATUSES: ItemStatus[] = ["new", "selected", "rejected", "used"];
export const ITEM_KINDS: ItemKind[] = ["article", "release", "competition", "link"];

export interface Item {
  id: string;
  url: string;
  canonicalUrl: string;
  title: string;
  description: string | null;
  imageUrl: string | null;
  siteName: string | null;
  domain: string;
  kind: ItemKind;
  sourceIds: string[];
  author: string | null;
  publishedAt: string | null;
  discoveredAt: string;
  status: ItemStatus;
  comment: string | null;
  section: string | null;
  prerelease?: boolean;
  tag?: string;
  deadline?: string | null;
  reward?: string | null;
  category?: string | null;
  /** Competitions (README "The HTTP API"). */
  platform?: string | null;
  organiser?: string | null;
  startsAt?: string | null;
  rewardAmount?: number | null;
  rewardCurrency?: string | null;
  tags?: string[];
  open?: boolean | null;
  /** A sent competition back among the candidates as its deadline nears. */
  reminder?: { deadline: string; deadlineInDays: number; at: string } | null;
  unfurledAt?: string | null;
  unfurlError?: string | null;
  /** Our hosted copy of the picture (GET /media/<thumbnail>): what readers see. */
  thumbnail?: string | null;
  thumbnailError?: string | null;
  /** sort=score: the sum of scoreParts. */
  score?: number;
  scoreParts?: { recency: number; mentions: number; source: number; editor: number; deadline: number };
}

export interface ItemList {
  items: Item[];
  nextCursor: string | null;
}

export type ItemCounts = Record<ItemStatus, number>;

export type SourceKind = "feed" | "github" | "kaggle" | "competitions";

export interface Source {
  id: string;
  kind: SourceKind;
  name: string;
  url?: string;
  repo?: string;
  search?: string;
  category?: string;
  /** competitions: the platform (zindi, codabench, aicrowd, codalab, mlcontests). */
  platform?: string;
  enabled: boolean;
  intervalMinutes: number;
  createdAt: string;
  lastPolledAt: string | null;
  lastSuccessAt: string | null;
  nextPollAt: string;
  consecutiveFailures: number;
  lastError: string | null;
  lastSkipped?: number;
  /** What the last read found wrong without failing (skipped entries…), with what to do. */
  lastWarning?: string | null;
  nameSource?: "editor" | "feed" | "default";
  /** The old URL, when a permanent redirect moved this feed. */
  movedFrom?: string | null;
  movedAt?: string | null;
}

export interface PollResult {
  sourceId: string;
  status: "ok" | "not_modified" | "error";
  newItems: number;
  error?: string;
}

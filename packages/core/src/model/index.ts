/**
 * The entities of the HTTP contract (DESIGN.md "HTTP contract"), as the API returns them.
 * Times are ISO-8601 UTC strings. Store-only fields (keys, poll state) never appear here.
 */

export type SourceKind = "feed" | "github" | "kaggle" | "competitions";

/** The platforms a `competitions` source reads (sources/adapters/competitions/). */
export const COMPETITION_PLATFORMS = ["zindi", "codabench", "aicrowd", "codalab", "mlcontests"] as const;
export type CompetitionPlatform = (typeof COMPETITION_PLATFORMS)[number];

export interface Source {
  id: string;
  kind: SourceKind;
  name: string;
  /** feed: the feed URL; github/kaggle: the API or page URL it polls (informational). */
  url?: string;
  /** github: "owner/name". */
  repo?: string;
  /** kaggle: search text and category filters. */
  search?: string;
  category?: string;
  /** competitions: the platform whose listing `url` is. */
  platform?: CompetitionPlatform;
  enabled: boolean;
  intervalMinutes: number;
  createdAt: string;
  lastPolledAt: string | null;
  lastSuccessAt: string | null;
  nextPollAt: string;
  consecutiveFailures: number;
  lastError: string | null;
  /** Entries skipped by the last poll because they had no usable link. */
  lastSkipped?: number;
  /**
   * What the last full read of the document found wrong without failing (entries skipped, none
   * found where the document has items), in words with what to do; absent or null when clean.
   */
  lastWarning?: string | null;
  /**
   * Who gave `name`: the editor (or the sources file; never replaced by a poll), the feed's own
   * title, or the default made from the address. Absent on sources stored before it was recorded.
   */
  nameSource?: "editor" | "feed" | "default";
  /** A permanent redirect (301/308 on two polls in a row) moved `url`: the old address, and when. */
  movedFrom?: string | null;
  movedAt?: string | null;
  /** The editor's ranking weight for this source's items (-3 to 3, default 0). */
  rankWeight?: number;
  /**
   * What the editor's sent issues say of this source: `used` of `total` candidates went into an
   * issue, and the ranking weight learned from it (0: neutral). Updated when an issue is sent.
   */
  history?: { used: number; total: number; learnedWeight: number; at: string } | null;
}

/** Conditional-GET and dedupe memory of a source; stored on the source, not part of the API shape. */
export interface SourcePollState {
  etag?: string;
  lastModified?: string;
  /** Hashes of entries seen recently, so a known entry costs no write (DESIGN.md performance budget). */
  seen?: string[];
  /** A permanent redirect seen by the last poll, not yet confirmed by the next one (sources/redirect.ts). */
  pendingMove?: { url: string; seenAt: string };
}

export type ItemKind = "article" | "release" | "competition" | "link";
export type ItemStatus = "new" | "selected" | "rejected" | "used";

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
  /**
   * Where `description` came from: the feed's summary, the page's og:description (preferred, set
   * by unfurling), or the editor (never replaced). Absent on items stored before it was recorded.
   */
  descriptionSource?: "feed" | "page" | "editor" | null;
  /** The longer text the description was cut from, for search (`q`); not returned by the API. */
  fullText?: string | null;
  /** When the editor last made it `selected` (absent otherwise, and on items selected before it existed). */
  selectedAt?: string | null;
  /** Kind-specific facts: release (tag, prerelease), competition (deadline, reward, category). */
  prerelease?: boolean;
  tag?: string;
  deadline?: string | null;
  reward?: string | null;
  category?: string | null;
  /**
   * Competitions, the same shape on every platform: where it is hosted ("Kaggle", "Zindi", …), who
   * runs it, when it opened, the prize as a number and ISO currency when the text gives one (else
   * only `reward`), its tags, and whether the platform said it was open when it was last read.
   */
  platform?: string | null;
  organiser?: string | null;
  startsAt?: string | null;
  rewardAmount?: number | null;
  rewardCurrency?: string | null;
  tags?: string[];
  open?: boolean | null;
  /** A competition sent in an earlier issue, brought back as a candidate as its deadline nears (items/reminders.ts). */
  reminder?: DeadlineReminder | null;
  /** Unfurl bookkeeping: when it ran and what went wrong, if anything. */
  unfurledAt?: string | null;
  unfurlError?: string | null;
  /**
   * Our hosted copy of `imageUrl` (a 280×280 JPEG, content-addressed: `<sha256>.jpg`, served at
   * `/media/<key>`); mail, archive and feed show only this. `thumbnailAt`: when it was tried;
   * `thumbnailError`: why the item has none (fetch or image refused), in words.
   */
  thumbnail?: string | null;
  thumbnailAt?: string | null;
  thumbnailError?: string | null;
  /** The ranking (`sort=score`, items/score.ts): the sum of `scoreParts`. Absent on items never scored. */
  score?: number;
  scoreParts?: ScoreParts;
}

/** "Deadline in N days": the deadline it was brought back for (once per deadline), N then, and when. */
export interface DeadlineReminder {
  deadline: string;
  deadlineInDays: number;
  at: string;
}

/** Why an item scored as it did (items/score.ts says what each part means). */
export interface ScoreParts {
  recency: number;
  mentions: number;
  source: number;
  editor: number;
  deadline: number;
}

/** The facts of a competition, one shape on every platform (model/index.ts `Item`). */
export type CompetitionFact =
  | "deadline"
  | "reward"
  | "category"
  | "platform"
  | "organiser"
  | "startsAt"
  | "rewardAmount"
  | "rewardCurrency"
  | "tags"
  | "open";

/** One entry of a source, ready to become an item (sources/adapters produce it, items/candidates stores it). */
export interface Candidate {
  /** Absolute http(s) URL of the page (the item id is the hash of its canonical form). */
  url: string;
  title: string;
  /** Plain text, not yet cut to length (storing does that on grapheme boundaries). */
  description: string | null;
  imageUrl: string | null;
  siteName: string | null;
  author: string | null;
  /** ISO-8601. */
  publishedAt: string | null;
  kind: ItemKind;
  /** Kind-specific facts kept on the item: release (tag, prerelease), competition (adapters/competition.ts). */
  facts?: Partial<Pick<Item, "prerelease" | "tag" | CompetitionFact>>;
}

/** `paused`: a fault of the SES account or sender stopped the send; the editor resumes it. */
export type IssueStatus = "draft" | "sending" | "paused" | "sent";

/** What an issue shows for one item (issues/card.ts makes it; frozen on a sent issue). */
export interface IssueCard {
  id: string;
  title: string;
  url: string;
  domain: string;
  description: string | null;
  /** The publisher's picture (the editor sees it); readers see only `thumbnail`. */
  imageUrl: string | null;
  /** Our hosted 280×280 copy of it, a media key (`<sha256>.jpg`); absent on cards frozen before. */
  thumbnail?: string | null;
  /** The editor's comment: plain text or a small markdown subset. */
  comment: string | null;
  kind: ItemKind;
  siteName?: string | null;
  /** Release facts. */
  tag?: string;
  prerelease?: boolean;
  /** Competition facts. */
  deadline?: string | null;
  reward?: string | null;
  category?: string | null;
}

export interface IssueSection {
  heading: string;
  body?: string;
  itemIds: string[];
}

export interface DeliveryCounts {
  total: number;
  sent: number;
  /** Refused by SES for good (e.g. MessageRejected). */
  failed: number;
  pending: number;
  /** Claimed by a runner that died before SES answered: maybe sent, never retried, reported. */
  ambiguous: number;
}

/** Why a send is paused: a fault of the account or sender, never of one recipient. */
export interface SendPause {
  /** sender_not_verified, sending_paused, daily_quota, configuration_set, access_denied, message_refused, refused. */
  code: string;
  /** In words, with what to do next. */
  reason: string;
  at: string;
}

/** The last send run that failed (the job is retried; the issue stays "sending"). */
export interface SendProblem {
  message: string;
  at: string;
}

/** What the editor reads of a send: the counts, why it is paused, what last went wrong. */
export interface DeliveryState extends DeliveryCounts {
  paused: SendPause | null;
  lastError: SendProblem | null;
}

export interface Issue {
  id: string;
  number: number;
  title: string;
  subject: string;
  intro: string;
  status: IssueStatus;
  sections: IssueSection[];
  createdAt: string;
  updatedAt: string;
  sentAt: string | null;
  delivery: DeliveryState;
  /** `GET /api/issues/:id` only: the issue's links as last checked (issues/links/). */
  linkReport?: LinkReportEntry[];
}

/**
 * One link of an issue as last checked: `dead` (404/410, or the host does not resolve) and
 * `offsite` (redirects to another site) stop a send; `error` (timeouts, 5xx, refusals) is shown
 * only; `unchecked` has no check within the hour.
 */
export type LinkStatus = "ok" | "dead" | "offsite" | "error" | "unchecked";

export interface LinkReportEntry {
  url: string;
  /** The item whose URL or comment holds the link; null for the intro and section text. */
  itemId: string | null;
  status: LinkStatus;
  /** The last answer's status (after redirects), null when none came. */
  httpStatus: number | null;
  /** What was found, in words. */
  reason: string;
  /** Where the link ends up after redirects, when elsewhere. */
  finalUrl: string | null;
  checkedAt: string | null;
}

export type SubscriberStatus = "pending" | "active" | "unsubscribed" | "suppressed";

export interface Subscriber {
  id: string;
  email: string;
  status: SubscriberStatus;
  createdAt: string;
  updatedAt: string;
  confirmedAt: string | null;
  unsubscribedAt: string | null;
  suppressedAt: string | null;
  suppressedReason: string | null;
  /** How the address reached us; "feedback": first seen in an SES bounce or complaint. */
  source: "subscribe" | "editor" | "import" | "feedback";
}

/** `resend`: an ambiguous delivery the editor asked to send again (it may arrive twice). */
export type DeliveryStatus = "claimed" | "sent" | "failed" | "ambiguous" | "resend";

export interface Delivery {
  issueNumber: number;
  subscriberId: string;
  email: string;
  status: DeliveryStatus;
  claimedAt: string;
  sentAt: string | null;
  messageId: string | null;
  error: string | null;
  /** Set once the editor asked to send it again after an ambiguous outcome. */
  resentAt?: string;
}

/** The payload of each kind of background job (jobs/: SQS on AWS, in-process locally). */
export interface JobPayloads {
  poll: { sourceId: string };
  unfurl: { itemId: string };
  send: { issueNumber: number };
  /** A `/subscribe` request, handled off the request path: state, limits and the confirmation mail. */
  confirm: { email: string };
}
export type JobKind = keyof JobPayloads;

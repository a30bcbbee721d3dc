/**
 * The API's issue, delivery and subscriber shapes as the issue editor, the issues list and the
 * subscribers view read them (packages/api/src/schemas: Issue, DeliveryCounts, Subscriber,
 * ImportResult, TestCopyResult). Items are in ../types.ts.
 */
export type IssueStatus = "draft" | "sending" | "paused" | "sent";

export interface IssueSection {
  heading: string;
  body?: string;
  itemIds: string[];
}

export interface Delivery {
  total: number;
  sent: number;
  failed: number;
  pending: number;
  ambiguous: number;
  /** Why the send is paused (status paused): a fault of the account or sender. */
  paused: { code: string; reason: string; at: string } | null;
  /** The last send run that failed; it is retried. */
  lastError: { message: string; at: string } | null;
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
  delivery: Delivery;
}

export type SubscriberStatus = "pending" | "active" | "unsubscribed" | "suppressed";
export const SUBSCRIBER_STATUSES: SubscriberStatus[] = ["active", "pending", "unsubscribed", "suppressed"];

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
  source: "subscribe" | "editor" | "import" | "feedback";
}

export interface ImportResult {
  imported: number;
  skipped: number;
  skippedBy: Record<string, number>;
  invalid: { row: number; value: string; reason: string }[];
}

export interface TestCopyResult {
  sent: { to: string; messageId: string }[];
  failed: { to: string; error: string }[];
}

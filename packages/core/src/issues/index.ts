/**
 * Issues: drafts, rendering, the snapshot taken when an issue goes out, the public archive.
 * The sender (mail/send.ts) needs `snapshotIssue`, `renderIssueMail`, `markItemsUsed` and the
 * store's `issues.transition`.
 */
export { archiveFeed, archiveListPage, archiveNotFoundPage, publicIssuePage } from "./archive.js";
export { cardOf, type IssueCard } from "./card.js";
export {
  previewIssue,
  renderInputOf,
  renderIssueMail,
  sampleUnsubscribeUrl,
  webVersionOf,
} from "./content.js";
export {
  checkIssueItems,
  createDraft,
  DEFAULT_SECTION_HEADINGS,
  type DraftInput,
  type DraftPatch,
  defaultTitle,
  deleteDraft,
  getIssue,
  ISSUE_LIMITS,
  listIssues,
  type NewDraft,
  parseIssueId,
  patchDraft,
  sectionsFromSelection,
  updateDraft,
} from "./drafts.js";
export { annotatePreview } from "./links/annotate.js";
export {
  blocksSend,
  cachedLinkReport,
  checkIssueLinks,
  DeadLinksError,
  issueWithLinkReport,
} from "./links/report.js";
export {
  type RenderedIssue,
  type RenderOptions,
  renderIssue,
  renderOptions,
  renderWebVersion,
} from "./render/index.js";
export { cardsOf, markItemsUsed, snapshotIssue } from "./snapshot.js";

/**
 * The reference month `npm run cost` prices (issue 16, item 7): 200 sources polled hourly, 10,000
 * subscribers mailed weekly, one editor working two hours a week; and every assumption the model
 * needs that no benchmark measures (sizes, latencies, CPU, what readers do), each said where it is
 * used. Change a figure here and the printed lines follow.
 */

export interface Reference {
  /** Hours in the month: 730 (a year / 12). */
  hours: number;
  sources: number;
  /** Entries a source publishes a day: the polls that find one are "steady" cycles, the rest 304s. */
  newEntriesPerSourcePerDay: number;
  /** Sources added in the month: each one's first poll finds every entry of its feed new. */
  newSourcesPerMonth: number;
  entriesPerFeed: number;
  subscribers: number;
  issuesPerMonth: number;
  editorHoursPerMonth: number;
  /**
   * What the editor's page asks for in an hour of work: listing pages, item counts (the candidates
   * page reads them when its filters change or it reloads, and moves them itself when cards change
   * status: packages/web/src/views/candidates.tsx), edits (select, reject, comment), other reads
   * (sources, issues, preview), loads.
   */
  editorPerHour: {
    listingPages: number;
    counts: number;
    edits: number;
    otherReads: number;
    pageLoads: number;
  };
  /** Static files of the editor's page per load (GET / and its assets). */
  webFilesPerPageLoad: number;
  /** Items in the table: about a year of them (`counts` reads every one; storage). */
  storedItems: number;
  /** Readers: the share of recipients whose mail client loads the pictures, and pictures per issue. */
  imageLoadShare: number;
  thumbnailsPerIssue: number;
  /** Share of new items with a picture to host. */
  itemsWithPicture: number;
  webVersionShare: number;
  subscribesPerMonth: number;
  unsubscribesPerMonth: number;
  /** Bounce and complaint notices per message sent (SES → SNS → Lambda). */
  feedbackShare: number;
  /** SES sending rate (messages/s) the send paces at: a new production account's. */
  sesRatePerSec: number;
  /** Milliseconds of waiting per call, as the benchmarks simulate them, and for the rest. */
  latencyMs: {
    dynamo: number;
    ses: number;
    s3: number;
    sqs: number;
    feed200: number;
    feed304: number;
    unfurl: number;
  };
  /** CPU milliseconds (arm64, 1 GB), estimated: the benchmarks measure time only as ratios. */
  cpuMs: {
    pollRepeat: number;
    pollSteady: number;
    pollFirst: number;
    schedule: number;
    apiRequest: number;
    mediaRequest: number;
    unfurl: number;
    sweep: number;
  };
  /** Init of a cold start (billed since August 2025) and how often each kind of function starts cold. */
  initMs: number;
  /** A poll worker's batch of 10 sources runs at once: its billed time per source, as a share of one source's time. */
  pollBatchShare: number;
  /** Record sizes (KB) and indexes an item is in: what read and write units follow from. */
  sizes: {
    itemKb: number;
    /** An entry of the ranked index (keys and the id), which the item counts read. */
    rankEntryKb: number;
    sourceKb: number;
    deliveryKb: number;
    subscriberKb: number;
    thumbnailKb: number;
  };
  itemIndexes: number;
  /** CloudWatch Logs bytes: Lambda's START/END/REPORT per invocation, one JSON line of ours, an access-log line; 26 B of metadata per event counted in each. */
  logBytes: { platformPerInvocation: number; appLine: number; accessLine: number };
  /** Compressed size of stored logs against ingested bytes. */
  logCompression: number;
  /** Empty long polls by an idle SQS event source mapping: pollers (5 with a maximum concurrency set, else 2) x 3 a minute (20 s waits). */
  idlePollersWithMaxConcurrency: number;
  idlePollersOtherwise: number;
  longPollSeconds: number;
  goalUsd: number;
}

export const REFERENCE: Reference = {
  hours: 730,
  sources: 200,
  newEntriesPerSourcePerDay: 1,
  newSourcesPerMonth: 5,
  entriesPerFeed: 20,
  subscribers: 10_000,
  issuesPerMonth: 52 / 12,
  editorHoursPerMonth: (2 * 52) / 12,
  editorPerHour: { listingPages: 120, counts: 30, edits: 120, otherReads: 60, pageLoads: 2 },
  webFilesPerPageLoad: 5,
  storedItems: 75_000,
  imageLoadShare: 0.5,
  thumbnailsPerIssue: 15,
  itemsWithPicture: 0.8,
  webVersionShare: 0.02,
  subscribesPerMonth: 200,
  unsubscribesPerMonth: 100,
  feedbackShare: 0.01,
  sesRatePerSec: 14,
  latencyMs: { dynamo: 5, ses: 30, s3: 20, sqs: 20, feed200: 300, feed304: 150, unfurl: 1_000 },
  cpuMs: {
    pollRepeat: 2,
    pollSteady: 15,
    pollFirst: 40,
    schedule: 50,
    apiRequest: 15,
    mediaRequest: 5,
    unfurl: 150,
    sweep: 10,
  },
  initMs: 500,
  pollBatchShare: 0.2,
  sizes: { itemKb: 2, rankEntryKb: 0.1, sourceKb: 1, deliveryKb: 0.3, subscriberKb: 0.5, thumbnailKb: 15 },
  itemIndexes: 5,
  logBytes: { platformPerInvocation: 400, appLine: 280, accessLine: 580 },
  logCompression: 0.15,
  idlePollersWithMaxConcurrency: 5,
  idlePollersOtherwise: 2,
  longPollSeconds: 20,
  goalUsd: 1,
};

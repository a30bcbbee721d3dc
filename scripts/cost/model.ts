/**
 * The AWS cost of a reference month, as a pure function of the synthesized templates (what is
 * deployed, each function's memory), the request counts the benchmarks measure (DynamoDB requests
 * per polled feed, per recipient, per listing page), the reference month (reference.ts: the
 * workload and every assumption) and the unit prices (prices.ts). Each line says how its quantity
 * was reached; nothing here reads a file, the clock or the network.
 */
import type { Counts } from "./counts.js";
import { PRICES, PRICES_AS_OF, type PriceKey, type PriceTable } from "./prices.js";
import type { Reference } from "./reference.js";
import { type FunctionInfo, type Infra, readInfra, type Template } from "./templates.js";

export interface CostLine {
  service: string;
  item: string;
  quantity: number;
  priceKey: PriceKey;
  /** Dollars per `per` units of `unit`. */
  unitUsd: number;
  per: number;
  unit: string;
  source: string;
  asOf: string;
  usd: number;
  /** How the quantity was reached (the assumptions it rests on). */
  basis: string;
  /** Billed whatever the traffic: alarms, custom metrics, idle queue polling. */
  fixed: boolean;
  /** SES's own per-message charge, kept apart from the goal. */
  ses: boolean;
}

export interface CostTotals {
  monthlyUsdExSes: number;
  monthlyUsdWithSes: number;
  sesUsd: number;
  /** Of the total without SES: what is billed whatever the traffic, and the rest. */
  fixedUsd: number;
  usageUsd: number;
  /** The alarms and the custom metric they read. */
  alarmsUsd: number;
  monthlyUsdExSesWithoutAlarms: number;
  /** After the account's always-free allowances (Lambda, SQS, SNS, CloudWatch, transfer out, ...). */
  monthlyUsdExSesAfterFreeTier: number;
  goalUsd: number;
  withinGoal: boolean;
  /** Resources billed by the hour or month whatever the traffic (NAT, provisioned capacity, KMS keys, ...). */
  alwaysOnResources: number;
}

export interface CostResult {
  lines: CostLine[];
  totals: CostTotals;
  /** The largest line without SES, its share of that total, and why it is the largest. */
  dominant: { line: CostLine; share: number; why: string };
  infra: Infra;
  /** What the model left out, and why. */
  notes: string[];
}

const KB_PER_GB = 1024 * 1024;
const BYTES_PER_GB = 1024 ** 3;

/** Invocations a month of a schedule expression (`rate(N minutes|hours)`, an hourly or daily cron). */
export function scheduledPerMonth(expr: string, hours: number): number {
  const rate = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expr);
  if (rate) {
    const n = Number(rate[1]);
    const perHour = rate[2]!.startsWith("minute")
      ? 60 / n
      : rate[2]!.startsWith("hour")
        ? 1 / n
        : 1 / (24 * n);
    return hours * perHour;
  }
  const cron = /^cron\((\S+) (\S+) /.exec(expr);
  if (cron) {
    const [, minute, hour] = cron;
    const perHourMinutes = minute === "*" ? 60 : minute!.split(",").length;
    const hoursFraction = hour === "*" ? 1 : hour!.split(",").length / 24;
    return hours * perHourMinutes * hoursFraction;
  }
  throw new Error(`schedule "${expr}": not a rate() or cron() this model reads`);
}

/** The work one of our functions does in the month. */
interface Work {
  invocations: number;
  /** Billed milliseconds over the month, init excluded. */
  ms: number;
  coldStarts: number;
  /** Our own log lines over the month. */
  logLines: number;
  basis: string;
}

/** Write request units of a record of `kb` written to the table and `indexes` indexes (each ≥ 1 KB). */
const wru = (kb: number, indexes = 0) => Math.ceil(kb) * (1 + indexes);

export function costModel(
  templates: Record<string, Template>,
  counts: Counts,
  ref: Reference,
  prices: PriceTable = PRICES,
): CostResult {
  const infra = readInfra(templates);
  const notes: string[] = [];
  const lines: CostLine[] = [];
  const add = (
    service: string,
    item: string,
    quantity: number,
    priceKey: PriceKey,
    basis: string,
    opts: { fixed?: boolean; ses?: boolean } = {},
  ) => {
    const p = prices[priceKey];
    lines.push({
      service,
      item,
      quantity,
      priceKey,
      unitUsd: p.usd,
      per: p.per,
      unit: p.unit,
      source: p.source,
      asOf: PRICES_AS_OF,
      usd: (quantity * p.usd) / p.per,
      basis,
      fixed: opts.fixed ?? false,
      ses: opts.ses ?? false,
    });
  };
  const L = ref.latencyMs;
  const days = ref.hours / 24;
  const fmt = (n: number) =>
    n >= 100 ? Math.round(n).toLocaleString("en-US") : String(Math.round(n * 100) / 100);

  // ---- the workload ------------------------------------------------------------------------
  const polls = ref.sources * ref.hours;
  const firstPolls = Math.min(ref.newSourcesPerMonth, polls);
  const steadyPolls = Math.min(polls - firstPolls, ref.sources * ref.newEntriesPerSourcePerDay * days);
  const repeatPolls = polls - firstPolls - steadyPolls;
  const newItems = steadyPolls + firstPolls * ref.entriesPerFeed;
  const cycles = [
    {
      kind: "repeat",
      n: repeatPolls,
      c: counts.poll.repeat,
      fetch: L.feed304,
      cpu: ref.cpuMs.pollRepeat,
      items: 0,
    },
    {
      kind: "steady",
      n: steadyPolls,
      c: counts.poll.steady,
      fetch: L.feed200,
      cpu: ref.cpuMs.pollSteady,
      items: 1,
    },
    {
      kind: "first",
      n: firstPolls,
      c: counts.poll.first,
      fetch: L.feed200,
      cpu: ref.cpuMs.pollFirst,
      items: ref.entriesPerFeed,
    },
  ] as const;
  const pollReads = cycles.reduce((s, k) => s + k.n * k.c.reads, 0);
  const pollWrites = cycles.reduce((s, k) => s + k.n * k.c.writes, 0);
  const pollBilledMs = cycles.reduce(
    (s, k) => s + k.n * ref.pollBatchShare * (k.fetch + (k.c.reads + k.c.writes) * L.dynamo + k.cpu),
    0,
  );

  const recipients = ref.subscribers * ref.issuesPerMonth;
  const confirmMails = ref.subscribesPerMonth;
  const feedbackNotices = (recipients + confirmMails) * ref.feedbackShare;

  const editorRequests =
    ref.editorHoursPerMonth *
    (ref.editorPerHour.listingPages +
      ref.editorPerHour.counts +
      ref.editorPerHour.edits +
      ref.editorPerHour.otherReads);
  const listingPages = ref.editorHoursPerMonth * ref.editorPerHour.listingPages;
  const countsCalls = ref.editorHoursPerMonth * ref.editorPerHour.counts;
  const edits = ref.editorHoursPerMonth * ref.editorPerHour.edits;
  const otherReads = ref.editorHoursPerMonth * ref.editorPerHour.otherReads;
  const pageLoads = ref.editorHoursPerMonth * ref.editorPerHour.pageLoads;
  const webRequests = pageLoads * ref.webFilesPerPageLoad;
  const mediaRequests = recipients * ref.imageLoadShare * ref.thumbnailsPerIssue;
  const webVersionViews = recipients * ref.webVersionShare;
  const publicRequests = ref.subscribesPerMonth * 2 + ref.unsubscribesPerMonth + webVersionViews;
  const apiRequests = editorRequests + mediaRequests + publicRequests;

  // The editor's DynamoDB work. A listing page: a Query of `limit` index entries (projecting the
  // whole item) and a BatchGetItem of the items: its read units spread over its requests.
  const PAGE = 50;
  const pageRru = ((PAGE * ref.sizes.itemKb) / 4) * 0.5 + PAGE * Math.ceil(ref.sizes.itemKb / 4) * 0.5;
  const rruPerListingRead = pageRru / 2;
  const listingReads = listingPages * counts.listingReadsPerPage;
  // counts: one COUNT Query per status over the ranked index (small entries), 1 MB a page.
  const countsRequestsPerCall = 4 + Math.ceil((ref.storedItems * ref.sizes.rankEntryKb) / 1024);
  const countsRru = countsCalls * ((ref.storedItems * ref.sizes.rankEntryKb) / 4) * 0.5;
  const editorDdbRequests = listingReads + countsCalls * countsRequestsPerCall + edits * 2 + otherReads * 2;

  // ---- Lambda: each function's work --------------------------------------------------------
  const sendInFlight = 8;
  const sendPacedMs = (ref.subscribers / ref.sesRatePerSec) * 1000;
  const sendUnpacedMs =
    (ref.subscribers * (counts.sendRequestsPerRecipient * L.dynamo + L.ses)) / sendInFlight;
  const sendMsPerIssue = Math.max(sendPacedMs, sendUnpacedMs);
  const unfurlMsPerItem = L.unfurl + 3 * L.dynamo + ref.itemsWithPicture * L.s3 + ref.cpuMs.unfurl;

  const byFunction = new Map<string, FunctionInfo>(
    infra.functions.filter((f) => f.ours).map((f) => [f.name, f]),
  );
  const scheduled = (name: string, fallback: number) => {
    const s = byFunction.get(name)?.schedule;
    return s ? scheduledPerMonth(s, ref.hours) : fallback;
  };
  const batch = (name: string, fallback: number) => byFunction.get(name)?.batchSize ?? fallback;
  const concurrency = (name: string, fallback: number) => byFunction.get(name)?.maxConcurrency ?? fallback;

  const scheduleRuns = scheduled("poll-schedule", ref.hours);
  const scheduleBatches = Math.ceil(ref.sources / 10);
  const resumeRuns = scheduled("send-resume", ref.hours * 4);
  const pollInvocations = polls / batch("poll-worker", 10);
  const unfurlInvocations = newItems / Math.min(2, batch("unfurl-worker", 10));
  const sendInvocations =
    ref.issuesPerMonth *
    Math.ceil(sendMsPerIssue / ((byFunction.get("send-worker")?.timeoutS ?? 900) * 1000 * 0.9));

  const work: Record<string, Work> = {
    "poll-schedule": {
      invocations: scheduleRuns,
      ms: scheduleRuns * (5 * L.dynamo + scheduleBatches * L.sqs + ref.cpuMs.schedule),
      coldStarts: scheduleRuns,
      logLines: scheduleRuns,
      basis: `${fmt(scheduleRuns)} runs x (5 DynamoDB requests x ${L.dynamo} ms + ${scheduleBatches} SendMessageBatch x ${L.sqs} ms + ${ref.cpuMs.schedule} ms CPU), each a cold start`,
    },
    "poll-worker": {
      invocations: pollInvocations,
      ms: pollBilledMs,
      coldStarts: ref.hours * concurrency("poll-worker", 10),
      logLines: polls * 2,
      basis: `${fmt(polls)} polls (${fmt(repeatPolls)} 304, ${fmt(steadyPolls)} with a new entry, ${fmt(firstPolls)} first) in batches of ${batch("poll-worker", 10)} run at once, billed ${ref.pollBatchShare} of each source's (fetch ${L.feed304}/${L.feed200} ms + DynamoDB requests x ${L.dynamo} ms + CPU ${ref.cpuMs.pollRepeat}/${ref.cpuMs.pollSteady}/${ref.cpuMs.pollFirst} ms); ${concurrency("poll-worker", 10)} cold starts an hour`,
    },
    "unfurl-worker": {
      invocations: unfurlInvocations,
      ms: newItems * unfurlMsPerItem,
      coldStarts: Math.min(unfurlInvocations, ref.hours * Math.min(concurrency("unfurl-worker", 5), 2)),
      logLines: newItems,
      basis: `${fmt(newItems)} new items x (page and picture ${L.unfurl} ms + 3 DynamoDB x ${L.dynamo} ms + S3 PUT ${L.s3} ms + ${ref.cpuMs.unfurl} ms CPU for the thumbnail), 2 a batch`,
    },
    "send-worker": {
      invocations: sendInvocations,
      ms: ref.issuesPerMonth * sendMsPerIssue,
      coldStarts: sendInvocations,
      logLines: sendInvocations * 20,
      basis: `${fmt(ref.issuesPerMonth)} issues x ${fmt(sendMsPerIssue / 1000)} s: ${fmt(ref.subscribers)} recipients paced at ${ref.sesRatePerSec}/s (unpaced it would be ${fmt(sendUnpacedMs / 1000)} s: ${counts.sendRequestsPerRecipient} DynamoDB requests x ${L.dynamo} ms + SES ${L.ses} ms per recipient, ${sendInFlight} in flight)`,
    },
    "confirm-worker": {
      invocations: ref.subscribesPerMonth,
      ms: ref.subscribesPerMonth * (4 * L.dynamo + L.ses + 20),
      coldStarts: ref.subscribesPerMonth,
      logLines: ref.subscribesPerMonth,
      basis: `${fmt(ref.subscribesPerMonth)} subscriptions x (4 DynamoDB x ${L.dynamo} ms + SES ${L.ses} ms + 20 ms CPU)`,
    },
    "send-resume": {
      invocations: resumeRuns,
      ms: resumeRuns * (3 * L.dynamo + ref.cpuMs.sweep),
      coldStarts: resumeRuns,
      logLines: resumeRuns,
      basis: `${fmt(resumeRuns)} sweeps x (3 DynamoDB x ${L.dynamo} ms + ${ref.cpuMs.sweep} ms CPU), one metric line each, each a cold start`,
    },
    "ses-feedback": {
      invocations: feedbackNotices,
      ms: feedbackNotices * (2 * L.dynamo + ref.cpuMs.sweep),
      coldStarts: feedbackNotices * 0.5,
      logLines: feedbackNotices,
      basis: `${fmt(feedbackNotices)} bounce/complaint notices (${ref.feedbackShare * 100}% of mail) x (2 DynamoDB x ${L.dynamo} ms + ${ref.cpuMs.sweep} ms)`,
    },
    api: {
      invocations: apiRequests,
      ms:
        editorRequests * ref.cpuMs.apiRequest +
        editorDdbRequests * L.dynamo +
        mediaRequests * (L.s3 + ref.cpuMs.mediaRequest) +
        publicRequests * (3 * L.dynamo + ref.cpuMs.apiRequest),
      coldStarts: ref.editorHoursPerMonth * 2 + ref.issuesPerMonth * concurrency("api", 20),
      logLines: apiRequests,
      basis: `${fmt(editorRequests)} editor requests (${fmt(editorDdbRequests)} DynamoDB x ${L.dynamo} ms, ${ref.cpuMs.apiRequest} ms CPU each) + ${fmt(mediaRequests)} thumbnails (S3 ${L.s3} ms + ${ref.cpuMs.mediaRequest} ms) + ${fmt(publicRequests)} readers' pages and (un)subscribes`,
    },
    web: {
      invocations: webRequests,
      ms: webRequests * ref.cpuMs.mediaRequest,
      coldStarts: pageLoads,
      logLines: 0,
      basis: `${fmt(pageLoads)} loads of the editor's page x ${ref.webFilesPerPageLoad} files, ${ref.cpuMs.mediaRequest} ms each`,
    },
  };

  let lambdaInvocations = 0;
  let lambdaLogBytes = 0;
  const lambdaParts: string[] = [];
  for (const [name, w] of Object.entries(work)) {
    const fn = byFunction.get(name);
    if (!fn) {
      notes.push(`no function "${name}" in the templates: its work is not priced`);
      continue;
    }
    if (!fn.arm64)
      notes.push(`${name} is not arm64: priced at the arm64 rate all the same (x86 costs 25% more)`);
    const gb = fn.memoryMb / 1024;
    const seconds = (w.ms + w.coldStarts * ref.initMs) / 1000;
    add(
      "Lambda",
      `${name} (${fn.memoryMb} MB arm64, timeout ${fn.timeoutS} s)`,
      seconds * gb,
      "lambdaGbSecondArm",
      `${w.basis}; + ${fmt(w.coldStarts)} inits x ${ref.initMs} ms`,
    );
    lambdaInvocations += w.invocations;
    lambdaLogBytes += w.invocations * ref.logBytes.platformPerInvocation + w.logLines * ref.logBytes.appLine;
    lambdaParts.push(`${name} ${fmt(w.invocations)}`);
  }
  const idle = infra.functions.filter((f) => !f.ours).map((f) => f.name);
  if (idle.length)
    notes.push(
      `${idle.length} deploy-time functions (${[...new Set(idle)].join(", ")}): run only when deploying, not priced`,
    );
  add("Lambda", "requests", lambdaInvocations, "lambdaRequest", lambdaParts.join(", "));

  // ---- DynamoDB ---------------------------------------------------------------------------
  const sourceUpdateWru = wru(ref.sizes.sourceKb) + 2 * Math.ceil(ref.sizes.sourceKb); // moves in gsi1: delete + put
  const itemWru = wru(ref.sizes.itemKb, ref.itemIndexes);
  const txWrites = cycles.filter((k) => k.items > 0).reduce((s, k) => s + k.n * k.c.writes, 0);
  const repeatWrites = pollWrites - txWrites;
  add(
    "DynamoDB",
    "writes: source updates of polls",
    repeatWrites * sourceUpdateWru + txWrites * sourceUpdateWru * 2,
    "dynamoWriteUnit",
    `${fmt(pollWrites)} write requests (${counts.poll.repeat.writes}/${counts.poll.steady.writes}/${counts.poll.first.writes} per 304/steady/first poll, measured), each a ${ref.sizes.sourceKb} KB source update moving in the due index (${sourceUpdateWru} WRU; x2 inside a new-items transaction)`,
  );
  add(
    "DynamoDB",
    "writes: new items",
    newItems * itemWru * 2,
    "dynamoWriteUnit",
    `${fmt(newItems)} new items (${ref.newEntriesPerSourcePerDay}/source/day + ${ref.newSourcesPerMonth} new sources x ${ref.entriesPerFeed}), ${ref.sizes.itemKb} KB in the table and ${ref.itemIndexes} indexes (${itemWru} WRU), x2 transactional`,
  );
  add(
    "DynamoDB",
    "writes: unfurl, editor, sends, readers",
    newItems * itemWru +
      edits * (wru(ref.sizes.itemKb) + ref.itemIndexes * 2 * Math.ceil(ref.sizes.itemKb)) +
      recipients * 2 * wru(ref.sizes.deliveryKb) +
      (ref.subscribesPerMonth * 3 + ref.unsubscribesPerMonth + feedbackNotices) * wru(ref.sizes.subscriberKb),
    "dynamoWriteUnit",
    `unfurl: ${itemWru} WRU per new item; ${fmt(edits)} editor edits moving an item in its ${ref.itemIndexes} indexes; ${fmt(recipients)} recipients x 2 delivery records (claim, settle); subscriber changes`,
  );
  add(
    "DynamoDB",
    "reads: polls",
    pollReads * 2,
    "dynamoReadUnit",
    `${fmt(pollReads)} read requests (${counts.poll.repeat.reads}/${counts.poll.steady.reads}/${counts.poll.first.reads} per 304/steady/first poll, measured) x 2 RRU (a page of due sources, eventually consistent)`,
  );
  add(
    "DynamoDB",
    "reads: editor's listing pages",
    listingReads * rruPerListingRead,
    "dynamoReadUnit",
    `${fmt(listingPages)} pages x ${counts.listingReadsPerPage} read requests (measured) x ${fmt(rruPerListingRead)} RRU (Query of ${PAGE} ${ref.sizes.itemKb} KB index entries + BatchGetItem of the items)`,
  );
  add(
    "DynamoDB",
    "reads: editor's item counts",
    countsRru,
    "dynamoReadUnit",
    `${fmt(countsCalls)} GET /api/items/counts x every one of ${fmt(ref.storedItems)} stored items' ranked-index entries read (${ref.sizes.rankEntryKb} KB, 0.5 RRU per 4 KB)`,
  );
  add(
    "DynamoDB",
    "reads: sends, unfurl, editor edits, readers",
    recipients * counts.sendRequestsPerRecipient * 0.5 +
      newItems * 0.5 +
      (edits + otherReads * 2) * 0.5 +
      publicRequests * 3 * 0.5,
    "dynamoReadUnit",
    `${fmt(recipients)} recipients x ${counts.sendRequestsPerRecipient} requests (measured) x 0.5 RRU; 0.5 RRU per unfurl, edit and other small read`,
  );
  const subscriberGb = (ref.subscribers * ref.sizes.subscriberKb * 2) / KB_PER_GB;
  const deliveryGb = (recipients * 12 * ref.sizes.deliveryKb) / KB_PER_GB;
  const itemGb = (ref.storedItems * ref.sizes.itemKb * (1 + ref.itemIndexes)) / KB_PER_GB;
  const tableGb = itemGb + subscriberGb + deliveryGb;
  add(
    "DynamoDB",
    "storage",
    tableGb,
    "dynamoStorageGb",
    `${fmt(ref.storedItems)} items x ${ref.sizes.itemKb} KB in the table and ${ref.itemIndexes} indexes + subscribers + a year of delivery records`,
  );
  if (infra.tables.some((t) => t.pitr))
    add(
      "DynamoDB",
      "point-in-time recovery",
      tableGb,
      "dynamoPitrGb",
      "continuous backups of the table's size",
    );

  // ---- SQS, SNS ----------------------------------------------------------------------------
  const jobRequests =
    scheduleRuns * scheduleBatches +
    pollInvocations * 2 +
    (steadyPolls + firstPolls) +
    unfurlInvocations * 2 +
    sendInvocations * 3 +
    ref.subscribesPerMonth * 3;
  add(
    "SQS",
    "requests: jobs",
    jobRequests,
    "sqsRequest",
    "SendMessageBatch of poll jobs (10 a request), one per poll with new items (unfurl), a receive and a delete per batch consumed",
  );
  const pollers =
    infra.sqsEventSourcesWithMaxConcurrency * ref.idlePollersWithMaxConcurrency +
    (infra.sqsEventSources - infra.sqsEventSourcesWithMaxConcurrency) * ref.idlePollersOtherwise;
  add(
    "SQS",
    "requests: idle polling by Lambda's event sources",
    pollers * (3600 / ref.longPollSeconds) * ref.hours,
    "sqsRequest",
    `${infra.sqsEventSources} event sources (${infra.sqsEventSourcesWithMaxConcurrency} with a maximum concurrency: ${ref.idlePollersWithMaxConcurrency} pollers each, else ${ref.idlePollersOtherwise}) x one ${ref.longPollSeconds} s long poll at a time, all month`,
    { fixed: true },
  );
  if (infra.topics > 0)
    add(
      "SNS",
      "publishes",
      feedbackNotices,
      "snsPublish",
      "SES bounce and complaint notices (deliveries to Lambda are free)",
    );

  // ---- API Gateway, S3, transfer -----------------------------------------------------------
  if (infra.httpApis > 0)
    add(
      "API Gateway",
      "HTTP API requests",
      apiRequests + webRequests,
      "httpApiRequest",
      `editor ${fmt(editorRequests + webRequests)} (${fmt(ref.editorHoursPerMonth)} h), thumbnails in mail ${fmt(mediaRequests)} (${ref.imageLoadShare * 100}% of recipients load ${ref.thumbnailsPerIssue}), readers' pages ${fmt(publicRequests)}`,
    );
  if (infra.buckets > 0) {
    const pictures = newItems * ref.itemsWithPicture;
    add(
      "S3",
      "storage",
      (pictures * 12 * ref.sizes.thumbnailKb) / KB_PER_GB,
      "s3StorageGb",
      `a year of thumbnails, ${ref.sizes.thumbnailKb} KB each`,
    );
    add(
      "S3",
      "PUT (thumbnails)",
      pictures,
      "s3Put",
      `${ref.itemsWithPicture * 100}% of new items have a picture`,
    );
    add("S3", "GET (thumbnails served)", mediaRequests, "s3Get", "every GET /media/{key} reads the object");
  }
  add(
    "Data transfer",
    "out to the internet",
    (mediaRequests * ref.sizes.thumbnailKb + (editorRequests + publicRequests) * 20) / KB_PER_GB,
    "transferOutGb",
    `thumbnails ${ref.sizes.thumbnailKb} KB, other answers ~20 KB`,
  );

  // ---- CloudWatch ---------------------------------------------------------------------------
  const accessBytes = (apiRequests + webRequests) * ref.logBytes.accessLine;
  add(
    "CloudWatch Logs",
    "ingestion: functions",
    lambdaLogBytes / BYTES_PER_GB,
    "logsIngestGb",
    `${ref.logBytes.platformPerInvocation} B of START/END/REPORT per invocation + ${ref.logBytes.appLine} B per line of ours (one per invocation, two per poll)`,
  );
  if (infra.httpApis > 0)
    add(
      "CloudWatch Logs",
      "ingestion: API access log",
      accessBytes / BYTES_PER_GB,
      "logsIngestGb",
      `${ref.logBytes.accessLine} B per request (SST's JSON format)`,
    );
  const retention = infra.logRetentionDays ?? 365;
  if (infra.logRetentionDays === null)
    notes.push("a log group never expires: its storage is priced as a year's");
  add(
    "CloudWatch Logs",
    "storage",
    ((lambdaLogBytes + accessBytes) / BYTES_PER_GB) * Math.min(1, retention / days) * ref.logCompression,
    "logsStorageGb",
    `${infra.logGroups} log groups kept ${retention} days, stored compressed to ${ref.logCompression * 100}%`,
  );
  add(
    "CloudWatch",
    "alarms",
    infra.alarmMetrics,
    "alarmMetric",
    `${infra.alarms} alarms reading ${infra.alarmMetrics} metrics (${infra.alarmMetrics > infra.alarms ? "an expression over two metrics counts two" : "one each"})`,
    { fixed: true },
  );
  if (infra.customMetrics.length > 0)
    add(
      "CloudWatch",
      "custom metrics",
      infra.customMetrics.length,
      "customMetric",
      `${infra.customMetrics.join(", ")} (embedded in a log line: no PutMetricData calls)`,
      { fixed: true },
    );

  // ---- SES ------------------------------------------------------------------------------------
  add(
    "SES",
    "messages",
    recipients + confirmMails,
    "sesMessage",
    `${fmt(ref.subscribers)} subscribers x ${fmt(ref.issuesPerMonth)} issues + ${fmt(confirmMails)} confirmation mails`,
    { ses: true },
  );

  for (const a of infra.alwaysOn) notes.push(`always-on: ${a.type} ${a.id}: ${a.what} (not priced here)`);

  // ---- totals -------------------------------------------------------------------------------
  const sum = (xs: CostLine[]) => xs.reduce((s, l) => s + l.usd, 0);
  const exSes = lines.filter((l) => !l.ses);
  const alarmsUsd = sum(exSes.filter((l) => l.service === "CloudWatch"));
  const byKey = new Map<PriceKey, number>();
  for (const l of exSes) byKey.set(l.priceKey, (byKey.get(l.priceKey) ?? 0) + l.quantity);
  const afterFree = [...byKey].reduce((s, [k, q]) => {
    const p = prices[k];
    return s + (Math.max(0, q - p.freePerMonth) * p.usd) / p.per;
  }, 0);
  const monthlyUsdExSes = sum(exSes);
  const totals: CostTotals = {
    monthlyUsdExSes,
    monthlyUsdWithSes: sum(lines),
    sesUsd: sum(lines.filter((l) => l.ses)),
    fixedUsd: sum(exSes.filter((l) => l.fixed)),
    usageUsd: sum(exSes.filter((l) => !l.fixed)),
    alarmsUsd,
    monthlyUsdExSesWithoutAlarms: monthlyUsdExSes - alarmsUsd,
    monthlyUsdExSesAfterFreeTier: afterFree,
    goalUsd: ref.goalUsd,
    withinGoal: monthlyUsdExSes < ref.goalUsd && infra.alwaysOn.length === 0,
    alwaysOnResources: infra.alwaysOn.length,
  };
  const top = [...exSes].sort((a, b) => b.usd - a.usd)[0];
  if (!top) throw new Error("no cost lines");
  return {
    lines,
    totals,
    dominant: {
      line: top,
      share: monthlyUsdExSes > 0 ? top.usd / monthlyUsdExSes : 0,
      why: whyDominant(top),
    },
    infra,
    notes,
  };
}

/** Why a line can be the largest: what it scales with. */
function whyDominant(l: CostLine): string {
  if (l.service === "CloudWatch")
    return "a flat monthly charge per alarm metric (and custom metric), paid whatever the traffic: at this size every usage-priced service costs less than a handful of alarms";
  if (l.fixed) return "billed all month whatever the traffic";
  if (l.service === "SQS")
    return "Lambda's pollers long-poll each queue all month; empty receives are billed like full ones";
  if (l.service === "API Gateway" || l.item.startsWith("GET"))
    return "every reader who opens an issue loads its thumbnails through the API (no CDN in front)";
  if (l.service === "DynamoDB" && l.item.includes("counts"))
    return "each counts call reads every stored item: it grows with the table, not the page";
  if (l.service === "DynamoDB")
    return "writes of ~2 KB items land in the table and every index that projects them";
  if (l.service === "Lambda") return "its billed time is mostly waiting: on feeds, pages or SES's pacing";
  return "it scales with the month's traffic";
}

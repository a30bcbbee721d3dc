/**
 * The local SES endpoint in a child process for the send benchmark, for the reason the database
 * has one (dynamo-process.ts): SES's own work (reading each request, checking the message,
 * writing it to the outbox) is not the sender's on the service, and in the sender's process it
 * took a share of the one thread the pacer runs on. The child is the same endpoint the tests use
 * (`@wkn/testing/mail` `startSes`); what the benchmark reads from it (when each message was
 * accepted, its recipients, the Throttling count) comes back over IPC, on the endpoint's clock
 * (epoch ms), as before.
 */
import { exitWithParent, forkBenchChild } from "./child.js";
import { recordStalls, type Stall } from "./frame.js";

export interface SesAcceptance {
  action: string;
  destinations: string[];
  /** Epoch ms on the endpoint's clock, as its rate limit counted the message. */
  acceptedAt: number;
}

export interface SesReport {
  messages: SesAcceptance[];
  throttled: number;
  /** The endpoint's event-loop stalls since it started serving (frame.ts recordStalls). */
  stalls: Stall[];
}

export interface SesProcess {
  endpoint: string;
  /** What the endpoint accepted so far, and how many calls it answered Throttling. */
  report(): Promise<SesReport>;
  close(): Promise<void>;
}

const CHILD_FLAG = "--bench-ses-child";

/** Starts the local SES endpoint, limiting to `maxSendRate` messages a second, in a process of its own. */
export async function startSesProcess(maxSendRate: number): Promise<SesProcess> {
  const c = forkBenchChild(
    import.meta.url,
    [CHILD_FLAG, String(maxSendRate)],
    "the benchmark's SES endpoint",
  );
  const { endpoint } = await c.next<{ endpoint: string }>();
  return {
    endpoint,
    report: async () => (await c.ask<{ report: SesReport }>("report")).report,
    close: c.close,
  };
}

if (process.argv.includes(CHILD_FLAG)) {
  const { startSes } = await import("@wkn/testing/mail");
  const h = await startSes(Number(process.argv[process.argv.indexOf(CHILD_FLAG) + 1]));
  const loop = recordStalls();
  process.on("message", (m) => {
    if (m !== "report") return;
    const messages = h.ses.messages().map((s) => ({
      action: s.action,
      destinations: s.destinations,
      acceptedAt: s.acceptedAt,
    }));
    process.send?.({ report: { messages, throttled: h.ses.stats().throttled, stalls: loop.stalls } });
  });
  process.send?.({ endpoint: h.ses.endpoint });
  // Closing removes the endpoint's outbox folder.
  exitWithParent(() => h.close());
}

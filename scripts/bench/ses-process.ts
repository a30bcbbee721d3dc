/**
 * The local SES endpoint in a child process for the send benchmark, for the reason the database
 * has one (dynamo-process.ts): SES's own work (reading each request, checking the message,
 * writing it to the outbox) is not the sender's on the service, and in the sender's process it
 * took a share of the one thread the pacer runs on. The child is the same endpoint the tests use
 * (`@wkn/testing/mail` `startSes`); what the benchmark reads from it (when each message was
 * accepted, its recipients, the Throttling count) comes back over IPC, on the endpoint's clock
 * (epoch ms), as before.
 */
import { type ChildProcess, fork } from "node:child_process";
import { fileURLToPath } from "node:url";

export interface SesAcceptance {
  action: string;
  destinations: string[];
  /** Epoch ms on the endpoint's clock, as its rate limit counted the message. */
  acceptedAt: number;
}

export interface SesReport {
  messages: SesAcceptance[];
  throttled: number;
}

export interface SesProcess {
  endpoint: string;
  /** What the endpoint accepted so far, and how many calls it answered Throttling. */
  report(): Promise<SesReport>;
  close(): Promise<void>;
}

const CHILD_FLAG = "--bench-ses-child";

type FromChild = { endpoint: string } | { report: SesReport };

function next(child: ChildProcess): Promise<FromChild> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) =>
      reject(new Error(`the benchmark's SES endpoint exited (code ${code}) before answering`));
    child.once("exit", onExit);
    child.once("message", (m) => {
      child.off("exit", onExit);
      resolve(m as FromChild);
    });
  });
}

/** Starts the local SES endpoint, limiting to `maxSendRate` messages a second, in a process of its own. */
export async function startSesProcess(maxSendRate: number): Promise<SesProcess> {
  const child = fork(fileURLToPath(import.meta.url), [CHILD_FLAG, String(maxSendRate)], {
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const started = await next(child);
  if (!("endpoint" in started)) throw new Error("the benchmark's SES endpoint did not say where it listens");
  return {
    endpoint: started.endpoint,
    async report() {
      const answer = next(child);
      child.send("report");
      const m = await answer;
      if (!("report" in m)) throw new Error("the benchmark's SES endpoint answered no report");
      return m.report;
    },
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.send("close");
      }),
  };
}

if (process.argv.includes(CHILD_FLAG)) {
  const { startSes } = await import("@wkn/testing/mail");
  const h = await startSes(Number(process.argv[process.argv.indexOf(CHILD_FLAG) + 1]));
  process.on("message", (m) => {
    if (m === "report") {
      const messages = h.ses.messages().map((s) => ({
        action: s.action,
        destinations: s.destinations,
        acceptedAt: s.acceptedAt,
      }));
      process.send?.({ report: { messages, throttled: h.ses.stats().throttled } });
    } else if (m === "close") {
      void h.close().finally(() => process.exit(0));
    }
  });
  process.send?.({ endpoint: h.ses.endpoint });
  // The parent going away (a crash, ^C) ends this process too.
  process.on("disconnect", () => void h.close().finally(() => process.exit(0)));
}

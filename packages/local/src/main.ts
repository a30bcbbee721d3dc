/**
 * `npm start`: the whole pipeline on this machine. See README "Run it locally".
 *
 * The npm script is `exec node --import tsx packages/local/src/main.ts`, so this is the process
 * npm hands signals to (a `tsx` parent does not pass SIGTERM on, nor does the `sh -c` npm runs
 * scripts in without `exec`). SIGINT, SIGTERM and SIGHUP stop it cleanly, also while it is
 * starting; a start-up failure is one line on stderr and exit code 1.
 *
 * The editor's page (packages/web/dist, git-ignored) is built here when it is missing or stale
 * (packages/web/server/build.ts), while the app loads: a fresh clone needs no other command.
 */
import { loadConfig } from "@wkn/core/config";
import { createLogger } from "@wkn/core/log";
import { prepareLocal } from "./prepare.js";
import type { LocalRuntime } from "./runtime.js";
import { StartupError } from "./startup-error.js";

const oneLine = (s: string) => s.replace(/\s*\n\s*/g, " ").trim();

function fail(e: unknown): never {
  const message = e instanceof Error ? e.message : String(e);
  console.error(`error: ${oneLine(e instanceof StartupError ? message : `could not start: ${message}`)}`);
  process.exit(1);
}

function banner(rt: LocalRuntime): string {
  const tokenNote = process.env.EDITOR_TOKEN
    ? "(from EDITOR_TOKEN)"
    : `(kept in ${rt.config.dataDir}/secrets.json)`;
  return [
    "",
    `  ${rt.config.newsletterName} is running`,
    `  editor:  ${rt.url}/`,
    `  API:     ${rt.url}/api  (Authorization: Bearer <token>)`,
    `  token:   ${rt.config.editorToken}  ${tokenNote}`,
    `  data:    ${rt.config.dataDir}  (mail in outbox/)`,
    `  polls:   "${rt.config.pollCron}"`,
    `  sends:   unfinished ones resumed at start-up and every 15 minutes; failed jobs at /api/jobs/failed`,
    "",
  ].join("\n");
}

/**
 * Builds the page if needed (one line when it does). A failed rebuild keeps the earlier build,
 * saying so; with no build at all the start fails with Vite's error.
 */
async function buildWebPage(): Promise<void> {
  const { ensureWebBuilt } = await import("@wkn/web/server/build");
  await ensureWebBuilt({ onFailure: "keep", log: (line) => console.log(line) });
}

function main() {
  // The pinned SDK runs on Node 20; its notice about future releases needing Node 22 is for upgrades.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(process.env);
  } catch (e) {
    fail(new StartupError((e as Error).message));
  }

  const starting = (async () => {
    const log = createLogger({ service: "local" });
    // The checks first, the app (seconds to load) after them: a start that cannot succeed says so at once.
    const prepared = await prepareLocal(config, log);
    let runtime: typeof import("./runtime.js");
    try {
      [runtime] = await Promise.all([import("./runtime.js"), buildWebPage()]);
    } catch (e) {
      await prepared.abandon();
      throw e;
    }
    return runtime.startLocal(config, { log, prepared });
  })();
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      console.error("forced exit");
      process.exit(1);
    }
    stopping = true;
    console.log(`${signal}: finishing in-flight work and shutting down…`);
    // A signal during start-up waits for the start to finish (or fail), then closes it.
    starting.then(
      async (rt) => {
        try {
          await rt.close();
        } catch (e) {
          // Said, not swallowed: an unclean stop is reported at the next start too (the lock).
          console.error(`shutdown failed: ${(e as Error)?.stack ?? e}`);
          process.exit(1);
        }
        process.exit(0);
      },
      () => {}, // reported below
    );
  };
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, () => stop(signal));

  starting.then((rt) => {
    if (!stopping) console.log(banner(rt));
  }, fail);
}

main();

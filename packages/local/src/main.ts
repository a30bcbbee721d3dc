/** `npm start`: the whole pipeline on this machine. See README "Run it locally". */
import { loadConfig } from "@wkn/core/config";
import { DataDirLockedError } from "./lock.js";
import { startLocal } from "./runtime.js";

async function main() {
  // The pinned SDK runs on Node 20; its notice about future releases needing Node 22 is for upgrades.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  const config = loadConfig(process.env);
  let rt: Awaited<ReturnType<typeof startLocal>>;
  try {
    rt = await startLocal(config);
  } catch (e) {
    if (e instanceof DataDirLockedError) {
      console.error(`error: ${e.message}`);
      process.exit(1);
    }
    throw e;
  }
  const tokenNote = process.env.EDITOR_TOKEN
    ? "(from EDITOR_TOKEN)"
    : `(kept in ${rt.config.dataDir}/secrets.json)`;
  console.log(
    [
      "",
      `  ${rt.config.newsletterName} is running`,
      `  editor:  ${rt.url}/`,
      `  API:     ${rt.url}/api  (Authorization: Bearer <token>)`,
      `  token:   ${rt.config.editorToken}  ${tokenNote}`,
      `  data:    ${rt.config.dataDir}  (mail in outbox/)`,
      `  polls:   "${rt.config.pollCron}"`,
      `  sends:   unfinished ones resumed at start-up and every 15 minutes; failed jobs at /api/jobs/failed`,
      "",
    ].join("\n"),
  );

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) {
      console.error("forced exit");
      process.exit(1);
    }
    stopping = true;
    console.log(`${signal}: finishing in-flight work and shutting down…`);
    await rt.close();
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
}

main().catch((e) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : e);
  process.exit(1);
});

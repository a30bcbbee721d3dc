/**
 * What `npm start` checks before it loads the app (cheap, in this order): the port (bound and
 * held, so a start that cannot listen touches no data), the data folder (created when missing,
 * writable, locked), the secrets, and the database folder (opened once; after an unclean stop its
 * indexes checked and repaired). A failure undoes what was done and throws, a StartupError saying
 * what to do; on success the caller owns what was taken.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Config } from "@wkn/core/config";
import type { Logger } from "@wkn/core/log";
import { type DataDir, prepareDataDir } from "./data-dir.js";
import { prepareDatabase } from "./database.js";
import { type BoundHttp, bindHttp } from "./http-server.js";
import type { CheckResult } from "./index-check.js";
import { acquireDataLock, type DataLock } from "./lock.js";
import { type LocalSecrets, loadSecrets } from "./secrets.js";

export interface Prepared {
  /** The configuration with the data folder resolved and the secrets filled in. */
  config: Config;
  http: BoundHttp;
  secrets: LocalSecrets;
  /** The embedded database's folder; undefined with DYNAMODB_ENDPOINT. */
  databasePath: string | undefined;
  /** What the index check found, when the last run stopped uncleanly. */
  check: CheckResult | undefined;
  /** Frees the data folder (the last step of a clean stop). */
  release(): void;
  /** After a failed start (everything opened since closed): frees the port and the lock, removes what this start created. */
  abandon(): Promise<void>;
}

export async function prepareLocal(baseConfig: Config, log: Logger): Promise<Prepared> {
  const http = await bindHttp(baseConfig.host, baseConfig.port);
  let dir: DataDir | undefined;
  let lock: DataLock | undefined;
  /** Set once the database needs no check (a clean stop) or was checked. */
  let checked = false;
  const abandon = async () => {
    // an unclean stop not yet repaired stays marked for the next start
    if (checked) lock?.release();
    else lock?.abandon();
    await http.close();
    dir?.undo();
  };
  try {
    dir = prepareDataDir(baseConfig.dataDir);
    lock = acquireDataLock(dir.path);
    checked = !lock.recovered;
    dir.snapshot();
    const secrets = loadSecrets(dir.path, baseConfig);
    const config: Config = {
      ...baseConfig,
      dataDir: dir.path,
      editorToken: secrets.editorToken,
      signingSecret: secrets.signingSecret,
    };
    let databasePath: string | undefined;
    let check: CheckResult | undefined;
    if (!config.dynamodbEndpoint) {
      databasePath = join(dir.path, "dynamodb");
      const unclean = lock.recovered && existsSync(databasePath);
      check = await prepareDatabase(databasePath, { check: unclean, log });
    }
    checked = true;
    return { config, http, secrets, databasePath, check, release: lock.release, abandon };
  } catch (e) {
    await abandon();
    throw e;
  }
}

/**
 * The embedded database's folder, prepared before dynalite opens it: opened once directly so a
 * folder that cannot be used ends the start with one clear line (dynalite would only answer
 * "Database is closed" to every request); a folder of an older version migrated (migrate.ts); and,
 * after an unclean stop or a migration, every index checked against the records and rebuilt where
 * they differ, before anything is served.
 */
import type { Logger } from "@wkn/core/log";
import { openDynaliteFolder } from "./dynalite-folder.js";
import { type CheckResult, checkIndexes, type IndexReport } from "./index-check.js";
import { migrateFolder } from "./migrate.js";

const differs = (r: IndexReport) => r.orphaned + r.stale + r.missing + r.rewritten > 0;

export async function prepareDatabase(
  path: string,
  opts: { check: boolean; log: Logger },
): Promise<CheckResult | undefined> {
  const folder = await openDynaliteFolder(path);
  try {
    const migrated = await migrateFolder(folder);
    for (const m of migrated) opts.log.info("database folder brought up to date", { ...m });
    // New indexes are built by the check, as after an unclean stop.
    if (!opts.check && migrated.length === 0) return undefined;
    const result = await checkIndexes(folder, { repair: true });
    const fields = {
      ms: result.ms,
      records: result.records,
      repaired: Object.fromEntries(
        result.indexes
          .filter(differs)
          .map((r) => [
            `${r.table}.${r.index}`,
            { orphaned: r.orphaned, stale: r.stale, missing: r.missing, rewritten: r.rewritten },
          ]),
      ),
    };
    if (!opts.check) opts.log.info("database folder brought up to date: index entries written", fields);
    else if (result.repaired > 0) opts.log.warn("unclean stop: index entries repaired", fields);
    else opts.log.info("unclean stop: indexes checked, nothing to repair", fields);
    return result;
  } finally {
    await folder.close();
  }
}

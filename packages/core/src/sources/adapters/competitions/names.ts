/**
 * The display name of each competition platform, apart from its reader: naming a source
 * (sources/manage.ts) must not load every platform's scraper.
 */
import type { CompetitionPlatform } from "../../../model/index.js";

export const ZINDI = "Zindi";
export const CODABENCH = "Codabench";
export const AICROWD = "AIcrowd";
export const CODALAB = "CodaLab";
export const MLCONTESTS = "mlcontests";

export const PLATFORM_NAMES: Record<CompetitionPlatform, string> = {
  zindi: ZINDI,
  codabench: CODABENCH,
  aicrowd: AICROWD,
  codalab: CODALAB,
  mlcontests: MLCONTESTS,
};

/** A platform's display name; undefined for anything that is not a platform's id. */
export const platformName = (platform: string | undefined): string | undefined =>
  platform !== undefined && Object.hasOwn(PLATFORM_NAMES, platform)
    ? PLATFORM_NAMES[platform as CompetitionPlatform]
    : undefined;

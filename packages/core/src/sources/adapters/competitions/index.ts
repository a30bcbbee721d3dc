/**
 * The `competitions` source kind: one source per platform (`platform`), reading its listing at
 * the source's `url` (the platform's own by default). Every request goes through ctx.fetch; a
 * listing that changed shape is a SourceError on the source, never an empty poll.
 */
import type { Ctx } from "../../../context.js";
import type { CompetitionPlatform } from "../../../model/index.js";
import type { SourceRecord } from "../../../store/sources.js";
import { type AdapterResult, type SourceAdapter, SourceError } from "../types.js";
import { aicrowd } from "./aicrowd.js";
import { codabench } from "./codabench.js";
import { codalab } from "./codalab.js";
import { mlcontests } from "./mlcontests.js";
import { knownIn, type Platform } from "./platform.js";
import { zindi } from "./zindi.js";

export const platforms: Record<CompetitionPlatform, Platform> = {
  zindi,
  codabench,
  aicrowd,
  codalab,
  mlcontests,
};

export const competitionsAdapter: SourceAdapter = {
  async poll(ctx: Ctx, source: SourceRecord): Promise<AdapterResult> {
    const platform = source.platform ? platforms[source.platform] : undefined;
    if (!platform) throw new SourceError(`unknown competition platform "${source.platform ?? ""}"`);
    const { entries, skipped } = await platform.read(
      ctx,
      source.url ?? platform.defaultUrl,
      knownIn(source.seen),
    );
    return { notModified: false, entries, validators: {}, skipped };
  },
};

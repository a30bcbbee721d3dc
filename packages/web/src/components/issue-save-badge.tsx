/** "Saving…", "Saved" or "Not saved" beside a field of the issue editor. */
import { type Dict, useT } from "../i18n.js";
import type { SaveState } from "./issue-autosave.js";

const DICT: Dict<"saving" | "saved" | "failed"> = {
  en: { saving: "Saving…", saved: "Saved", failed: "Not saved" },
  ja: { saving: "保存中…", saved: "保存しました", failed: "保存できませんでした" },
};

export function SaveBadge({ state, id }: { state: SaveState | undefined; id?: string }) {
  const t = useT(DICT);
  const s = state?.state ?? "idle";
  const text =
    s === "pending" || s === "saving"
      ? t("saving")
      : s === "saved"
        ? t("saved")
        : s === "error"
          ? t("failed")
          : "";
  return (
    <span id={id} class={`save-badge ${s}`}>
      {text}
    </span>
  );
}

/**
 * An email's HTML in a sandboxed iframe (no scripts, no same-origin access; links may open a new
 * tab), with a width toggle: Desktop (the mail's 600 px and more) or Phone (375 px). With `check`
 * the URL is fetched first so an API error (a 400 for a rejected item, say) is shown in words
 * above the frame instead of a JSON body inside it.
 */
import { useEffect, useId, useState } from "preact/hooks";
import { type Dict, useT } from "../i18n.js";
import "./preview-frame.css";

const DICT: Dict<"width" | "desktop" | "phone" | "failed"> = {
  en: {
    width: "Preview width",
    desktop: "Desktop",
    phone: "Phone",
    failed: "The preview cannot be shown: {why}",
  },
  ja: {
    width: "プレビューの幅",
    desktop: "デスクトップ",
    phone: "スマートフォン",
    failed: "プレビューを表示できません: {why}",
  },
};

export interface PreviewFrameProps {
  src: string;
  /** The iframe's accessible name ("Email preview"). */
  title: string;
  check?: boolean;
}

export function PreviewFrame({ src, title, check }: PreviewFrameProps) {
  const t = useT(DICT);
  const id = useId();
  const [width, setWidth] = useState<"desktop" | "phone">("desktop");
  const [error, setError] = useState("");

  useEffect(() => {
    if (!check) return;
    const ac = new AbortController();
    (async () => {
      try {
        const res = await fetch(src, { credentials: "same-origin", signal: ac.signal });
        if (res.ok) return setError("");
        const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
        setError(t("failed", { why: body?.error?.message ?? `${res.status} ${res.statusText}` }));
      } catch (e) {
        if (!ac.signal.aborted) setError(t("failed", { why: (e as Error).message }));
      }
    })();
    return () => ac.abort();
  }, [src, check]);

  return (
    <div class="preview">
      <fieldset class="preview-width">
        <legend>{t("width")}</legend>
        {(["desktop", "phone"] as const).map((w) => (
          <label key={w} class="preview-choice">
            <input
              type="radio"
              name={`${id}-width`}
              value={w}
              checked={width === w}
              onChange={() => setWidth(w)}
            />{" "}
            {t(w)}
          </label>
        ))}
      </fieldset>
      <p role="alert" class="error">
        {error}
      </p>
      <div class={`preview-stage ${width}`} hidden={!!error}>
        <iframe
          title={title}
          src={src}
          sandbox="allow-popups allow-popups-to-escape-sandbox"
          referrerpolicy="no-referrer"
        />
      </div>
    </div>
  );
}

/**
 * A confirmation dialog on the native modal <dialog>: while open the rest of the page is inert
 * (focus stays inside), Escape cancels, and focus returns to the control that opened it.
 * Rendered only while open: `{open && <ConfirmDialog … />}`.
 */
import type { ComponentChildren } from "preact";
import { useEffect, useId, useRef } from "preact/hooks";
import { type Dict, useT } from "../i18n.js";
import "./issue-dialog.css";

const DICT: Dict<"cancel" | "working"> = {
  en: { cancel: "Cancel", working: "Working…" },
  ja: { cancel: "キャンセル", working: "処理中…" },
};

export interface ConfirmDialogProps {
  title: string;
  children?: ComponentChildren;
  confirmLabel: string;
  /** Red confirm button (deleting, sending again). */
  danger?: boolean;
  busy?: boolean;
  /** The API's words when the confirmed action failed. */
  error?: string;
  confirmDisabled?: boolean;
  onConfirm: () => void;
  onClose: () => void;
}

export function ConfirmDialog(p: ConfirmDialogProps) {
  const t = useT(DICT);
  const ref = useRef<HTMLDialogElement>(null);
  const id = useId();
  useEffect(() => {
    const opener = document.activeElement as HTMLElement | null;
    const d = ref.current;
    if (d && !d.open) d.showModal();
    return () => {
      if (d?.open) d.close();
      // Back to the control that opened the dialog, if it is still on the page.
      if (opener?.isConnected) opener.focus();
    };
  }, []);
  return (
    <dialog
      ref={ref}
      class="confirm"
      aria-labelledby={`${id}-title`}
      aria-describedby={`${id}-body`}
      onCancel={(e) => {
        e.preventDefault();
        if (!p.busy) p.onClose();
      }}
    >
      <h2 id={`${id}-title`}>{p.title}</h2>
      <div id={`${id}-body`}>{p.children}</div>
      <p role="alert" class="error">
        {p.error ?? ""}
      </p>
      <div class="row actions">
        <button type="button" class="secondary" onClick={p.onClose} disabled={p.busy}>
          {t("cancel")}
        </button>
        <button
          type="button"
          class={p.danger ? "danger" : undefined}
          onClick={p.onConfirm}
          disabled={p.busy || p.confirmDisabled}
        >
          {p.busy ? t("working") : p.confirmLabel}
        </button>
      </div>
    </dialog>
  );
}

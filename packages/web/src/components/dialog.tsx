/**
 * A modal dialog on the native <dialog> (showModal): the rest of the page is inert while it is
 * open, so focus stays inside; Escape closes it; the focus returns to whatever had it before.
 * `ConfirmDialog` asks one question with a confirm and a cancel button.
 */
import "./dialog.css";
import type { ComponentChildren } from "preact";
import { useEffect, useId, useRef } from "preact/hooks";

export interface DialogProps {
  open: boolean;
  /** The dialog's heading and accessible name. */
  title: string;
  /** Escape, the close button, or the caller's own buttons. */
  onClose: () => void;
  children: ComponentChildren;
  /** `alertdialog` for a question that interrupts (ConfirmDialog). */
  role?: "dialog" | "alertdialog";
  class?: string;
}

export function Dialog({ open, title, onClose, children, role = "dialog", class: cls }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const opener = useRef<HTMLElement | null>(null);
  const titleId = useId();

  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) {
      opener.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
      d.showModal();
    } else if (!open && d.open) {
      d.close();
    }
  }, [open]);

  // Give the focus back when the dialog closes (by any way), unless it moved somewhere on purpose.
  const returnFocus = () => {
    const to = opener.current;
    opener.current = null;
    if (to?.isConnected && (document.activeElement === document.body || !document.activeElement)) to.focus();
  };

  useEffect(
    () => () => {
      if (ref.current?.open) ref.current.close();
    },
    [],
  );

  return (
    <dialog
      ref={ref}
      class={cls ? `dialog ${cls}` : "dialog"}
      role={role}
      aria-labelledby={titleId}
      aria-modal="true"
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
      onClose={returnFocus}
    >
      {open && (
        <>
          <h2 id={titleId}>{title}</h2>
          {children}
        </>
      )}
    </dialog>
  );
}

export interface ConfirmDialogProps {
  open: boolean;
  title: string;
  /** What will happen, in words. */
  message: ComponentChildren;
  confirmLabel: string;
  cancelLabel: string;
  /** A red confirm button (removing, rejecting many). */
  danger?: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}

export function ConfirmDialog(p: ConfirmDialogProps) {
  return (
    <Dialog open={p.open} title={p.title} onClose={p.onCancel} role="alertdialog">
      <div class="dialog-body">{p.message}</div>
      <div class="row dialog-actions">
        <button type="button" class={p.danger ? "danger" : undefined} onClick={p.onConfirm}>
          {p.confirmLabel}
        </button>
        <button type="button" class="secondary" onClick={p.onCancel} autofocus>
          {p.cancelLabel}
        </button>
      </div>
    </Dialog>
  );
}

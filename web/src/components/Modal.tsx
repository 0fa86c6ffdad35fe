import { useEffect, useRef, type ReactNode } from "react";

/** A modal on the native <dialog>: focus stays inside, Escape closes, focus returns afterwards. */
export function Modal({ title, onClose, children, wide }: { title: string; onClose: () => void; children: ReactNode; wide?: boolean }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    const opener = document.activeElement as HTMLElement | null;
    dialog?.showModal();
    // showModal focuses the first focusable element (the close button); start in the form instead.
    dialog?.querySelector<HTMLElement>("[data-autofocus], form input, form textarea, form select, form button")?.focus();
    return () => {
      dialog?.close();
      opener?.focus?.();
    };
  }, []);
  return (
    <dialog
      ref={ref}
      className={`modal${wide ? " modal-wide" : ""}`}
      aria-labelledby="modal-title"
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
      onKeyDown={(event) => event.stopPropagation()}
    >
      <div className="panel-header">
        <h2 id="modal-title">{title}</h2>
        <button type="button" onClick={onClose} aria-label="Close">✕</button>
      </div>
      {children}
    </dialog>
  );
}

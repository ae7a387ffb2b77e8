/** The console's "are you sure?" before removing a student or ending the session. */

export type Confirm = (message: string) => Promise<boolean>;

/**
 * Shows `dialog` with `message`; resolves true on its OK button, false on cancel or Escape (the
 * dialog's cancel event). The cancel button has the focus; the focus goes back where it was.
 */
export function confirmWithDialog(dialog: HTMLDialogElement, message: string): Promise<boolean> {
  const text = dialog.querySelector<HTMLElement>("[data-live-confirm-text]");
  const ok = dialog.querySelector<HTMLButtonElement>("[data-live-confirm-ok]");
  const cancel = dialog.querySelector<HTMLButtonElement>("[data-live-confirm-cancel]");
  const opener = dialog.ownerDocument.activeElement as HTMLElement | null;
  if (text) text.textContent = message;
  return new Promise((resolve) => {
    const done = (answer: boolean): void => {
      ok?.removeEventListener("click", onOk);
      cancel?.removeEventListener("click", onCancel);
      dialog.removeEventListener("cancel", onEscape);
      if (typeof dialog.close === "function") dialog.close();
      else dialog.removeAttribute("open");
      opener?.focus?.();
      resolve(answer);
    };
    const onOk = (): void => done(true);
    const onCancel = (): void => done(false);
    const onEscape = (event: Event): void => {
      event.preventDefault();
      done(false);
    };
    ok?.addEventListener("click", onOk);
    cancel?.addEventListener("click", onCancel);
    dialog.addEventListener("cancel", onEscape);
    if (typeof dialog.showModal === "function") {
      try {
        dialog.showModal();
      } catch {
        dialog.setAttribute("open", "");
      }
    } else {
      dialog.setAttribute("open", "");
    }
    cancel?.focus(); // the safe choice has the focus
  });
}

/** Asks with the page's <dialog data-live-confirm>, or with the browser's confirm() without one. */
export function dialogConfirm(dialog: HTMLDialogElement | null): Confirm {
  return (message) => (dialog ? confirmWithDialog(dialog, message) : Promise.resolve(window.confirm(message)));
}

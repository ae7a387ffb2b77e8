/**
 * Activity forms inside live slides: enabling them only while their question is open, and the
 * status of this client's answer to each. What an answer looks like per kind (collecting,
 * prefilling, describing) is the activity registry's (src/activities/).
 */
import type { AnswerSubmitFrame, MyAnswer } from "./protocol";

export type AnswerStatus = "pending" | "acked" | "error";

/** Enables or disables every control of the form (and says so to assistive technology). */
export function setFormEnabled(form: HTMLFormElement, enabled: boolean): void {
  form.querySelectorAll<HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement | HTMLButtonElement>(
    "input, textarea, select, button",
  ).forEach((control) => {
    control.disabled = !enabled;
  });
  if (enabled) form.removeAttribute("aria-disabled");
  else form.setAttribute("aria-disabled", "true");
}

export interface AnswerView {
  state: AnswerStatus | null;
  answer?: unknown;
  message?: string;
}

/**
 * This client's answer to `block`: stored by the server (acked: in the snapshot or acknowledged),
 * else waiting in the outbox (pending), else refused (error, with the server's message).
 */
export function answerView(
  block: string,
  saved: Readonly<Record<string, MyAnswer>> | undefined,
  pending: readonly AnswerSubmitFrame[],
  errors: ReadonlyMap<string, string>,
): AnswerView {
  const stored = saved?.[block];
  if (stored) return { state: "acked", answer: stored.answer };
  const waiting = pending.filter((frame) => frame.block === block).at(-1);
  if (waiting) return { state: "pending", answer: waiting.answer };
  const message = errors.get(block);
  if (message !== undefined) return { state: "error", message };
  return { state: null };
}

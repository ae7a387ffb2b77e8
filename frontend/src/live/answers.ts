/**
 * Activity forms inside live slides: filling them with an earlier answer, enabling them only
 * while their question is open, and the status of this client's answer to each.
 * The answer shapes are those `collectAnswer` (pages/lesson.ts) produces and the server stores:
 * multiple_choice → list of choice indexes, true_false → bool, poll → index, others → text.
 */
import type { AnswerSubmitFrame, MyAnswer } from "./protocol";

export type AnswerStatus = "pending" | "acked" | "error";

const inputs = (form: HTMLFormElement): HTMLInputElement[] =>
  Array.from(form.querySelectorAll<HTMLInputElement>('input[name="answer"]'));

/** Puts `answer` back into the form's inputs; false if its shape does not fit the kind. */
export function prefill(form: HTMLFormElement, answer: unknown): boolean {
  const kind = form.dataset.kind;
  switch (kind) {
    case "multiple_choice": {
      if (!Array.isArray(answer)) return false;
      const chosen = new Set(answer.map((value) => String(value)));
      for (const input of inputs(form)) input.checked = chosen.has(input.value);
      return true;
    }
    case "true_false": {
      if (typeof answer !== "boolean") return false;
      for (const input of inputs(form)) input.checked = input.value === String(answer);
      return true;
    }
    case "poll": {
      if (typeof answer !== "number" || !Number.isInteger(answer)) return false;
      for (const input of inputs(form)) input.checked = input.value === String(answer);
      return true;
    }
    default: {
      const field = form.querySelector<HTMLInputElement | HTMLTextAreaElement>('[name="answer"]');
      if (!field || (typeof answer !== "string" && typeof answer !== "number")) return false;
      field.value = String(answer);
      return true;
    }
  }
}

/** Nothing chosen or typed: not worth sending (the server would refuse it). */
export function isEmptyAnswer(answer: unknown): boolean {
  if (answer === null || answer === undefined) return true;
  if (typeof answer === "string") return answer.trim() === "";
  if (Array.isArray(answer)) return answer.length === 0;
  return false;
}

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

/** Text for a revealed correct answer: choice texts for choices, the labels for true/false. */
export function describeAnswer(
  form: HTMLFormElement | null,
  kind: string,
  value: unknown,
  labels: { true: string; false: string },
): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "boolean") return value ? labels.true : labels.false;
  const choiceText = (index: unknown): string => {
    const input = form ? inputs(form).find((el) => el.value === String(index)) : undefined;
    return input?.closest("label")?.textContent?.trim() || String(index);
  };
  if ((kind === "multiple_choice" || kind === "poll") && Array.isArray(value)) return value.map(choiceText).join(", ");
  if ((kind === "multiple_choice" || kind === "poll") && typeof value === "number") return choiceText(value);
  if (Array.isArray(value)) return value.map(String).join(", ");
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

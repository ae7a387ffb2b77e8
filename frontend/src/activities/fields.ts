/** Reading and filling the `answer` controls of an activity form, and the text of answers. */

/** The form's choice inputs (radio buttons or checkboxes named "answer"), in order. */
export const answerInputs = (form: HTMLFormElement): HTMLInputElement[] =>
  Array.from(form.querySelectorAll<HTMLInputElement>('input[name="answer"]'));

/** The values of the chosen inputs, in order. */
export const checkedValues = (form: HTMLFormElement): string[] =>
  answerInputs(form)
    .filter((input) => input.checked)
    .map((input) => input.value);

/** The value of the first chosen input, or null when none is chosen. */
export const chosenValue = (form: HTMLFormElement): string | null => checkedValues(form)[0] ?? null;

/** No answer at all (kinds whose answer is one value). */
export const isNone = (answer: unknown): boolean => answer === null || answer === undefined;

/** Checks exactly the inputs whose value `chosen` holds. */
export function checkOnly(form: HTMLFormElement, chosen: ReadonlySet<string>): void {
  for (const input of answerInputs(form)) input.checked = chosen.has(input.value);
}

/** The one text field (input or textarea) named "answer", if the form has one. */
export const answerField = (form: HTMLFormElement): HTMLInputElement | HTMLTextAreaElement | null =>
  form.querySelector<HTMLInputElement | HTMLTextAreaElement>('[name="answer"]');

/**
 * A choice index as the text of its label (the index itself when the form has no such choice);
 * anything else is text already (the server's own wording of an answer) and is shown as it is.
 */
export function choiceText(form: HTMLFormElement | null, part: unknown): string {
  if (typeof part !== "number") return String(part);
  const input = form ? answerInputs(form).find((el) => el.value === String(part)) : undefined;
  return input?.closest("label")?.textContent?.trim() || String(part);
}

/** `value` as text: "" for none, each item of a list through `item`, joined with ", ". */
export function describeWith(value: unknown, item: (part: unknown) => string): string {
  if (value === null || value === undefined) return "";
  if (Array.isArray(value)) return value.map(item).join(", ");
  if (typeof value === "object") return JSON.stringify(value);
  return item(value);
}

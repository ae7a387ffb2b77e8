/** Activities answered in one text field: short answers, numbers and open responses. */
import { answerField, describeWith } from "./fields";
import type { Activity } from "./types";

/** The field's text ("" without a field); a stored number is shown as typed text. */
export const freeText: Activity = {
  collect: (form) => answerField(form)?.value ?? "",
  isEmpty: (answer) => typeof answer !== "string" || answer.trim() === "",
  prefill(form, answer) {
    const field = answerField(form);
    if (!field || (typeof answer !== "string" && typeof answer !== "number")) return false;
    field.value = String(answer);
    return true;
  },
  describe: (_form, value) => describeWith(value, String),
};

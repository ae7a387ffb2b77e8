/** True or false: a boolean, shown in the page's words for true and false. */
import { checkOnly, chosenValue, describeWith, isNone } from "./fields";
import type { Activity } from "./types";

export const trueFalse: Activity = {
  collect(form) {
    const chosen = chosenValue(form);
    return chosen === null ? null : chosen === "true";
  },
  isEmpty: isNone,
  prefill(form, answer) {
    if (typeof answer !== "boolean") return false;
    checkOnly(form, new Set([String(answer)]));
    return true;
  },
  describe: (_form, value, labels) =>
    describeWith(value, (part) => (typeof part === "boolean" ? (part ? labels.true : labels.false) : String(part))),
};

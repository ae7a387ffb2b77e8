/** Activities answered by picking options: multiple choice (one or several) and polls (one). */
import { checkedValues, checkOnly, choiceText, chosenValue, describeWith, isNone } from "./fields";
import type { Activity } from "./types";

const isIndex = (value: unknown): value is number => typeof value === "number" && Number.isInteger(value);

/** Indexes as the texts of their choices; the server's wording of an answer as it is. */
const describeChoices: Activity["describe"] = (form, value) => describeWith(value, (part) => choiceText(form, part));

/** Multiple choice: the indexes of the chosen choices, as a list (even with radio buttons). */
export const multipleChoice: Activity = {
  collect: (form) => checkedValues(form).map(Number),
  isEmpty: (answer) => !Array.isArray(answer) || answer.length === 0,
  prefill(form, answer) {
    if (!Array.isArray(answer)) return false;
    checkOnly(form, new Set(answer.map((value) => String(value))));
    return true;
  },
  describe: describeChoices,
};

/** Poll: the index of the one chosen option, or null. */
export const poll: Activity = {
  collect(form) {
    const chosen = chosenValue(form);
    return chosen === null ? null : Number(chosen);
  },
  isEmpty: isNone,
  prefill(form, answer) {
    if (!isIndex(answer)) return false;
    checkOnly(form, new Set([String(answer)]));
    return true;
  },
  describe: describeChoices,
};

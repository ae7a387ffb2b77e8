/**
 * The browser's activity registry: one entry per kind the server's registry
 * (courses/activities.py) has, with everything the pages need about a kind. The lesson page and
 * the live student view read it instead of looking at kinds themselves.
 */
import { multipleChoice, poll } from "./choice";
import { external } from "./external";
import { freeText } from "./text";
import { trueFalse } from "./true-false";
import type { Activity } from "./types";

export type { Activity, AnswerLabels } from "./types";

/** The kinds, in the server registry's order (a test compares the two lists). */
export const ACTIVITY_KINDS = ["multiple_choice", "true_false", "short_answer", "numeric", "poll", "open_response", "external_activity"] as const;
export type ActivityKind = (typeof ACTIVITY_KINDS)[number];

export const ACTIVITIES: Readonly<Record<ActivityKind, Activity>> = {
  multiple_choice: multipleChoice,
  true_false: trueFalse,
  short_answer: freeText,
  numeric: freeText,
  poll,
  open_response: freeText,
  external_activity: external,
};

const isKind = (kind: string | undefined): kind is ActivityKind =>
  kind !== undefined && Object.prototype.hasOwnProperty.call(ACTIVITIES, kind);

/**
 * The entry for `kind`. A kind this script does not know yet (a newer server) is read as free
 * text: its form has one answer field, and the server checks what is sent.
 */
export function activityFor(kind: string | undefined): Activity {
  return isKind(kind) ? ACTIVITIES[kind] : freeText;
}

/** The entry for an activity form, by its `data-kind`. */
export function activityOf(form: HTMLFormElement): Activity {
  return activityFor(form.dataset.kind);
}

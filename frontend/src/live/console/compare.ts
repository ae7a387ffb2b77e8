/**
 * The console's view of a question asked again and of typed answers: the two attempts' answers
 * side by side (before and after the discussion), and the choice of which typed answers the class
 * may see (students see none until the teacher picks them: `results.pick`).
 */
import { fill, readLabels } from "../labels";
import type { DistributionEntry, Results, Tally, TeacherFrame } from "../protocol";
import { element, renderBars } from "../view";

/** Texts of this part of the console: classrooms/live/labels.py `question_labels()` (a test compares them). */
export const QUESTION_LABEL_KEYS = [
  "ask_again",
  "attempt_n",
  "compare_title",
  "compare_answered",
  "compare_correct",
  "pick_title",
  "pick_show",
  "picked_none",
  "picked_count",
] as const;
export type QuestionLabels = Record<(typeof QUESTION_LABEL_KEYS)[number], string>;

export function readQuestionLabels(doc: Document): QuestionLabels {
  return readLabels(doc, QUESTION_LABEL_KEYS);
}

/** Kinds whose answers are typed text (the schema's `free_text`, from the activity registry). */
export const FREE_TEXT_KINDS: ReadonlySet<string> = new Set(["numeric", "open_response", "short_answer"]);

/** The chart's label for the answers beyond its first twelve (never one answer to pick). */
export const OTHERS_LABEL = "…";

/**
 * Both distributions over the same labels, in the same order (the later attempt's order, then
 * answers only given before), so each answer's two bars sit at the same height.
 */
export function alignDistributions(
  before: readonly DistributionEntry[],
  after: readonly DistributionEntry[],
): [DistributionEntry[], DistributionEntry[]] {
  const labels: string[] = [];
  for (const entry of [...after, ...before]) if (!labels.includes(entry.label)) labels.push(entry.label);
  const countIn = (list: readonly DistributionEntry[], label: string) => list.find((e) => e.label === label)?.count ?? 0;
  return [
    labels.map((label) => ({ label, count: countIn(before, label) })),
    labels.map((label) => ({ label, count: countIn(after, label) })),
  ];
}

function column(
  doc: Document,
  labels: QuestionLabels,
  attempt: number,
  distribution: DistributionEntry[],
  answered: number,
  total: number,
  correct: number | null,
): HTMLElement {
  const section = element(doc, "section", { class: "live-compare-attempt" });
  section.dataset.attempt = String(attempt);
  let stats = fill(labels.compare_answered, { answered, total });
  if (correct !== null) stats += ` · ${fill(labels.compare_correct, { count: correct })}`;
  const bars = element(doc, "ul", { class: "live-bars" });
  renderBars(bars, distribution, answered);
  section.append(
    element(doc, "h4", {}, fill(labels.attempt_n, { n: attempt })),
    element(doc, "p", { class: "live-stats" }, stats),
    bars,
  );
  return section;
}

/** Shows the attempt before and this one side by side, or hides `box` when there is nothing to compare. */
export function renderComparison(box: HTMLElement, tally: Tally | null, labels: QuestionLabels): void {
  const previous = tally?.previous ?? null;
  if (!tally || previous === null) {
    box.hidden = true;
    box.replaceChildren();
    return;
  }
  const doc = box.ownerDocument;
  const attempt = tally.attempt ?? 2;
  const [before, after] = alignDistributions(previous, tally.distribution);
  const columns = element(doc, "div", { class: "live-compare-columns" });
  columns.append(
    column(doc, labels, attempt - 1, before, tally.previous_answered ?? 0, tally.total, tally.previous_correct ?? null),
    column(doc, labels, attempt, after, tally.answered, tally.total, tally.correct),
  );
  box.replaceChildren(element(doc, "h3", {}, labels.compare_title), columns);
  box.hidden = false;
}

/**
 * The typed answers of a revealed question, each with a checkbox: those checked are shown to the
 * class when the teacher sends them. Re-rendered only when the answers or the picked ones change,
 * so a teacher's unsent ticks survive the tally's refreshes.
 */
export class PickPanel {
  private shown = "";

  constructor(
    private readonly box: HTMLElement,
    private readonly labels: QuestionLabels,
    private readonly act: (frame: TeacherFrame) => void,
  ) {}

  render(tally: Tally | null, results: Results | null): void {
    const { box, labels } = this;
    const relevant =
      tally !== null && results !== null && tally.block === results.block && FREE_TEXT_KINDS.has(results.kind);
    if (!relevant) {
      box.hidden = true;
      box.replaceChildren();
      this.shown = "";
      return;
    }
    const answers = tally.distribution.map((entry) => entry.label).filter((label) => label !== OTHERS_LABEL);
    const picked = results.distribution.map((entry) => entry.label);
    const key = JSON.stringify([results.block, results.attempt ?? 1, answers, picked]);
    if (key === this.shown && !box.hidden) return;
    this.shown = key;
    const doc = box.ownerDocument;
    const list = element(doc, "ul", { class: "live-pick-list" });
    for (const answer of answers) {
      const item = element(doc, "li");
      const label = element(doc, "label", { class: "choice" });
      const tick = element(doc, "input", { type: "checkbox", value: answer });
      tick.checked = picked.includes(answer);
      tick.dataset.testid = "pick-answer";
      label.append(tick, " ", element(doc, "span", {}, answer));
      item.append(label);
      list.append(item);
    }
    const send = element(doc, "button", { type: "button", class: "button" }, labels.pick_show);
    send.dataset.testid = "pick-show";
    send.disabled = answers.length === 0;
    send.addEventListener("click", () => {
      const chosen = Array.from(list.querySelectorAll<HTMLInputElement>("input:checked")).map((input) => input.value);
      this.act({ type: "results.pick", labels: chosen });
    });
    const status = element(
      doc,
      "p",
      { class: "live-pick-status", role: "status" },
      picked.length ? fill(labels.picked_count, { count: picked.length }) : labels.picked_none,
    );
    status.dataset.testid = "picked-status";
    box.replaceChildren(element(doc, "p", { class: "muted small" }, labels.pick_title), list, send, status);
    box.hidden = false;
  }
}

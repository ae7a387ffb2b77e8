/**
 * Revealed results on the student view: my verdict, the correct answer (as the activity registry
 * describes it), the explanation, the counts, the distribution and, unless hidden, who was right.
 */
import { activityFor } from "../../activities";
import { renderMath } from "../../ui/math";
import { sanitise } from "../../ui/sanitise";
import { fill } from "../labels";
import type { LiveState } from "../reconcile";
import { element, namesLine, renderBars } from "../view";
import type { StudentLabels } from "./labels";

type Verdict = "correct" | "incorrect" | "recorded" | "none";

export class ResultsView {
  /** What the box shows now (results and my answer), so an unchanged render leaves it alone. */
  private shown: string | null = null;

  constructor(
    private readonly box: HTMLElement | null,
    private readonly labels: StudentLabels,
    private readonly announce: (text: string) => void,
  ) {}

  /** A new slide is in: whatever the box showed is of the old one. */
  reset(): void {
    this.shown = null;
  }

  hide(): void {
    if (this.box) this.box.hidden = true;
  }

  /** Shows the state's results if they are for `form` (the question on this slide), else nothing. */
  render(state: LiveState, form: HTMLFormElement | null): void {
    const box = this.box;
    if (!box) return;
    const results = state.results;
    if (!results || !form) {
      box.hidden = true;
      box.replaceChildren();
      this.shown = null;
      return;
    }
    // An answer to an earlier attempt of a question asked again is not an answer to these results.
    const given = state.me?.answers[results.block];
    const mine = given && (given.attempt ?? 1) >= (results.attempt ?? 1) ? given : undefined;
    const key = JSON.stringify([results, mine ?? null]);
    if (this.shown === key && !box.hidden) return;
    this.shown = key;
    const { labels } = this;
    const doc = box.ownerDocument;
    const verdict: Verdict =
      mine?.correct === true ? "correct" : mine?.correct === false ? "incorrect" : mine ? "recorded" : "none";
    const headline = element(
      doc,
      "p",
      { class: `live-mine ${verdict === "correct" ? "ok" : verdict === "incorrect" ? "bad" : ""}`.trim() },
      { correct: labels.correct, incorrect: labels.incorrect, recorded: labels.recorded, none: labels.not_answered }[verdict],
    );
    headline.dataset.mine = verdict;
    const parts: HTMLElement[] = [element(doc, "h2", {}, labels.results_title), headline];
    const answerText = activityFor(results.kind).describe(form, results.answer, labels);
    if (answerText !== "") {
      const answer = element(doc, "p", { class: "reveal" }, `${labels.answer}: ${answerText}`);
      answer.dataset.testid = "correct-answer";
      parts.push(answer);
    }
    if (results.explanation) {
      const explanation = element(doc, "div", { class: "explanation" });
      explanation.append(sanitise(results.explanation));
      parts.push(explanation);
    }
    let stats = fill(labels.results_count, { answered: results.answered, total: results.total });
    if (results.correct_count !== null) stats += ` · ${fill(labels.results_correct, { count: results.correct_count })}`;
    parts.push(element(doc, "p", { class: "live-stats" }, stats));
    if (results.distribution.length) {
      const bars = element(doc, "ul", { class: "live-bars" });
      renderBars(bars, results.distribution, results.answered);
      parts.push(bars);
    }
    if (results.names && results.names.length) parts.push(namesLine(doc, labels.correct_names, results.names));
    box.replaceChildren(...parts);
    box.hidden = false;
    renderMath(box);
    this.announce(headline.textContent ?? "");
  }
}

/**
 * The projector's result chart: one bar per answer, the correct one(s) marked (colour, a check
 * and the word for "answer" for those who cannot tell colours apart), the correct answer, how
 * many answered and got it right. Names only when the teacher revealed them (not anonymous).
 */
import { fill } from "../labels";
import type { Results } from "../protocol";
import { element, namesLine, renderBars } from "../view";
import type { ProjectorLabels } from "./labels";

/** Kinds whose correct answer is a list of accepted answers, any of which is right. */
const ACCEPTED_LISTS = new Set(["short_answer", "numeric"]);

/** Whether the distribution label `label` is a correct answer of `results`. */
export function isCorrectLabel(label: string, results: Pick<Results, "answer" | "kind" | "correct_count">): boolean {
  if (results.correct_count === null || results.answer === null || results.answer === undefined) return false;
  const answer = typeof results.answer === "string" ? results.answer : JSON.stringify(results.answer);
  if (answer === "") return false;
  if (label === answer) return true;
  return ACCEPTED_LISTS.has(results.kind) && answer.split(", ").includes(label);
}

/** Whether the question has a correct answer to show (polls and open questions have none). */
export function hasAnswer(results: Pick<Results, "answer" | "correct_count">): boolean {
  return results.correct_count !== null && typeof results.answer === "string" && results.answer !== "";
}

export function renderChart(box: HTMLElement, results: Results, labels: ProjectorLabels): void {
  const doc = box.ownerDocument;
  const heading = element(doc, "h2", {}, labels.results_title);
  const counts = element(doc, "p", { class: "projector-counts" });
  counts.append(
    element(doc, "span", {}, fill(labels.answered_count, { answered: results.answered, total: results.total })),
  );
  if (hasAnswer(results)) {
    counts.append(element(doc, "span", {}, fill(labels.correct_count, { count: results.correct_count ?? 0 })));
  }
  const bars = element(doc, "ul", { class: "live-bars projector-bars" });
  renderBars(bars, results.distribution, results.answered);
  for (const bar of Array.from(bars.querySelectorAll<HTMLElement>(".live-bar"))) {
    if (!isCorrectLabel(bar.dataset.label ?? "", results)) continue;
    bar.dataset.correct = "true";
    const label = bar.querySelector(".live-bar-label");
    label?.prepend(element(doc, "span", { class: "projector-check", "aria-hidden": "true" }, "✓ "));
    label?.append(element(doc, "span", { class: "visually-hidden" }, ` (${labels.correct_answer})`));
  }
  const parts: HTMLElement[] = [heading, counts];
  if (hasAnswer(results)) {
    const answer = element(doc, "p", { class: "projector-answer" });
    answer.append(element(doc, "strong", {}, `${labels.correct_answer}: `), doc.createTextNode(String(results.answer)));
    parts.push(answer);
  }
  if (results.distribution.length) parts.push(bars);
  if (!results.anonymous && results.names && results.names.length) parts.push(namesLine(doc, labels.correct_names, results.names));
  box.replaceChildren(...parts);
  box.dataset.block = results.block;
}

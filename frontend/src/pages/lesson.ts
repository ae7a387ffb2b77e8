/**
 * Self-paced lesson page: renders math with KaTeX and sends activity answers to the server,
 * which checks them (the page never holds correct answers) and replies with the verdict.
 * All user-facing text comes from the page's `#lesson-labels` JSON (translated by Django).
 */
import { activityOf } from "../activities";
import { renderMath } from "../ui/math";
import { sanitise } from "../ui/sanitise";

export type LessonLabels = Record<
  "correct" | "incorrect" | "recorded" | "answer" | "error" | "signin" | "checking" | "true" | "false",
  string
>;

export interface Verdict {
  correct: boolean | null;
  score: number;
  max_score: number;
  attempts: number;
  reveal: { correct?: unknown; explanation?: string };
}

type Fetch = (input: string, init: RequestInit) => Promise<Response>;

export function showVerdict(form: HTMLFormElement, verdict: Verdict, labels: LessonLabels): void {
  const feedback = form.querySelector<HTMLElement>(".feedback");
  if (!feedback) return;
  feedback.replaceChildren();
  const headline = document.createElement("p");
  if (verdict.correct === true) {
    headline.className = "ok";
    headline.textContent = labels.correct;
    form.dataset.result = "correct";
  } else if (verdict.correct === false) {
    headline.className = "bad";
    headline.textContent = labels.incorrect;
    form.dataset.result = "incorrect";
  } else {
    headline.textContent = labels.recorded;
    form.dataset.result = "recorded";
  }
  feedback.append(headline);
  if (verdict.correct === false && verdict.reveal.correct !== undefined) {
    const answer = document.createElement("p");
    answer.className = "reveal";
    answer.textContent = `${labels.answer}: ${activityOf(form).describe(form, verdict.reveal.correct, labels)}`;
    feedback.append(answer);
  }
  if (verdict.reveal.explanation) {
    const explanation = document.createElement("div");
    explanation.className = "explanation";
    explanation.append(sanitise(verdict.reveal.explanation));
    feedback.append(explanation);
  }
}

function csrfToken(doc: Document): string {
  const match = doc.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  return match ? decodeURIComponent(match[1]!) : "";
}

export async function submitAnswer(
  form: HTMLFormElement,
  url: string,
  labels: LessonLabels,
  fetchImpl: Fetch = (input, init) => fetch(input, init),
  doc: Document = document,
): Promise<void> {
  const feedback = form.querySelector<HTMLElement>(".feedback");
  const button = form.querySelector<HTMLButtonElement>('button[type="submit"]');
  const say = (text: string, className = "") => {
    if (!feedback) return;
    const p = document.createElement("p");
    p.textContent = text;
    if (className) p.className = className;
    feedback.replaceChildren(p);
  };
  say(labels.checking);
  if (button) button.disabled = true;
  try {
    const response = await fetchImpl(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken(doc) },
      body: JSON.stringify({ block: form.dataset.block, answer: activityOf(form).collect(form) }),
    });
    const data: unknown = await response.json().catch(() => null);
    if (response.ok && data && typeof data === "object") {
      showVerdict(form, data as Verdict, labels);
      return;
    }
    const message =
      response.status === 401
        ? labels.signin
        : ((data as { error?: { message?: string } } | null)?.error?.message ?? labels.error);
    form.dataset.result = "error";
    say(message, "bad");
  } catch {
    form.dataset.result = "error";
    say(labels.error, "bad");
  } finally {
    if (button) button.disabled = false;
  }
}

export function mountLesson(article: HTMLElement, fetchImpl?: Fetch): number {
  const labelsEl = document.getElementById("lesson-labels");
  const labels = JSON.parse(labelsEl?.textContent ?? "{}") as LessonLabels;
  const url = article.dataset.answerUrl ?? "";
  renderMath(article);
  const forms = Array.from(article.querySelectorAll<HTMLFormElement>("form[data-activity]"));
  for (const form of forms) {
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      void submitAnswer(form, url, labels, fetchImpl);
    });
  }
  article.dataset.ready = "1";
  return forms.length;
}

/**
 * Self-paced lesson page: renders math with KaTeX and sends activity answers to the server,
 * which checks them (the page never holds correct answers) and replies with the verdict.
 * All user-facing text comes from the page's `#lesson-labels` JSON (translated by Django).
 */
import katex from "katex";
import "katex/dist/katex.min.css";

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

export function renderMath(root: ParentNode): number {
  let count = 0;
  root.querySelectorAll<HTMLElement>("[data-latex]").forEach((el) => {
    try {
      katex.render(el.dataset.latex ?? "", el, {
        displayMode: el.dataset.display === "1",
        throwOnError: false,
        trust: false,
        strict: "ignore",
        maxExpand: 500,
      });
      count += 1;
    } catch {
      // Leave the LaTeX source visible (the <code> the server rendered); never break the page.
    }
  });
  return count;
}

/** The answer a form holds, shaped as the server expects it for that activity kind. */
export function collectAnswer(form: HTMLFormElement): unknown {
  const kind = form.dataset.kind;
  const checked = Array.from(form.querySelectorAll<HTMLInputElement>('input[name="answer"]:checked'));
  switch (kind) {
    case "multiple_choice":
      return checked.map((input) => Number(input.value));
    case "true_false":
      return checked.length ? checked[0]!.value === "true" : null;
    case "poll":
      return checked.length ? Number(checked[0]!.value) : null;
    default: {
      const field = form.querySelector<HTMLInputElement | HTMLTextAreaElement>('[name="answer"]');
      return field ? field.value : "";
    }
  }
}

/** Removes anything executable from server-provided rich text before it is shown. */
export function sanitise(html: string): DocumentFragment {
  const template = document.createElement("template");
  template.innerHTML = html;
  template.content.querySelectorAll("script, style, iframe, object, embed, link, meta").forEach((el) => el.remove());
  template.content.querySelectorAll("*").forEach((el) => {
    for (const attr of Array.from(el.attributes)) {
      const value = attr.value.trim().toLowerCase();
      if (attr.name.startsWith("on") || ((attr.name === "href" || attr.name === "src") && value.startsWith("javascript:"))) {
        el.removeAttribute(attr.name);
      }
    }
  });
  return template.content;
}

function describeCorrect(form: HTMLFormElement, correct: unknown, labels: LessonLabels): string {
  const kind = form.dataset.kind;
  if (kind === "multiple_choice" && Array.isArray(correct)) {
    const choices = Array.from(form.querySelectorAll<HTMLInputElement>('input[name="answer"]'));
    return correct
      .map((index) => choices[Number(index)]?.closest("label")?.textContent?.trim() ?? String(index))
      .join(", ");
  }
  if (kind === "true_false" && typeof correct === "boolean") return correct ? labels.true : labels.false;
  if (Array.isArray(correct)) return correct.map(String).join(", ");
  return correct === undefined || correct === null ? "" : String(correct);
}

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
    answer.textContent = `${labels.answer}: ${describeCorrect(form, verdict.reveal.correct, labels)}`;
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
      body: JSON.stringify({ block: form.dataset.block, answer: collectAnswer(form) }),
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

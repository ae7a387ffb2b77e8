/**
 * The console's question panel: the open controls after each question of the preview (timer and
 * "open"), the status of the open or last question, closing it, its timer, the live tally, and
 * revealing results (with or without names).
 */
import { CountdownView } from "../countdown-view";
import { remainingMs } from "../countdown";
import { fill } from "../labels";
import type { TeacherFrame } from "../protocol";
import { focusBlock, type LiveState } from "../reconcile";
import { presenceCounts } from "../roster";
import { element, hook, listen, namesLine, renderBars } from "../view";
import type { ConsoleLabels } from "./labels";
import { questionNumber } from "./preview";

/** Timer choices (seconds; 0 = no timer) and the label of each. */
export const TIMER_CHOICES: ReadonlyArray<[number, keyof ConsoleLabels]> = [
  [0, "timer_none"],
  [30, "timer_30"],
  [60, "timer_60"],
  [120, "timer_120"],
];

export interface QuestionPanelOptions {
  root: HTMLElement;
  labels: ConsoleLabels;
  act: (frame: TeacherFrame) => void;
  /** The server clock's offset and the state now, for the countdown. */
  offset: () => number;
  state: () => LiveState | null;
  now: () => number;
}

export class QuestionPanel {
  private readonly doc: Document;
  private readonly preview: HTMLElement | null;
  private readonly status: HTMLElement | null;
  private readonly closeButton: HTMLButtonElement | null;
  private readonly tallyAnswered: HTMLElement | null;
  private readonly tallyCorrect: HTMLElement | null;
  private readonly tallyBars: HTMLElement | null;
  private readonly anonymous: HTMLInputElement | null;
  private readonly revealButton: HTMLButtonElement | null;
  private readonly results: HTMLElement | null;
  private readonly countdown: CountdownView;
  private readonly cleanups: Array<() => void> = [];

  constructor(private readonly options: QuestionPanelOptions) {
    const { root, labels, act } = options;
    this.doc = root.ownerDocument;
    this.preview = hook(root, "preview");
    this.status = hook(root, "question-status");
    this.closeButton = hook<HTMLButtonElement>(root, "close");
    this.tallyAnswered = hook(root, "tally-answered");
    this.tallyCorrect = hook(root, "tally-correct");
    this.tallyBars = hook(root, "tally-bars");
    this.anonymous = hook<HTMLInputElement>(root, "anonymous");
    this.revealButton = hook<HTMLButtonElement>(root, "reveal");
    this.results = hook(root, "results");
    this.countdown = new CountdownView(hook(root, "countdown"), labels, () => {
      const state = options.state();
      if (state) this.renderCountdown(state);
    });
    listen(this.cleanups, this.closeButton, "click", () => act({ type: "question.close" }));
    listen(this.cleanups, this.revealButton, "click", () =>
      act({ type: "results.reveal", anonymous: this.anonymous?.checked ?? true }),
    );
  }

  /** The timer choice, the open button and the "open" badge after the `number`th question. */
  openControls(form: HTMLFormElement, number: number): HTMLElement {
    const { doc } = this;
    const { labels, act } = this.options;
    const block = form.dataset.block ?? "";
    const name = fill(labels.question_number, { n: number });
    const group = element(doc, "div", { class: "live-activity-controls", role: "group", "aria-label": name });
    group.dataset.liveActivity = block;
    const selectId = `live-timer-${number}`;
    const label = element(doc, "label", { for: selectId }, labels.timer);
    const select = element(doc, "select", { id: selectId, "data-block": block });
    select.dataset.testid = "timer";
    for (const [seconds, key] of TIMER_CHOICES) {
      select.append(element(doc, "option", { value: String(seconds) }, labels[key]));
    }
    const open = element(doc, "button", { type: "button", class: "button primary", "data-block": block }, labels.open_question);
    open.dataset.testid = "open-question";
    open.setAttribute("aria-label", `${labels.open_question} · ${name}`);
    open.addEventListener("click", () => {
      const seconds = Number(select.value);
      act(seconds > 0 ? { type: "question.open", block, seconds } : { type: "question.open", block });
    });
    const badge = element(doc, "span", { class: "live-badge live-badge-open" }, labels.is_open);
    badge.dataset.liveOpenBadge = "";
    badge.hidden = true;
    group.append(label, select, open, badge);
    return group;
  }

  render(state: LiveState): void {
    const { labels } = this.options;
    const open = state.question.block;
    const focus = focusBlock(state);
    const running = state.state === "running";
    const number = focus ? questionNumber(this.preview, focus) : 0;
    if (this.status) {
      this.status.dataset.question = open ? "open" : focus ? "closed" : "none";
      this.status.textContent = open
        ? number
          ? fill(labels.question_open, { n: number })
          : labels.question_open_other
        : focus
          ? number
            ? fill(labels.question_closed, { n: number })
            : labels.question_closed_other
          : labels.no_question;
    }
    if (this.closeButton) {
      this.closeButton.hidden = !open;
      this.closeButton.disabled = !running || !open;
    }
    this.renderControls(open, running);
    this.renderTally(state, focus, open);
    if (this.revealButton) this.revealButton.disabled = !running || !focus;
    if (this.anonymous) this.anonymous.disabled = !running || !focus;
    this.renderResults(state, focus);
    this.renderCountdown(state);
  }

  stopCountdown(): void {
    this.countdown.stop();
  }

  destroy(): void {
    for (const off of this.cleanups) off();
    this.countdown.stop();
  }

  /** Each question's controls: open (badge shown, button and timer disabled) or not. */
  private renderControls(open: string, running: boolean): void {
    for (const group of Array.from(this.preview?.querySelectorAll<HTMLElement>("[data-live-activity]") ?? [])) {
      const isOpen = open === (group.dataset.liveActivity ?? "");
      group.dataset.open = String(isOpen);
      group.previousElementSibling?.setAttribute("data-open", String(isOpen));
      group.querySelector<HTMLButtonElement>('[data-testid="open-question"]')!.disabled = !running || isOpen;
      group.querySelector<HTMLSelectElement>("select")!.disabled = !running || isOpen;
      group.querySelector<HTMLElement>("[data-live-open-badge]")!.hidden = !isOpen;
    }
  }

  private renderTally(state: LiveState, focus: string, open: string): void {
    const tally = state.teacher?.tally ?? null;
    const relevant = tally && (!focus || tally.block === focus) ? tally : null;
    const counts = presenceCounts(state.teacher?.roster ?? []);
    if (this.tallyAnswered) {
      this.tallyAnswered.textContent = relevant
        ? `${relevant.answered} / ${relevant.total}`
        : `${open ? counts.answered : 0} / ${counts.total}`;
    }
    if (this.tallyCorrect) this.tallyCorrect.textContent = relevant && relevant.correct !== null ? String(relevant.correct) : "–";
    if (this.tallyBars) renderBars(this.tallyBars, relevant?.distribution ?? [], relevant?.answered ?? 0);
  }

  private renderResults(state: LiveState, focus: string): void {
    const box = this.results;
    if (!box) return;
    const { labels } = this.options;
    const results = state.results && state.results.block === focus ? state.results : null;
    box.hidden = !results;
    box.replaceChildren();
    if (!results) return;
    const shown = results.anonymous ? `${labels.results_shown} ${labels.results_anonymous}` : labels.results_shown;
    box.append(element(this.doc, "p", { class: "live-results-shown" }, shown));
    if (results.names && results.names.length) box.append(namesLine(this.doc, labels.correct_names, results.names));
  }

  private renderCountdown(state: LiveState): void {
    const { now, offset } = this.options;
    this.countdown.show(state.question.block ? remainingMs(state.question.deadline, now(), offset()) : null);
  }
}

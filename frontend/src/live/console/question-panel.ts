/**
 * The console's question panel: the open controls after each question of the preview (timer,
 * "open" and, once it was asked, "ask again"), the status of the open or last question (numbered
 * as in the lesson and the report), closing it, its timer, the live tally (beside the attempt
 * before when it was asked again), revealing results (with or without names) and choosing which
 * typed answers the class sees.
 */
import { CountdownView } from "../countdown-view";
import { remainingMs } from "../countdown";
import { fill } from "../labels";
import { MAX_ATTEMPTS, type TeacherFrame } from "../protocol";
import { focusBlock, type LiveState } from "../reconcile";
import { presenceCounts } from "../roster";
import { element, hook, listen, namesLine, renderBars } from "../view";
import { PickPanel, readQuestionLabels, renderComparison, type QuestionLabels } from "./compare";
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
  private readonly questionLabels: QuestionLabels;
  private readonly compare: HTMLElement;
  private readonly pick: PickPanel;
  private readonly pickBox: HTMLElement;

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
    this.questionLabels = readQuestionLabels(this.doc);
    // The comparison sits under the tally's bars, the choice of typed answers under the results.
    this.compare = element(this.doc, "div", { class: "live-compare", "data-live-compare": "" });
    this.compare.hidden = true;
    this.tallyBars?.after(this.compare);
    this.pickBox = element(this.doc, "div", { class: "live-pick", "data-live-pick": "" });
    this.pickBox.hidden = true;
    (this.results ?? this.revealButton)?.after(this.pickBox);
    this.pick = new PickPanel(this.pickBox, this.questionLabels, act);
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
    const name = fill(labels.question_number, { n: this.lessonNumber(block) || number });
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
    const again = element(doc, "button", { type: "button", class: "button", "data-block": block }, this.questionLabels.ask_again);
    again.dataset.testid = "ask-again";
    again.setAttribute("aria-label", `${this.questionLabels.ask_again} · ${name}`);
    again.hidden = true;
    again.addEventListener("click", () => {
      const seconds = Number(select.value);
      act(seconds > 0 ? { type: "question.open", block, seconds, again: true } : { type: "question.open", block, again: true });
    });
    const badge = element(doc, "span", { class: "live-badge live-badge-open" }, labels.is_open);
    badge.dataset.liveOpenBadge = "";
    badge.hidden = true;
    group.append(label, select, open, again, badge);
    return group;
  }

  /** The question's number in the lesson (as in the report), 0 when the state does not say. */
  private lessonNumber(block: string): number {
    const state = this.options.state();
    const tally = state?.teacher?.tally;
    return state?.teacher?.numbers?.[block] ?? (tally && tally.block === block ? tally.number ?? 0 : 0);
  }

  render(state: LiveState): void {
    const { labels } = this.options;
    const open = state.question.block;
    const focus = focusBlock(state);
    const running = state.state === "running";
    const onSlide = focus ? questionNumber(this.preview, focus) : 0;
    // Numbered as in the lesson (and the report); a question on another slide is named as such.
    const number = onSlide ? this.lessonNumber(focus) || onSlide : 0;
    const attempt = state.question.attempt ?? 1;
    if (this.status) {
      this.status.dataset.question = open ? "open" : focus ? "closed" : "none";
      this.status.dataset.attempt = String(attempt);
      this.status.textContent = open
        ? number
          ? fill(labels.question_open, { n: number })
          : labels.question_open_other
        : focus
          ? number
            ? fill(labels.question_closed, { n: number })
            : labels.question_closed_other
          : labels.no_question;
      if (focus && attempt > 1) this.status.textContent += ` ${fill(this.questionLabels.attempt_n, { n: attempt })}`;
    }
    if (this.closeButton) {
      this.closeButton.hidden = !open;
      this.closeButton.disabled = !running || !open;
    }
    this.renderControls(open, running, focus, state);
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
  private renderControls(open: string, running: boolean, focus: string, state: LiveState): void {
    const tally = state.teacher?.tally ?? null;
    for (const group of Array.from(this.preview?.querySelectorAll<HTMLElement>("[data-live-activity]") ?? [])) {
      const block = group.dataset.liveActivity ?? "";
      const isOpen = open === block;
      // Asking again is offered for the question just asked (its tally is here), once it is closed.
      const again = group.querySelector<HTMLButtonElement>('[data-testid="ask-again"]');
      if (again) {
        const asked = !isOpen && focus === block && tally !== null && tally.block === block;
        const attempts = tally?.attempt ?? 1;
        again.hidden = !asked;
        again.disabled = !running || !asked || attempts >= MAX_ATTEMPTS;
      }
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
    renderComparison(this.compare, relevant, this.questionLabels);
    this.pick.render(relevant, state.results && state.results.block === focus ? state.results : null);
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

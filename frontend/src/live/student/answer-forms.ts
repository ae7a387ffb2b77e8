/**
 * The student's answers to the questions of the current slide: each form is open only while its
 * question is, shows this client's answer (sending, saved or refused) and a note, and sends an
 * answer through the outbox, re-sent until acknowledged (at-least-once, stored exactly once).
 * How an answer is read from a form and put back is the activity registry's. A question asked
 * again (attempt 2, 3 …) shows as unanswered until answered again: an answer to an earlier attempt
 * is not this attempt's, and each answer says which attempt it was made for.
 */
import { activityOf } from "../../activities";
import type { Outbox } from "../../transport/outbox";
import type { LiveSocket } from "../../transport/socket";
import { answerView, setFormEnabled, type AnswerView } from "../answers";
import type { LiveClient } from "../client";
import type { AnswerSubmitFrame, ErrorFrame, MyAnswer } from "../protocol";
import type { LiveState } from "../reconcile";
import { activityForms, element, showAlert } from "../view";
import type { StudentLabels } from "./labels";

/** Errors that say "not now" rather than "never": the answer stays in the outbox and is sent again. */
const RETRYABLE_ERRORS: ReadonlySet<string> = new Set(["rate_limited", "server_error"]);
/** Wait before re-sending answers the server refused as too fast. */
export const RATE_LIMIT_RESEND_MS = 2_000;

const isAnswerFrame = (msg: unknown): msg is AnswerSubmitFrame =>
  typeof msg === "object" &&
  msg !== null &&
  (msg as { type?: unknown }).type === "answer.submit" &&
  typeof (msg as { block?: unknown }).block === "string";

export interface AnswerFormsOptions {
  /** The slide box (absent on a page without one). */
  box: HTMLElement | null;
  labels: StudentLabels;
  outbox: Outbox;
  socket: LiveSocket;
  client: LiveClient;
  alertRegion: HTMLElement | null;
  generateId: () => string;
  /** Milliseconds left for the open question (0: time is up), null without a deadline. */
  remaining: (state: LiveState) => number | null;
  /** The page has ended for this student: nothing more is sent. */
  finished: () => boolean;
}

export class AnswerForms {
  /** Answers sent and not yet acknowledged or refused, by id (restored from the outbox). */
  private readonly sent = new Map<string, AnswerSubmitFrame>();
  /** The server's refusal of this client's answer, by block. */
  private readonly errors = new Map<string, string>();
  private resendTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly options: AnswerFormsOptions) {
    for (const msg of options.outbox.pending()) if (isAnswerFrame(msg)) this.sent.set(msg.id, msg);
  }

  forms(): HTMLFormElement[] {
    return activityForms(this.options.box);
  }

  formFor(block: string): HTMLFormElement | null {
    return this.forms().find((form) => form.dataset.block === block) ?? null;
  }

  /** Sends the form's answer when it is submitted (call once per form of a new slide). */
  wire(form: HTMLFormElement): void {
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.submit(form);
    });
  }

  renderAll(state: LiveState): void {
    for (const form of this.forms()) this.render(form, state);
  }

  /** Forms of a slide other than the one the state is on: nothing to answer there. */
  disableAll(): void {
    for (const form of this.forms()) setFormEnabled(form, false);
  }

  /** An answer was acknowledged: it is stored (the state says so from now on). */
  onAck(ref: string): void {
    const frame = this.sent.get(ref);
    if (!frame) return;
    const { client } = this.options;
    this.sent.delete(ref);
    this.errors.delete(frame.block);
    client.update((state) => recordAnswer(state, frame));
    if (client.state) this.renderAll(client.state);
  }

  /** Handles an error about an answer; false when it was about something else. */
  onError(error: ErrorFrame): boolean {
    const { client, outbox } = this.options;
    const frame = error.ref !== null ? this.sent.get(error.ref) : undefined;
    if (!frame) {
      if (error.code === "rate_limited" && outbox.size) this.resendLater();
      return false;
    }
    if (RETRYABLE_ERRORS.has(error.code)) {
      this.resendLater();
      return true;
    }
    // Refused for good: re-sending the same answer cannot help, so it leaves the outbox.
    this.sent.delete(frame.id);
    outbox.ack(frame.id);
    this.errors.set(frame.block, error.message);
    // Another device (or an earlier page) answered already: the snapshot shows that answer.
    if (error.code === "already_answered") client.requestSnapshot();
    if (client.state) this.renderAll(client.state);
    return true;
  }

  destroy(): void {
    if (this.resendTimer !== null) clearTimeout(this.resendTimer);
  }

  private view(block: string, state: LiveState): AnswerView {
    const asked = currentAttempt(state, block);
    const pending = this.options.outbox
      .pending()
      .flatMap((msg) => (isAnswerFrame(msg) && (msg.attempt ?? asked) >= asked ? [msg] : []));
    return answerView(block, answersFor(state, block), pending, this.errors);
  }

  /** The form may take an answer now (before looking at this client's earlier answer). */
  private questionOpenFor(state: LiveState, block: string): boolean {
    return state.state === "running" && state.question.block === block && !state.locked && this.options.remaining(state) !== 0;
  }

  private render(form: HTMLFormElement, state: LiveState): void {
    const { labels } = this.options;
    const block = form.dataset.block ?? "";
    const view = this.view(block, state);
    const open = state.state === "running" && state.question.block === block;
    const timeUp = open && this.options.remaining(state) === 0;
    const canAnswer = this.questionOpenFor(state, block) && (view.state === null || view.state === "error");
    setFormEnabled(form, canAnswer);
    form.dataset.question = open ? "open" : "closed";

    if ((view.state === "acked" || view.state === "pending") && form.dataset.prefilled !== JSON.stringify(view.answer)) {
      activityOf(form).prefill(form, view.answer);
      form.dataset.prefilled = JSON.stringify(view.answer);
    }

    const status = this.statusOf(form);
    if (view.state === null) {
      delete status.dataset.state;
      status.textContent = "";
    } else {
      status.dataset.state = view.state;
      status.textContent =
        view.state === "pending" ? labels.sending : view.state === "acked" ? labels.saved : (view.message ?? "");
    }

    const note = this.noteOf(form);
    const answered = view.state === "acked" || view.state === "pending";
    note.textContent = answered ? "" : !open ? labels.waiting_question : timeUp ? labels.time_up : "";
    note.hidden = note.textContent === "";

    const results = state.results;
    const correct = state.me?.answers[block]?.correct;
    // The verdict shows with the question's results, and later too (the server sends it once the
    // class has moved on): a student going back to the slide still sees whether they were right.
    if ((results && results.block === block) || typeof correct === "boolean") {
      form.dataset.result = correct === true ? "correct" : correct === false ? "incorrect" : answered ? "recorded" : "none";
    } else {
      delete form.dataset.result;
    }
  }

  private submit(form: HTMLFormElement): void {
    const { client, labels, socket, alertRegion, generateId } = this.options;
    const state = client.state;
    const block = form.dataset.block ?? "";
    if (!state || this.options.finished()) return;
    const view = this.view(block, state);
    if (!this.questionOpenFor(state, block) || view.state === "acked" || view.state === "pending") return;
    const activity = activityOf(form);
    const answer = activity.collect(form);
    if (activity.isEmpty(answer)) {
      this.errors.set(block, labels.answer_required);
      this.render(form, state);
      return;
    }
    this.errors.delete(block);
    showAlert(alertRegion, "");
    const frame: AnswerSubmitFrame = { type: "answer.submit", id: generateId(), block, answer };
    if (state.question.attempt !== undefined) frame.attempt = state.question.attempt;
    this.sent.set(frame.id, frame);
    socket.sendReliable(frame);
    this.render(form, state);
  }

  private resendLater(): void {
    if (this.resendTimer !== null) return;
    this.resendTimer = setTimeout(() => {
      this.resendTimer = null;
      for (const msg of this.options.outbox.pending()) this.options.socket.sendReliable(msg);
    }, RATE_LIMIT_RESEND_MS);
  }

  /** The form's status line (the server's template has one: .feedback). */
  private statusOf(form: HTMLFormElement): HTMLElement {
    let status = form.querySelector<HTMLElement>(".feedback");
    if (!status) {
      status = element(form.ownerDocument, "div", { class: "feedback", role: "status", "aria-live": "polite" });
      form.append(status);
    }
    status.dataset.testid = "answer-status";
    return status;
  }

  /** The note at the top of the form ("wait for the teacher", "time is up"). */
  private noteOf(form: HTMLFormElement): HTMLElement {
    let note = form.querySelector<HTMLElement>("[data-live-note]");
    if (!note) {
      note = element(form.ownerDocument, "p", { class: "live-note", "data-live-note": "" });
      note.dataset.testid = "question-note";
      form.prepend(note);
    }
    return note;
  }
}

/** The attempt `block` is asked at now: the open question's, 1 for any other. */
export function currentAttempt(state: LiveState, block: string): number {
  return state.question.block === block ? (state.question.attempt ?? 1) : 1;
}

/**
 * This student's answers as the forms see them: an answer to an earlier attempt of the question
 * that is open again is left out (they answer once more); other questions show their last answer.
 */
export function answersFor(state: LiveState, block: string): Record<string, MyAnswer> | undefined {
  const answers = state.me?.answers;
  const mine = answers?.[block];
  if (!answers || !mine || (mine.attempt ?? 1) >= currentAttempt(state, block)) return answers;
  const { [block]: _earlier, ...rest } = answers;
  return rest;
}

/**
 * The server acknowledged this client's answer: it is stored (and the state says so until the next
 * snapshot includes it). It replaces an answer to an earlier attempt; the server's copy of the same
 * attempt wins (it may be normalised, and may carry `correct`).
 */
export function recordAnswer(current: LiveState | null, frame: AnswerSubmitFrame): LiveState | null {
  if (current === null || current.me === null) return current;
  const attempt = frame.attempt ?? currentAttempt(current, frame.block);
  const existing = current.me.answers[frame.block];
  if (existing && (existing.attempt ?? 1) >= attempt) return current;
  const answers = { ...current.me.answers, [frame.block]: { answer: frame.answer, correct: null, attempt } };
  return { ...current, me: { ...current.me, answers } };
}

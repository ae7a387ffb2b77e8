/**
 * Student view of a live session (/live/<id>/): follows the teacher's slide, answers the open
 * question through the outbox (re-sent until acknowledged: at-least-once, exactly-once stored),
 * shows the timer, revealed results, the lock screen and a raise-hand button.
 * All text comes from the page's #live-labels JSON (classrooms/live_labels.py).
 */
import { answerView, describeAnswer, isEmptyAnswer, prefill, setFormEnabled } from "../live/answers";
import { LiveClient } from "../live/client";
import { bindConnection } from "../live/connection";
import { formatRemaining, remainingMs } from "../live/countdown";
import { fill, readLabels } from "../live/labels";
import type { AnswerSubmitFrame, ErrorFrame, AckFrame } from "../live/protocol";
import { applyAnswerAck, type LiveState } from "../live/reconcile";
import { element, renderBars, sessionStore, showAlert, SlideLoader, slideUrl, type Fetch } from "../live/view";
import { Outbox, type StorageLike } from "../transport/outbox";
import { LiveSocket, type WebSocketConstructor } from "../transport/socket";
import { randomId } from "../transport/uuid";
import { collectAnswer, renderMath, sanitise } from "./lesson";
import { wsUrl } from "./live-check";

export const STUDENT_LABEL_KEYS = [
  "conn_connecting",
  "conn_open",
  "conn_reconnecting",
  "conn_offline",
  "waiting_question",
  "question_open",
  "sending",
  "saved",
  "answer_required",
  "time_left",
  "time_up",
  "results_title",
  "correct",
  "incorrect",
  "recorded",
  "not_answered",
  "answer",
  "true",
  "false",
  "results_count",
  "results_correct",
  "correct_names",
  "raise_hand",
  "lower_hand",
  "hand_raised",
  "hand_lowered",
  "slide_status",
  "slide_error",
  "retry",
  "locked",
  "unlocked",
  "not_connected",
  "closed_4401",
  "closed_4404",
] as const;
export type StudentLabels = Record<(typeof STUDENT_LABEL_KEYS)[number], string>;

/** Errors that say "not now" rather than "never": the answer stays in the outbox and is sent again. */
const RETRYABLE_ERRORS: ReadonlySet<string> = new Set(["rate_limited", "server_error"]);
/** Wait before re-sending answers the server refused as too fast. */
export const RATE_LIMIT_RESEND_MS = 2_000;
const TICK_MS = 250;

export function outboxKey(sessionId: string, participantId: string): string {
  return `baeum.outbox.live.${sessionId}.${participantId}`;
}

export interface LiveStudentOptions {
  WebSocketImpl?: WebSocketConstructor;
  /** Defaults to sessionStorage; null keeps the outbox in memory. */
  storage?: StorageLike | null;
  location?: Pick<Location, "href">;
  fetch?: Fetch;
  /** Clock for the countdown; defaults to Date.now. */
  now?: () => number;
  /** Ids for answers; defaults to random UUIDs. */
  generateId?: () => string;
}

export interface LiveStudent {
  readonly socket: LiveSocket;
  readonly client: LiveClient;
  /** Resolves when the slide being fetched (if any) is shown; for tests. */
  settled(): Promise<void>;
  destroy(): void;
}

const isAnswerFrame = (msg: unknown): msg is AnswerSubmitFrame =>
  typeof msg === "object" &&
  msg !== null &&
  (msg as { type?: unknown }).type === "answer.submit" &&
  typeof (msg as { block?: unknown }).block === "string";

export function mountLiveStudent(root: HTMLElement, options: LiveStudentOptions = {}): LiveStudent {
  const doc = root.ownerDocument;
  const labels = readLabels(doc, STUDENT_LABEL_KEYS);
  const now = options.now ?? Date.now;
  const fetchImpl: Fetch = options.fetch ?? ((input, init) => fetch(input, init));
  const generateId = options.generateId ?? randomId;
  const q = <T extends HTMLElement = HTMLElement>(hook: string): T | null => root.querySelector<T>(`[data-live-${hook}]`);

  const body = q("body");
  const slideBox = q("slide");
  const lobby = q("lobby");
  const countdown = q("countdown");
  const resultsBox = q("results");
  const handButton = q<HTMLButtonElement>("hand");
  const lockOverlay = q("lock");
  const endedPanel = q("ended");
  const removedPanel = q("removed");
  const gonePanel = q("gone");
  const alertRegion = q("error");
  const announcer = q("announce");
  const slideNo = q("slide-no");
  const connection = q("connection");

  const sessionId = root.dataset.sessionId ?? "";
  const participantId = root.dataset.participantId ?? "";
  const outbox = new Outbox({
    storage: options.storage !== undefined ? options.storage : sessionStore(),
    key: outboxKey(sessionId, participantId),
  });
  const socket = new LiveSocket({
    url: wsUrl(root.dataset.wsPath ?? "", options.location ?? window.location),
    WebSocketImpl: options.WebSocketImpl,
    outbox,
  });
  const client = new LiveClient(socket, { now });

  /** Answers sent and not yet acknowledged or refused, by id (restored from the outbox). */
  const sent = new Map<string, AnswerSubmitFrame>();
  for (const msg of outbox.pending()) if (isAnswerFrame(msg)) sent.set(msg.id, msg);
  /** The server's refusal of this client's answer, by block. */
  const errors = new Map<string, string>();

  let shownResults: unknown = null;
  let terminal: "ended" | "removed" | "gone" | null = null;
  let handPending = false;
  let ticker: ReturnType<typeof setInterval> | null = null;
  let resendTimer: ReturnType<typeof setTimeout> | null = null;
  let lastAnnounced = "";
  let announcedSlide: number | null = null;
  const cleanups: Array<() => void> = [];

  const announce = (text: string): void => {
    if (!announcer || text === "" || text === lastAnnounced) return;
    lastAnnounced = text;
    announcer.textContent = text;
  };

  const forms = (): HTMLFormElement[] =>
    slideBox ? Array.from(slideBox.querySelectorAll<HTMLFormElement>("form[data-activity][data-block]")) : [];
  const formFor = (block: string): HTMLFormElement | null => forms().find((f) => f.dataset.block === block) ?? null;
  const pendingFrames = (): AnswerSubmitFrame[] => outbox.pending().flatMap((msg) => (isAnswerFrame(msg) ? [msg] : []));

  const remaining = (state: LiveState): number | null =>
    state.question.block ? remainingMs(state.question.deadline, now(), client.offset) : null;

  /** The form may take an answer now (before looking at this client's earlier answer). */
  const questionOpenFor = (state: LiveState, block: string): boolean =>
    state.state === "running" && state.question.block === block && !state.locked && remaining(state) !== 0;

  // --- forms ---------------------------------------------------------------------------------

  const statusOf = (form: HTMLFormElement): HTMLElement => {
    let status = form.querySelector<HTMLElement>(".feedback");
    if (!status) {
      status = element(doc, "div", { class: "feedback", role: "status", "aria-live": "polite" });
      form.append(status);
    }
    status.dataset.testid = "answer-status";
    return status;
  };

  const noteOf = (form: HTMLFormElement): HTMLElement => {
    let note = form.querySelector<HTMLElement>("[data-live-note]");
    if (!note) {
      note = element(doc, "p", { class: "live-note", "data-live-note": "" });
      note.dataset.testid = "question-note";
      form.prepend(note);
    }
    return note;
  };

  const renderForm = (form: HTMLFormElement, state: LiveState): void => {
    const block = form.dataset.block ?? "";
    const view = answerView(block, state.me?.answers, pendingFrames(), errors);
    const open = state.state === "running" && state.question.block === block;
    const timeUp = open && remaining(state) === 0;
    const canAnswer = questionOpenFor(state, block) && (view.state === null || view.state === "error");
    setFormEnabled(form, canAnswer);
    form.dataset.question = open ? "open" : "closed";

    if ((view.state === "acked" || view.state === "pending") && form.dataset.prefilled !== JSON.stringify(view.answer)) {
      prefill(form, view.answer);
      form.dataset.prefilled = JSON.stringify(view.answer);
    }

    const status = statusOf(form);
    if (view.state === null) {
      delete status.dataset.state;
      status.textContent = "";
    } else {
      status.dataset.state = view.state;
      status.textContent =
        view.state === "pending" ? labels.sending : view.state === "acked" ? labels.saved : (view.message ?? "");
    }

    const note = noteOf(form);
    const answered = view.state === "acked" || view.state === "pending";
    note.textContent = answered ? "" : !open ? labels.waiting_question : timeUp ? labels.time_up : "";
    note.hidden = note.textContent === "";

    const results = state.results;
    if (results && results.block === block) {
      const correct = state.me?.answers[block]?.correct;
      form.dataset.result = correct === true ? "correct" : correct === false ? "incorrect" : answered ? "recorded" : "none";
    } else {
      delete form.dataset.result;
    }
  };

  const renderForms = (state: LiveState): void => {
    for (const form of forms()) renderForm(form, state);
  };

  const submit = (form: HTMLFormElement): void => {
    const state = client.state;
    const block = form.dataset.block ?? "";
    if (!state || terminal) return;
    const view = answerView(block, state.me?.answers, pendingFrames(), errors);
    if (!questionOpenFor(state, block) || view.state === "acked" || view.state === "pending") return;
    const answer = collectAnswer(form);
    if (isEmptyAnswer(answer)) {
      errors.set(block, labels.answer_required);
      renderForm(form, state);
      return;
    }
    errors.delete(block);
    showAlert(alertRegion, "");
    const frame: AnswerSubmitFrame = { type: "answer.submit", id: generateId(), block, answer };
    sent.set(frame.id, frame);
    socket.sendReliable(frame);
    renderForm(form, state);
  };

  // --- slide ---------------------------------------------------------------------------------

  const slides = slideBox
    ? new SlideLoader({
        box: slideBox,
        doc,
        url: (index) => slideUrl(root.dataset.slideUrl ?? "", index),
        fetch: fetchImpl,
        errorText: labels.slide_error,
        retryText: labels.retry,
        onLoaded: () => {
          shownResults = null;
          renderMath(slideBox);
          for (const form of forms()) {
            form.addEventListener("submit", (event) => {
              event.preventDefault();
              submit(form);
            });
          }
          if (client.state) render(client.state);
        },
        // A 403 means the teacher moved on meanwhile; the next event or snapshot says where.
        onRetry: (index) => {
          if (!slides) return;
          slides.shown = null;
          if (client.state) render(client.state);
          else slides.load(index);
        },
      })
    : null;

  // --- results -------------------------------------------------------------------------------

  const renderResults = (state: LiveState): void => {
    if (!resultsBox) return;
    const results = state.results;
    const form = results ? formFor(results.block) : null;
    if (!results || !form) {
      resultsBox.hidden = true;
      resultsBox.replaceChildren();
      shownResults = null;
      return;
    }
    const mine = state.me?.answers[results.block];
    const key = JSON.stringify([results, mine ?? null]);
    if (shownResults === key && !resultsBox.hidden) return;
    shownResults = key;
    const verdict =
      mine?.correct === true ? "correct" : mine?.correct === false ? "incorrect" : mine ? "recorded" : "none";
    const headline = element(
      doc,
      "p",
      { class: `live-mine ${verdict === "correct" ? "ok" : verdict === "incorrect" ? "bad" : ""}`.trim() },
      { correct: labels.correct, incorrect: labels.incorrect, recorded: labels.recorded, none: labels.not_answered }[verdict],
    );
    headline.dataset.mine = verdict;
    const parts: HTMLElement[] = [element(doc, "h2", {}, labels.results_title), headline];
    const answerText = describeAnswer(form, results.kind, results.answer, labels);
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
    if (results.names && results.names.length) {
      const names = element(doc, "p", { class: "live-names" });
      names.append(element(doc, "strong", {}, `${labels.correct_names}: `), doc.createTextNode(results.names.join(", ")));
      parts.push(names);
    }
    resultsBox.replaceChildren(...parts);
    resultsBox.hidden = false;
    renderMath(resultsBox);
    announce(headline.textContent ?? "");
  };

  // --- countdown -----------------------------------------------------------------------------

  const renderCountdown = (state: LiveState): void => {
    const left = state.state === "running" ? remaining(state) : null;
    if (countdown) {
      countdown.hidden = left === null;
      countdown.textContent = left === null ? "" : left === 0 ? labels.time_up : formatRemaining(left);
      countdown.setAttribute("aria-label", labels.time_left);
      countdown.dataset.remaining = left === null ? "" : String(Math.ceil(left / 1000));
    }
    if (left !== null && left > 0 && ticker === null) {
      ticker = setInterval(tick, TICK_MS);
    } else if ((left === null || left === 0) && ticker !== null) {
      clearInterval(ticker);
      ticker = null;
    }
  };

  let lastLeftZero = false;
  function tick(): void {
    const state = client.state;
    if (!state) return;
    const zero = remaining(state) === 0;
    renderCountdown(state);
    if (zero !== lastLeftZero) {
      lastLeftZero = zero;
      renderForms(state); // time is up: the form closes
    }
  }

  // --- terminal states -----------------------------------------------------------------------

  const finish = (kind: "ended" | "removed" | "gone", message = ""): void => {
    if (terminal) return;
    terminal = kind;
    if (ticker !== null) clearInterval(ticker);
    ticker = null;
    socket.close();
    if (body) body.hidden = true;
    if (lockOverlay) lockOverlay.hidden = true;
    if (connection) connection.hidden = true;
    if (slideNo) slideNo.hidden = true;
    root.dataset.state = kind;
    const panel = kind === "ended" ? endedPanel : kind === "removed" ? removedPanel : gonePanel;
    if (kind === "gone" && gonePanel) {
      const text = gonePanel.querySelector<HTMLElement>("[data-live-gone-text]") ?? gonePanel;
      text.textContent = message;
    }
    if (panel) {
      panel.hidden = false;
      panel.focus?.();
    }
  };

  // --- render --------------------------------------------------------------------------------

  function render(state: LiveState): void {
    if (terminal) return;
    if (state.removed) return finish("removed");
    if (state.state === "ended") return finish("ended");
    root.dataset.state = state.state;
    const running = state.state === "running";
    if (lobby) lobby.hidden = running;
    if (slideBox) slideBox.hidden = !running;
    if (running && slides?.needs(state.slide.index)) slides.load(state.slide.index);
    if (slideNo) slideNo.textContent = running ? `${state.slide.index + 1} / ${state.slide.count}` : "";
    if (running && announcedSlide !== state.slide.index) {
      announcedSlide = state.slide.index;
      announce(fill(labels.slide_status, { index: state.slide.index + 1, count: state.slide.count }));
    }

    const shownMatches = slides !== null && slides.shown === state.slide.index && slides.loading === null;
    if (shownMatches) renderForms(state);
    else for (const form of forms()) setFormEnabled(form, false); // an old slide: nothing to answer
    renderCountdown(state);
    if (shownMatches) renderResults(state);
    else if (resultsBox) resultsBox.hidden = true;

    if (lockOverlay) lockOverlay.hidden = !state.locked;
    if (body) body.inert = state.locked;
    if (handButton) {
      const raised = state.me?.hand === true;
      handButton.setAttribute("aria-pressed", String(raised));
      handButton.textContent = raised ? labels.lower_hand : labels.raise_hand;
      handButton.disabled = handPending;
    }
  }

  const onChange = (state: LiveState, cause: unknown): void => {
    const frame = cause as { type?: string; kind?: string } | null;
    // A snapshot tells the hand's state: a raise or lower still unacknowledged is over.
    if (frame?.type === "snapshot") handPending = false;
    render(state);
    if (frame?.type !== "event") return;
    if (frame.kind === "question.opened" && formFor(state.question.block)) announce(labels.question_open);
    if (frame.kind === "screen.locked") announce(state.locked ? labels.locked : labels.unlocked);
  };

  const onAck = (ack: AckFrame): void => {
    if (ack.ref !== null) {
      const frame = sent.get(ack.ref);
      if (!frame) return;
      sent.delete(ack.ref);
      errors.delete(frame.block);
      client.update((state) => applyAnswerAck(state, frame.block, frame.answer));
      if (client.state) renderForms(client.state);
      return;
    }
    if (handPending) {
      handPending = false;
      if (client.state) render(client.state);
    }
  };

  const resendLater = (): void => {
    if (resendTimer !== null) return;
    resendTimer = setTimeout(() => {
      resendTimer = null;
      for (const msg of outbox.pending()) socket.sendReliable(msg);
    }, RATE_LIMIT_RESEND_MS);
  };

  const onError = (error: ErrorFrame): void => {
    showAlert(alertRegion, error.message);
    const frame = error.ref !== null ? sent.get(error.ref) : undefined;
    if (frame) {
      if (RETRYABLE_ERRORS.has(error.code)) {
        resendLater();
        return;
      }
      // Refused for good: re-sending the same answer cannot help, so it leaves the outbox.
      sent.delete(frame.id);
      outbox.ack(frame.id);
      errors.set(frame.block, error.message);
      // Another device (or an earlier page) answered already: the snapshot shows that answer.
      if (error.code === "already_answered") client.requestSnapshot();
      if (client.state) renderForms(client.state);
      return;
    }
    if (error.code === "rate_limited" && outbox.size) resendLater();
    if (handPending && error.ref === null) {
      handPending = false;
      client.update((state) => (state.me ? { ...state, me: { ...state.me, hand: !state.me.hand } } : state));
      if (client.state) render(client.state);
    }
  };

  const onHand = (): void => {
    const state = client.state;
    if (!state?.me || terminal || handPending) return;
    const raised = !state.me.hand;
    if (!socket.send({ type: "hand.raise", raised })) {
      showAlert(alertRegion, labels.not_connected);
      return;
    }
    handPending = true;
    client.update((s) => (s.me ? { ...s, me: { ...s.me, hand: raised } } : s));
    announce(raised ? labels.hand_raised : labels.hand_lowered);
  };

  const onSocketState = (): void => {
    if (socket.state !== "closed" || terminal) return;
    const code = socket.lastCloseCode;
    if (code === 4403) finish("removed");
    else if (code === 1000) finish("ended");
    else if (code === 4401) finish("gone", labels.closed_4401);
    else if (code === 4404) finish("gone", labels.closed_4404);
  };

  if (connection) cleanups.push(bindConnection(connection, socket, labels));
  cleanups.push(client.onChange(onChange), client.onAck(onAck), client.onError(onError), socket.onState(onSocketState));
  handButton?.addEventListener("click", onHand);
  showAlert(alertRegion, "");
  socket.connect();
  root.dataset.ready = "1";

  return {
    socket,
    client,
    settled: () => slides?.settled ?? Promise.resolve(),
    destroy(): void {
      handButton?.removeEventListener("click", onHand);
      for (const off of cleanups) off();
      if (ticker !== null) clearInterval(ticker);
      if (resendTimer !== null) clearTimeout(resendTimer);
      client.destroy();
      terminal = terminal ?? "gone";
      socket.close();
      delete root.dataset.ready;
    },
  };
}

/**
 * Student view of a live session (/live/<id>/): follows the teacher's slide, answers the open
 * question through the outbox (re-sent until acknowledged: at-least-once, exactly-once stored),
 * shows the timer, revealed results, the lock screen and a raise-hand button.
 * All text comes from the page's #live-labels JSON (classrooms/live/labels.py).
 */
import { Outbox, type StorageLike } from "../../transport/outbox";
import { sessionStore } from "../../transport/session-store";
import { randomId } from "../../transport/uuid";
import { renderMath } from "../../ui/math";
import { remainingMs } from "../countdown";
import { CountdownView } from "../countdown-view";
import { fill, readLabels } from "../labels";
import { liveConnection, startLivePage, type LiveConnectionOptions, type LivePage } from "../page";
import type { AckFrame, ErrorFrame } from "../protocol";
import type { LiveState } from "../reconcile";
import { SlideLoader, slideUrl, type Fetch } from "../slides";
import { announcer, hook, showAlert } from "../view";
import { AnswerForms } from "./answer-forms";
import { HandButton } from "./hand";
import { STUDENT_LABEL_KEYS } from "./labels";
import { ResultsView } from "./results";

export { RATE_LIMIT_RESEND_MS } from "./answer-forms";

export function outboxKey(sessionId: string, participantId: string): string {
  return `baeum.outbox.live.${sessionId}.${participantId}`;
}

export interface LiveStudentOptions extends LiveConnectionOptions {
  /** Defaults to sessionStorage; null keeps the outbox in memory. */
  storage?: StorageLike | null;
  fetch?: Fetch;
  /** Ids for answers; defaults to random UUIDs. */
  generateId?: () => string;
}

export type LiveStudent = LivePage;

type Terminal = "ended" | "removed" | "gone";

export function mountLiveStudent(root: HTMLElement, options: LiveStudentOptions = {}): LiveStudent {
  const labels = readLabels(root.ownerDocument, STUDENT_LABEL_KEYS);
  const now = options.now ?? Date.now;
  const body = hook(root, "body");
  const slideBox = hook(root, "slide");
  const lobby = hook(root, "lobby");
  const lockOverlay = hook(root, "lock");
  const handBar = hook(root, "hand-bar");
  const alertRegion = hook(root, "error");
  const slideNo = hook(root, "slide-no");
  const connection = hook(root, "connection");
  const announce = announcer(hook(root, "announce"));

  const outbox = new Outbox({
    storage: options.storage !== undefined ? options.storage : sessionStore(),
    key: outboxKey(root.dataset.sessionId ?? "", root.dataset.participantId ?? ""),
  });
  const { socket, client } = liveConnection(root, options, outbox);

  let terminal: Terminal | null = null;
  let announcedSlide: number | null = null;
  let lastLeftZero = false;
  const finished = (): boolean => terminal !== null;
  const remaining = (state: LiveState): number | null =>
    state.question.block ? remainingMs(state.question.deadline, now(), client.offset) : null;

  const answers = new AnswerForms({
    box: slideBox,
    labels,
    outbox,
    socket,
    client,
    alertRegion,
    generateId: options.generateId ?? randomId,
    remaining,
    finished,
  });
  const results = new ResultsView(hook(root, "results"), labels, announce);
  const hand = new HandButton({ button: hook<HTMLButtonElement>(root, "hand"), labels, socket, client, alertRegion, announce, finished });
  const countdown = new CountdownView(hook(root, "countdown"), labels, () => {
    const state = client.state;
    if (!state) return;
    const zero = remaining(state) === 0;
    renderCountdown(state);
    if (zero !== lastLeftZero) {
      lastLeftZero = zero;
      answers.renderAll(state); // time is up: the form closes
    }
  });
  const renderCountdown = (state: LiveState): void => countdown.show(state.state === "running" ? remaining(state) : null);

  const slides = slideBox
    ? new SlideLoader({
        box: slideBox,
        doc: root.ownerDocument,
        url: (index) => slideUrl(root.dataset.slideUrl ?? "", index),
        fetch: options.fetch ?? ((input, init) => fetch(input, init)),
        errorText: labels.slide_error,
        retryText: labels.retry,
        onLoaded: () => {
          results.reset();
          renderMath(slideBox);
          for (const form of answers.forms()) answers.wire(form);
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

  const finish = (kind: Terminal, message = ""): void => {
    if (terminal) return;
    terminal = kind;
    countdown.stop();
    socket.close();
    for (const el of [body, lockOverlay, handBar, connection, slideNo]) if (el) el.hidden = true;
    root.dataset.state = kind;
    const gonePanel = hook(root, "gone");
    const panel = kind === "ended" ? hook(root, "ended") : kind === "removed" ? hook(root, "removed") : gonePanel;
    if (kind === "gone" && gonePanel) {
      const text = gonePanel.querySelector<HTMLElement>("[data-live-gone-text]") ?? gonePanel;
      text.textContent = message;
    }
    if (panel) {
      panel.hidden = false;
      panel.focus?.();
    }
  };

  function render(state: LiveState): void {
    if (terminal) return;
    if (state.removed) return finish("removed");
    if (state.state === "ended") return finish("ended");
    root.dataset.state = state.state;
    const running = state.state === "running";
    const { index, count } = state.slide;
    if (lobby) lobby.hidden = running;
    if (slideBox) slideBox.hidden = !running;
    if (running && slides?.needs(index)) slides.load(index);
    if (slideNo) slideNo.textContent = running ? `${index + 1} / ${count}` : "";
    if (running && announcedSlide !== index) {
      announcedSlide = index;
      announce(fill(labels.slide_status, { index: index + 1, count }));
    }

    const shownMatches = slides !== null && slides.shown === index && slides.loading === null;
    if (shownMatches) answers.renderAll(state);
    else answers.disableAll(); // an old slide: nothing to answer
    renderCountdown(state);
    if (shownMatches) results.render(state, state.results ? answers.formFor(state.results.block) : null);
    else results.hide();

    if (lockOverlay) lockOverlay.hidden = !state.locked;
    if (body) body.inert = state.locked; // the hand bar is outside the body: a hand goes up while locked
    root.dataset.locked = String(state.locked);
    hand.render(state);
  }

  const onChange = (state: LiveState, cause: unknown): void => {
    const frame = cause as { type?: string; kind?: string } | null;
    if (frame?.type === "snapshot") hand.onSnapshot();
    render(state);
    if (frame?.type !== "event") return;
    if (frame.kind === "question.opened" && answers.formFor(state.question.block)) announce(labels.question_open);
    if (frame.kind === "screen.locked") announce(state.locked ? labels.locked : labels.unlocked);
  };

  const onAck = (ack: AckFrame): void => {
    if (ack.ref !== null) answers.onAck(ack.ref);
    else if (hand.onAck() && client.state) render(client.state);
  };

  const onError = (error: ErrorFrame): void => {
    showAlert(alertRegion, error.message);
    if (answers.onError(error)) return;
    if (hand.onError(error) && client.state) render(client.state);
  };

  const onSocketState = (): void => {
    if (socket.state !== "closed" || terminal) return;
    const code = socket.lastCloseCode;
    if (code === 4403) finish("removed");
    else if (code === 1000) finish("ended");
    else if (code === 4401) finish("gone", labels.closed_4401);
    else if (code === 4404) finish("gone", labels.closed_4404);
  };

  return startLivePage(root, {
    socket,
    client,
    labels,
    connection,
    alertRegion,
    onChange,
    onAck,
    onError,
    onSocketState,
    slides,
    teardown: () => {
      hand.destroy();
      countdown.stop();
      answers.destroy();
      terminal = terminal ?? "gone";
    },
  });
}

/**
 * Teacher console of a live session (/live/<id>/console/): the join code and QR, start and end,
 * the current slide with previous / next / jump, opening and closing each question with an
 * optional timer, the live tally, revealing results, locking screens, the roster with presence
 * and the raised-hand queue, and a link to the projector view (src/live/projector/). State comes
 * from the server (snapshot + events + roster + tally frames), so a reload, a reconnect or a
 * second device shows the same console.
 * All text comes from the page's #live-labels JSON (classrooms/live/labels.py).
 */
import { Outbox } from "../../transport/outbox";
import { randomId } from "../../transport/uuid";
import { readLabels } from "../labels";
import { liveConnection, startLivePage, type LiveConnectionOptions, type LivePage } from "../page";
import type { ErrorFrame, TeacherFrame } from "../protocol";
import { focusBlock, type LiveState } from "../reconcile";
import { isParticipantId } from "../roster";
import type { Fetch } from "../slides";
import { announcer, hook, showAlert } from "../view";
import { dialogConfirm, type Confirm } from "./confirm-dialog";
import { CONSOLE_LABEL_KEYS, CONSOLE_VIEW_LABEL_KEYS } from "./labels";
import { previewLoader, questionNumber } from "./preview";
import { QuestionPanel } from "./question-panel";
import { RosterPanel } from "./roster";
import { SessionControls } from "./session-controls";
import { SlideList } from "./slide-list";

export interface LiveConsoleOptions extends LiveConnectionOptions {
  fetch?: Fetch;
  generateId?: () => string;
  /** Asks the teacher to confirm; defaults to the page's <dialog data-live-confirm>. */
  confirm?: Confirm;
}

export type LiveConsole = LivePage;

export function mountLiveConsole(root: HTMLElement, options: LiveConsoleOptions = {}): LiveConsole {
  const labels = {
    ...readLabels(root.ownerDocument, CONSOLE_LABEL_KEYS),
    ...readLabels(root.ownerDocument, CONSOLE_VIEW_LABEL_KEYS),
  };
  const now = options.now ?? Date.now;
  const generateId = options.generateId ?? randomId;
  const connection = hook(root, "connection");
  const alertRegion = hook(root, "error");
  const dialog = hook<HTMLDialogElement>(root, "confirm");
  const announce = announcer(hook(root, "announce"));
  const confirm = options.confirm ?? dialogConfirm(dialog);

  // Teacher actions are not queued in an outbox: replayed after a reconnect they could undo what
  // another device did meanwhile. They are sent only while connected, each with an id for errors.
  const { socket, client } = liveConnection(root, options, new Outbox());
  const state = (): LiveState | null => client.state;

  let ended = false;
  let stopped = false;

  const act = (frame: TeacherFrame): void => {
    // Class members who never joined are listed with negative ids: no frame may name them.
    if ("participant" in frame && !isParticipantId(frame.participant)) return;
    if (stopped || socket.state !== "open" || !socket.send({ ...frame, id: generateId() })) {
      showAlert(alertRegion, labels.not_connected);
      return;
    }
    showAlert(alertRegion, "");
  };

  const controls = new SessionControls({ root, labels, act, confirm, state });
  const questions = new QuestionPanel({ root, labels, act, state, now, offset: () => client.offset });
  const roster = new RosterPanel({ root, labels, act, confirm, announce, roster: () => client.state?.teacher?.roster ?? [] });
  const box = hook(root, "preview");
  const fetchImpl: Fetch = options.fetch ?? ((input, init) => fetch(input, init));
  const slideList = new SlideList({
    select: hook<HTMLSelectElement>(root, "jump"),
    url: root.dataset.slideListUrl ?? "",
    fetch: fetchImpl,
    current: () => client.state?.slide.index ?? null,
  });
  let snapshots = 0;
  const slides = box
    ? previewLoader({
        root,
        box,
        labels,
        fetch: fetchImpl,
        controls: (form, number) => questions.openControls(form, number),
        onLoaded: () => {
          if (client.state) render(client.state);
        },
      })
    : null;

  /**
   * The state the question panel shows: a closed question's tally and results belong to its
   * slide, so once the preview shows a slide without that question they are left out. An open
   * question stays (it still collects answers, and the teacher must be able to close it).
   */
  function questionView(current: LiveState): LiveState {
    if (current.question.block || !slides || !box) return current;
    const focus = focusBlock(current);
    if (!focus || slides.shown !== current.slide.index || slides.loading !== null) return current;
    if (questionNumber(box, focus) > 0) return current;
    const teacher = current.teacher ? { ...current.teacher, tally: null } : null;
    return { ...current, lastBlock: "", results: null, teacher };
  }

  function render(current: LiveState): void {
    ended = current.state === "ended" || ended;
    controls.render(current, ended);
    if (slides?.needs(current.slide.index)) slides.load(current.slide.index);
    questions.render(questionView(current));
    roster.render(current, ended);
    slideList.check(current.slide.count);
  }

  const showEnded = (): void => {
    if (ended && stopped) return;
    ended = true;
    stopped = true;
    questions.stopCountdown();
    if (connection) connection.hidden = true; // the socket closes on purpose: not "offline"
    if (client.state) render(client.state);
    else controls.renderEndedWithoutState();
    for (const button of Array.from(root.querySelectorAll<HTMLButtonElement>("button"))) {
      if (!dialog?.contains(button) && !button.closest("[data-live-join]")) button.disabled = true;
    }
    announce(labels.session_ended);
    controls.reportLink?.focus();
  };

  const onChange = (current: LiveState, cause: unknown): void => {
    const frame = cause as { type?: string; kind?: string } | null;
    // Every connect starts with a snapshot; after a reconnect the lesson may have been republished.
    if (frame?.type === "snapshot" && ++snapshots > 1) slideList.refresh();
    render(current);
    if (frame?.type === "event" && frame.kind === "screen.locked") announce(current.locked ? labels.locked : labels.unlocked);
    if (current.state === "ended") {
      showEnded();
      socket.close(); // the server closes too; do not reconnect to an ended session
    }
  };

  const onError = (error: ErrorFrame): void => showAlert(alertRegion, error.message);

  const onSocketState = (): void => {
    if (socket.state !== "closed" || stopped) return;
    const code = socket.lastCloseCode;
    if (code === 1000) showEnded();
    else if (code === 4401 || code === 4404) {
      stopped = true;
      showAlert(alertRegion, code === 4401 ? labels.closed_4401 : labels.closed_4404);
    }
  };

  return startLivePage(root, {
    socket,
    client,
    labels,
    connection,
    alertRegion,
    onChange,
    onError,
    onSocketState,
    slides,
    teardown: () => {
      controls.destroy();
      questions.destroy();
      stopped = true;
    },
  });
}

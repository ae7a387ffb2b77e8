/**
 * Teacher console of a live session (/live/<id>/console/): the join code and QR, start and end,
 * the current slide with previous / next / jump, opening and closing each question with an
 * optional timer, the live tally, revealing results, locking screens, the roster with presence
 * and the raised-hand queue. State comes from the server (snapshot + events + roster + tally
 * frames), so a reload, a reconnect or a second device shows the same console.
 * All text comes from the page's #live-labels JSON (classrooms/live_labels.py).
 */
import { setFormEnabled } from "../live/answers";
import { LiveClient } from "../live/client";
import { bindConnection } from "../live/connection";
import { formatRemaining, remainingMs } from "../live/countdown";
import { fill, readLabels } from "../live/labels";
import type { AckFrame, ErrorFrame, RosterEntry, TeacherFrame } from "../live/protocol";
import { focusBlock, type LiveState } from "../live/reconcile";
import { handQueue, presenceCounts, sortRoster } from "../live/roster";
import { element, renderBars, showAlert, SlideLoader, slideUrl, type Fetch } from "../live/view";
import { Outbox } from "../transport/outbox";
import { LiveSocket, type WebSocketConstructor } from "../transport/socket";
import { randomId } from "../transport/uuid";
import { renderMath } from "./lesson";
import { wsUrl } from "./live-check";

export const CONSOLE_LABEL_KEYS = [
  "conn_connecting",
  "conn_open",
  "conn_reconnecting",
  "conn_offline",
  "state_lobby",
  "state_running",
  "state_ended",
  "lock",
  "unlock",
  "locked",
  "unlocked",
  "question_number",
  "open_question",
  "is_open",
  "timer",
  "timer_none",
  "timer_30",
  "timer_60",
  "timer_120",
  "no_question",
  "question_open",
  "question_open_other",
  "question_closed",
  "question_closed_other",
  "time_left",
  "time_up",
  "results_shown",
  "results_anonymous",
  "correct_names",
  "status_connected",
  "status_reconnecting",
  "status_gone",
  "answered",
  "hand_up",
  "roster_count",
  "no_participants",
  "no_hands",
  "remove",
  "remove_name",
  "confirm_remove",
  "lower_hand",
  "lower_hand_name",
  "confirm_end",
  "session_ended",
  "not_connected",
  "slide_error",
  "retry",
  "closed_4401",
  "closed_4404",
] as const;
export type ConsoleLabels = Record<(typeof CONSOLE_LABEL_KEYS)[number], string>;

/** Timer choices (seconds; 0 = no timer) and the label of each. */
export const TIMER_CHOICES: ReadonlyArray<[number, keyof ConsoleLabels]> = [
  [0, "timer_none"],
  [30, "timer_30"],
  [60, "timer_60"],
  [120, "timer_120"],
];
const TICK_MS = 250;

export interface LiveConsoleOptions {
  WebSocketImpl?: WebSocketConstructor;
  location?: Pick<Location, "href">;
  fetch?: Fetch;
  now?: () => number;
  generateId?: () => string;
  /** Asks the teacher to confirm; defaults to the page's <dialog data-live-confirm>. */
  confirm?: (message: string) => Promise<boolean>;
}

export interface LiveConsole {
  readonly socket: LiveSocket;
  readonly client: LiveClient;
  /** Resolves when the slide being fetched (if any) is shown; for tests. */
  settled(): Promise<void>;
  destroy(): void;
}

/** Shows `dialog` with `message`; resolves true on its OK button, false on cancel or Escape. */
export function confirmWithDialog(dialog: HTMLDialogElement, message: string): Promise<boolean> {
  const text = dialog.querySelector<HTMLElement>("[data-live-confirm-text]");
  const ok = dialog.querySelector<HTMLButtonElement>("[data-live-confirm-ok]");
  const cancel = dialog.querySelector<HTMLButtonElement>("[data-live-confirm-cancel]");
  const opener = dialog.ownerDocument.activeElement as HTMLElement | null;
  if (text) text.textContent = message;
  return new Promise((resolve) => {
    const done = (answer: boolean): void => {
      ok?.removeEventListener("click", onOk);
      cancel?.removeEventListener("click", onCancel);
      dialog.removeEventListener("cancel", onEscape);
      if (typeof dialog.close === "function") dialog.close();
      else dialog.removeAttribute("open");
      opener?.focus?.();
      resolve(answer);
    };
    const onOk = (): void => done(true);
    const onCancel = (): void => done(false);
    const onEscape = (event: Event): void => {
      event.preventDefault();
      done(false);
    };
    ok?.addEventListener("click", onOk);
    cancel?.addEventListener("click", onCancel);
    dialog.addEventListener("cancel", onEscape);
    if (typeof dialog.showModal === "function") {
      try {
        dialog.showModal();
      } catch {
        dialog.setAttribute("open", "");
      }
    } else {
      dialog.setAttribute("open", "");
    }
    cancel?.focus(); // the safe choice has the focus
  });
}

export function mountLiveConsole(root: HTMLElement, options: LiveConsoleOptions = {}): LiveConsole {
  const doc = root.ownerDocument;
  const labels = readLabels(doc, CONSOLE_LABEL_KEYS);
  const now = options.now ?? Date.now;
  const fetchImpl: Fetch = options.fetch ?? ((input, init) => fetch(input, init));
  const generateId = options.generateId ?? randomId;
  const q = <T extends HTMLElement = HTMLElement>(hook: string): T | null => root.querySelector<T>(`[data-live-${hook}]`);

  const connection = q("connection");
  const alertRegion = q("error");
  const announcer = q("announce");
  const codeEl = q("code");
  const join = q<HTMLDetailsElement>("join");
  const stateLabel = q("state-label");
  const startButton = q<HTMLButtonElement>("start");
  const endButton = q<HTMLButtonElement>("end");
  const lockButton = q<HTMLButtonElement>("lock");
  const reportLink = q<HTMLAnchorElement>("report");
  const prevButton = q<HTMLButtonElement>("prev");
  const nextButton = q<HTMLButtonElement>("next");
  const slideNo = q("slide-no");
  const jumpForm = q<HTMLFormElement>("jump-form");
  const jumpSelect = q<HTMLSelectElement>("jump");
  const preview = q("preview");
  const questionStatus = q("question-status");
  const countdown = q("countdown");
  const closeButton = q<HTMLButtonElement>("close");
  const tallyAnswered = q("tally-answered");
  const tallyCorrect = q("tally-correct");
  const tallyBars = q("tally-bars");
  const anonymous = q<HTMLInputElement>("anonymous");
  const revealButton = q<HTMLButtonElement>("reveal");
  const resultsNote = q("results");
  const rosterList = q("roster");
  const rosterCount = q("roster-count");
  const rosterEmpty = q("roster-empty");
  const handList = q("hands");
  const handsEmpty = q("hands-empty");
  const dialog = q<HTMLDialogElement>("confirm");

  const confirm =
    options.confirm ??
    ((message: string): Promise<boolean> =>
      dialog ? confirmWithDialog(dialog, message) : Promise.resolve(window.confirm(message)));

  // Teacher actions are not queued in an outbox: replayed after a reconnect they could undo what
  // another device did meanwhile. They are sent only while connected, each with an id for errors.
  const socket = new LiveSocket({
    url: wsUrl(root.dataset.wsPath ?? "", options.location ?? window.location),
    WebSocketImpl: options.WebSocketImpl,
    outbox: new Outbox(),
  });
  const client = new LiveClient(socket, { now });
  const pendingActions = new Map<string, TeacherFrame["type"]>();

  let ticker: ReturnType<typeof setInterval> | null = null;
  let joinCollapsed = false;
  let ended = false;
  let stopped = false;
  let knownHands = new Set<number>();
  let rosterSeen = false;
  let lastAnnounced = "";
  const cleanups: Array<() => void> = [];

  const announce = (text: string): void => {
    if (!announcer || text === "" || text === lastAnnounced) return;
    lastAnnounced = text;
    announcer.textContent = text;
  };

  const act = (frame: TeacherFrame): string | null => {
    if (stopped || socket.state !== "open") {
      showAlert(alertRegion, labels.not_connected);
      return null;
    }
    const id = generateId();
    if (!socket.send({ ...frame, id })) {
      showAlert(alertRegion, labels.not_connected);
      return null;
    }
    pendingActions.set(id, frame.type);
    showAlert(alertRegion, "");
    return id;
  };

  const forms = (): HTMLFormElement[] =>
    preview ? Array.from(preview.querySelectorAll<HTMLFormElement>("form[data-activity][data-block]")) : [];
  /** 1-based number of `block` among the preview's questions, or 0 when it is not on this slide. */
  const questionNumber = (block: string): number => forms().findIndex((form) => form.dataset.block === block) + 1;

  // --- preview -------------------------------------------------------------------------------

  const buildControls = (form: HTMLFormElement, number: number): HTMLElement => {
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
  };

  const slides = preview
    ? new SlideLoader({
        box: preview,
        doc,
        url: (index) => slideUrl(root.dataset.slideUrl ?? "", index),
        fetch: fetchImpl,
        errorText: labels.slide_error,
        retryText: labels.retry,
        onLoaded: () => {
          renderMath(preview);
          forms().forEach((form, i) => {
            // The teacher does not answer: the forms are shown as students see them, but inert.
            setFormEnabled(form, false);
            form.addEventListener("submit", (event) => event.preventDefault());
            form.after(buildControls(form, i + 1));
          });
          if (client.state) render(client.state);
        },
        onRetry: (index) => slides?.load(index),
      })
    : null;

  // --- roster --------------------------------------------------------------------------------

  const statusLabel = (entry: RosterEntry): string =>
    entry.status === "connected"
      ? labels.status_connected
      : entry.status === "reconnecting"
        ? labels.status_reconnecting
        : labels.status_gone;

  /** Keeps rows in place (and the focus on their buttons) while updating them. */
  const syncList = (
    list: HTMLElement,
    entries: readonly RosterEntry[],
    build: (entry: RosterEntry) => HTMLElement,
    update: (row: HTMLElement, entry: RosterEntry) => void,
  ): void => {
    const rows = new Map<string, HTMLElement>();
    for (const child of Array.from(list.children) as HTMLElement[]) {
      if (child.dataset.participantId) rows.set(child.dataset.participantId, child);
    }
    const focusLost = list.contains(doc.activeElement);
    const wanted: HTMLElement[] = entries.map((entry) => {
      const row = rows.get(String(entry.id)) ?? build(entry);
      rows.delete(String(entry.id));
      update(row, entry);
      return row;
    });
    for (const stale of rows.values()) stale.remove();
    const current = Array.from(list.children);
    if (current.length !== wanted.length || wanted.some((row, i) => current[i] !== row)) list.replaceChildren(...wanted);
    if (focusLost && !list.contains(doc.activeElement)) list.focus();
  };

  const askRemove = async (entry: RosterEntry): Promise<void> => {
    if (await confirm(fill(labels.confirm_remove, { name: entry.nickname }))) {
      act({ type: "participant.remove", participant: entry.id });
    }
  };

  const buildRosterRow = (entry: RosterEntry): HTMLElement => {
    const row = element(doc, "li", { class: "live-person" });
    row.dataset.participantId = String(entry.id);
    const name = element(doc, "span", { class: "live-person-name" });
    const badge = element(doc, "span", { class: "live-badge" });
    badge.dataset.liveStatus = "";
    const answered = element(doc, "span", { class: "live-answered" });
    answered.dataset.liveAnswered = "";
    answered.append(element(doc, "span", { "aria-hidden": "true" }, "✓"), element(doc, "span", { class: "visually-hidden" }, labels.answered));
    const hand = element(doc, "span", { class: "live-hand-mark", "aria-hidden": "true" }, "✋");
    hand.dataset.liveHandMark = "";
    const remove = element(doc, "button", { type: "button", class: "button small" }, labels.remove);
    remove.dataset.testid = "remove";
    remove.addEventListener("click", () => {
      const current = client.state?.teacher?.roster.find((p) => String(p.id) === row.dataset.participantId);
      if (current) void askRemove(current);
    });
    row.append(name, hand, answered, badge, remove);
    return row;
  };

  const updateRosterRow = (row: HTMLElement, entry: RosterEntry): void => {
    row.dataset.status = entry.status;
    row.dataset.answered = String(entry.answered);
    row.dataset.hand = String(entry.hand !== null);
    row.querySelector(".live-person-name")!.textContent = entry.nickname;
    const badge = row.querySelector<HTMLElement>("[data-live-status]")!;
    badge.textContent = statusLabel(entry);
    badge.className = `live-badge live-status-${entry.status}`;
    badge.hidden = ended; // presence means nothing once the session is over
    row.querySelector<HTMLElement>("[data-live-answered]")!.hidden = !entry.answered;
    row.querySelector<HTMLElement>("[data-live-hand-mark]")!.hidden = entry.hand === null;
    const remove = row.querySelector<HTMLButtonElement>('[data-testid="remove"]')!;
    remove.setAttribute("aria-label", fill(labels.remove_name, { name: entry.nickname }));
    remove.disabled = ended;
  };

  const buildHandRow = (entry: RosterEntry): HTMLElement => {
    const row = element(doc, "li", { class: "live-hand-row" });
    row.dataset.participantId = String(entry.id);
    const name = element(doc, "span", { class: "live-person-name" });
    const lower = element(doc, "button", { type: "button", class: "button small" }, labels.lower_hand);
    lower.dataset.testid = "lower-hand";
    lower.addEventListener("click", () => act({ type: "hand.lower", participant: Number(row.dataset.participantId) }));
    row.append(name, lower);
    return row;
  };

  const updateHandRow = (row: HTMLElement, entry: RosterEntry): void => {
    row.dataset.status = entry.status;
    row.querySelector(".live-person-name")!.textContent = entry.nickname;
    const lower = row.querySelector<HTMLButtonElement>("button")!;
    lower.setAttribute("aria-label", fill(labels.lower_hand_name, { name: entry.nickname }));
    lower.disabled = ended;
  };

  const renderRoster = (state: LiveState): void => {
    const roster = state.teacher?.roster ?? [];
    const counts = presenceCounts(roster);
    if (rosterList) syncList(rosterList, sortRoster(roster), buildRosterRow, updateRosterRow);
    if (rosterCount) rosterCount.textContent = ended ? "" : fill(labels.roster_count, { connected: counts.connected, total: counts.total });
    if (rosterEmpty) {
      rosterEmpty.textContent = labels.no_participants;
      rosterEmpty.hidden = roster.length > 0;
    }
    const queue = handQueue(roster);
    if (handList) syncList(handList, queue, buildHandRow, updateHandRow);
    if (handsEmpty) {
      handsEmpty.textContent = labels.no_hands;
      handsEmpty.hidden = queue.length > 0;
    }
    const raised = new Set(queue.map((entry) => entry.id));
    const newest = queue.filter((entry) => !knownHands.has(entry.id)).at(-1);
    if (newest && rosterSeen) announce(fill(labels.hand_up, { name: newest.nickname }));
    knownHands = raised;
    rosterSeen = rosterSeen || state.teacher !== null;
  };

  // --- question, tally, results --------------------------------------------------------------

  const renderQuestion = (state: LiveState): void => {
    const open = state.question.block;
    const focus = focusBlock(state);
    const running = state.state === "running";
    const number = focus ? questionNumber(focus) : 0;
    if (questionStatus) {
      questionStatus.dataset.question = open ? "open" : focus ? "closed" : "none";
      questionStatus.textContent = open
        ? number
          ? fill(labels.question_open, { n: number })
          : labels.question_open_other
        : focus
          ? number
            ? fill(labels.question_closed, { n: number })
            : labels.question_closed_other
          : labels.no_question;
    }
    if (closeButton) {
      closeButton.hidden = !open;
      closeButton.disabled = !running || !open;
    }

    for (const group of Array.from(preview?.querySelectorAll<HTMLElement>("[data-live-activity]") ?? [])) {
      const block = group.dataset.liveActivity ?? "";
      const isOpen = open === block;
      group.dataset.open = String(isOpen);
      group.previousElementSibling?.setAttribute("data-open", String(isOpen));
      const button = group.querySelector<HTMLButtonElement>('[data-testid="open-question"]')!;
      button.disabled = !running || isOpen;
      group.querySelector<HTMLSelectElement>("select")!.disabled = !running || isOpen;
      group.querySelector<HTMLElement>("[data-live-open-badge]")!.hidden = !isOpen;
    }

    const tally = state.teacher?.tally ?? null;
    const relevant = tally && (!focus || tally.block === focus) ? tally : null;
    const roster = state.teacher?.roster ?? [];
    const counts = presenceCounts(roster);
    if (tallyAnswered) {
      tallyAnswered.textContent = relevant
        ? `${relevant.answered} / ${relevant.total}`
        : `${open ? counts.answered : 0} / ${counts.total}`;
    }
    if (tallyCorrect) tallyCorrect.textContent = relevant && relevant.correct !== null ? String(relevant.correct) : "–";
    if (tallyBars) renderBars(tallyBars, relevant?.distribution ?? [], relevant?.answered ?? 0);

    if (revealButton) revealButton.disabled = !running || !focus;
    if (anonymous) anonymous.disabled = !running || !focus;
    if (resultsNote) {
      const results = state.results && state.results.block === focus ? state.results : null;
      resultsNote.hidden = !results;
      resultsNote.replaceChildren();
      if (results) {
        resultsNote.append(element(doc, "p", { class: "live-results-shown" }, results.anonymous ? `${labels.results_shown} ${labels.results_anonymous}` : labels.results_shown));
        if (results.names && results.names.length) {
          const names = element(doc, "p", { class: "live-names" });
          names.append(element(doc, "strong", {}, `${labels.correct_names}: `), doc.createTextNode(results.names.join(", ")));
          resultsNote.append(names);
        }
      }
    }
  };

  const renderCountdown = (state: LiveState): void => {
    const left = state.question.block ? remainingMs(state.question.deadline, now(), client.offset) : null;
    if (countdown) {
      countdown.hidden = left === null;
      countdown.textContent = left === null ? "" : left === 0 ? labels.time_up : formatRemaining(left);
      countdown.setAttribute("aria-label", labels.time_left);
      countdown.dataset.remaining = left === null ? "" : String(Math.ceil(left / 1000));
    }
    if (left !== null && left > 0 && ticker === null) {
      ticker = setInterval(() => client.state && renderCountdown(client.state), TICK_MS);
    } else if ((left === null || left === 0) && ticker !== null) {
      clearInterval(ticker);
      ticker = null;
    }
  };

  // --- everything ----------------------------------------------------------------------------

  function render(state: LiveState): void {
    const lobby = state.state === "lobby";
    const running = state.state === "running";
    ended = state.state === "ended" || ended;
    root.dataset.state = ended ? "ended" : state.state;
    if (stateLabel) stateLabel.textContent = ended ? labels.state_ended : lobby ? labels.state_lobby : labels.state_running;
    if (codeEl && state.teacher?.code) codeEl.textContent = state.teacher.code;
    if (join && !lobby && !joinCollapsed) {
      join.open = false; // students have joined; the teacher can open it again
      joinCollapsed = true;
    }
    if (startButton) {
      startButton.hidden = !lobby || ended;
      startButton.disabled = !lobby || ended;
    }
    if (endButton) {
      endButton.hidden = ended;
      endButton.disabled = ended;
    }
    if (reportLink) reportLink.hidden = !ended;
    if (lockButton) {
      const locked = state.locked && !ended;
      lockButton.setAttribute("aria-pressed", String(locked));
      lockButton.textContent = locked ? labels.unlock : labels.lock;
      lockButton.disabled = ended;
    }
    const { index, count } = state.slide;
    if (slideNo) slideNo.textContent = `${index + 1} / ${count}`;
    if (prevButton) prevButton.disabled = !running || index <= 0;
    if (nextButton) nextButton.disabled = !running || index >= count - 1;
    if (jumpSelect) {
      if (doc.activeElement !== jumpSelect) jumpSelect.value = String(index);
      jumpSelect.disabled = !running;
    }
    jumpForm?.querySelector<HTMLButtonElement>("button")?.toggleAttribute("disabled", !running);
    if (slides?.needs(index)) slides.load(index);
    renderQuestion(state);
    renderCountdown(state);
    renderRoster(state);
  }

  const showEnded = (): void => {
    if (ended && stopped) return;
    ended = true;
    stopped = true;
    if (ticker !== null) clearInterval(ticker);
    ticker = null;
    if (connection) connection.hidden = true; // the socket closes on purpose: not "offline"
    if (client.state) render(client.state);
    else {
      root.dataset.state = "ended";
      if (reportLink) reportLink.hidden = false;
      if (endButton) endButton.hidden = true;
      if (startButton) startButton.hidden = true;
    }
    for (const button of Array.from(root.querySelectorAll<HTMLButtonElement>("button"))) {
      if (!dialog?.contains(button) && !button.closest("[data-live-join]")) button.disabled = true;
    }
    announce(labels.session_ended);
    reportLink?.focus();
  };

  const onChange = (state: LiveState, cause: unknown): void => {
    render(state);
    const frame = cause as { type?: string; kind?: string } | null;
    if (frame?.type === "event" && frame.kind === "screen.locked") announce(state.locked ? labels.locked : labels.unlocked);
    if (state.state === "ended") {
      showEnded();
      socket.close(); // the server closes too; do not reconnect to an ended session
    }
  };

  const onAck = (ack: AckFrame): void => {
    if (ack.ref !== null) pendingActions.delete(ack.ref);
  };

  const onError = (error: ErrorFrame): void => {
    if (error.ref !== null) pendingActions.delete(error.ref);
    showAlert(alertRegion, error.message);
  };

  const onSocketState = (): void => {
    if (socket.state !== "closed" || stopped) return;
    const code = socket.lastCloseCode;
    if (code === 1000) showEnded();
    else if (code === 4401 || code === 4404) {
      stopped = true;
      showAlert(alertRegion, code === 4401 ? labels.closed_4401 : labels.closed_4404);
    }
  };

  const listen = (el: HTMLElement | null, type: string, handler: (event: Event) => void): void => {
    if (!el) return;
    el.addEventListener(type, handler);
    cleanups.push(() => el.removeEventListener(type, handler));
  };

  listen(startButton, "click", () => act({ type: "session.run" }));
  listen(endButton, "click", () => {
    void confirm(labels.confirm_end).then((yes) => {
      if (yes) act({ type: "session.end" });
    });
  });
  listen(lockButton, "click", () => act({ type: "screen.lock", locked: !(client.state?.locked ?? false) }));
  listen(prevButton, "click", () => {
    const index = client.state?.slide.index;
    if (index !== undefined && index > 0) act({ type: "slide.goto", index: index - 1 });
  });
  listen(nextButton, "click", () => {
    const slide = client.state?.slide;
    if (slide && slide.index < slide.count - 1) act({ type: "slide.goto", index: slide.index + 1 });
  });
  listen(jumpForm, "submit", (event) => {
    event.preventDefault();
    const index = Number(jumpSelect?.value);
    if (Number.isInteger(index) && index !== client.state?.slide.index) act({ type: "slide.goto", index });
  });
  listen(closeButton, "click", () => act({ type: "question.close" }));
  listen(revealButton, "click", () => act({ type: "results.reveal", anonymous: anonymous?.checked ?? true }));

  if (connection) cleanups.push(bindConnection(connection, socket, labels));
  cleanups.push(client.onChange(onChange), client.onAck(onAck), client.onError(onError), socket.onState(onSocketState));
  showAlert(alertRegion, "");
  socket.connect();
  root.dataset.ready = "1";

  return {
    socket,
    client,
    settled: () => slides?.settled ?? Promise.resolve(),
    destroy(): void {
      for (const off of cleanups) off();
      if (ticker !== null) clearInterval(ticker);
      stopped = true;
      client.destroy();
      socket.close();
      delete root.dataset.ready;
    },
  };
}

/**
 * The projector view of a live session (/live/<id>/present/): what the class reads on the board
 * while the teacher drives the console from a tablet or laptop. The join code and its QR (large
 * in the lobby, smaller beside the slide later, for latecomers), the current slide (the same
 * fragment students get, its forms inert), the open question's timer and how many answered, and
 * after a reveal the result chart with the correct answer marked. Nothing personal: no roster,
 * names only when the teacher revealed them. It has its own teacher socket and sends nothing
 * but snapshot requests. A Fullscreen API button where the browser has one.
 * All text comes from the page's #live-labels JSON (classrooms/live/views.py projector_labels).
 */
import { Outbox } from "../../transport/outbox";
import { renderMath } from "../../ui/math";
import { setFormEnabled } from "../answers";
import { remainingMs } from "../countdown";
import { CountdownView } from "../countdown-view";
import { fill, readLabels } from "../labels";
import { liveConnection, startLivePage, type LiveConnectionOptions, type LivePage } from "../page";
import type { ErrorFrame, Results } from "../protocol";
import type { LiveState } from "../reconcile";
import { SlideLoader, slideUrl, type Fetch } from "../slides";
import { activityForms, hook, showAlert } from "../view";
import { renderChart } from "./chart";
import { PROJECTOR_LABEL_KEYS, type ProjectorLabels } from "./labels";

export interface LiveProjectorOptions extends LiveConnectionOptions {
  fetch?: Fetch;
}

export type LiveProjector = LivePage;

/** The slide's activity form for `block`, if the box shows it. */
function formIn(box: HTMLElement | null, block: string): HTMLFormElement | null {
  return activityForms(box).find((form) => form.dataset.block === block) ?? null;
}

export function mountLiveProjector(root: HTMLElement, options: LiveProjectorOptions = {}): LiveProjector {
  const doc = root.ownerDocument;
  const labels: ProjectorLabels = readLabels(doc, PROJECTOR_LABEL_KEYS);
  const now = options.now ?? Date.now;
  const connection = hook(root, "connection");
  const alertRegion = hook(root, "error");
  const slideBox = hook(root, "slide");
  const waiting = hook(root, "waiting");
  const slideNo = hook(root, "slide-no");
  const questionLine = hook(root, "question");
  const answeredLine = hook(root, "answered");
  const resultsBox = hook(root, "results");
  const endedPanel = hook(root, "ended");

  // Nothing is queued: the projector only listens.
  const { socket, client } = liveConnection(root, options, new Outbox());
  let ended = false;

  const countdown = new CountdownView(hook(root, "countdown"), labels, () => {
    if (client.state) renderCountdown(client.state);
  });
  const renderCountdown = (state: LiveState): void =>
    countdown.show(state.state === "running" && state.question.block ? remainingMs(state.question.deadline, now(), client.offset) : null);

  const slides = slideBox
    ? new SlideLoader({
        box: slideBox,
        doc,
        url: (index) => slideUrl(root.dataset.slideUrl ?? "", index),
        fetch: options.fetch ?? ((input, init) => fetch(input, init)),
        errorText: labels.slide_error,
        retryText: labels.retry,
        onLoaded: () => {
          renderMath(slideBox);
          for (const form of activityForms(slideBox)) {
            setFormEnabled(form, false); // shown to the class, answered on their own devices
            form.addEventListener("submit", (event) => event.preventDefault());
          }
          if (client.state) render(client.state);
        },
        onRetry: (index) => slides?.load(index),
      })
    : null;

  const fullscreen = hook<HTMLButtonElement>(root, "fullscreen");
  const cleanups: Array<() => void> = [];
  if (fullscreen && doc.fullscreenEnabled && typeof doc.documentElement.requestFullscreen === "function") {
    const label = (): void => {
      const on = doc.fullscreenElement !== null;
      fullscreen.textContent = on ? labels.exit_fullscreen : labels.fullscreen;
      fullscreen.setAttribute("aria-pressed", String(on));
    };
    const toggle = (): void => {
      const done = doc.fullscreenElement ? doc.exitFullscreen() : doc.documentElement.requestFullscreen();
      void done?.catch(() => undefined); // refused (no user gesture, a policy): the page works without
    };
    fullscreen.hidden = false;
    label();
    fullscreen.addEventListener("click", toggle);
    doc.addEventListener("fullscreenchange", label);
    cleanups.push(() => {
      fullscreen.removeEventListener("click", toggle);
      doc.removeEventListener("fullscreenchange", label);
    });
  }

  /** The results to chart: revealed, and about a question on the slide shown now. */
  const shownResults = (state: LiveState): Results | null => {
    const results = state.results;
    if (!results || !slides || slides.shown !== state.slide.index || slides.loading !== null) return null;
    return formIn(slideBox, results.block) ? results : null;
  };

  const showEnded = (): void => {
    if (ended) return;
    ended = true;
    countdown.stop();
    root.dataset.state = "ended";
    for (const el of [slideBox, waiting, questionLine, answeredLine, resultsBox, connection, slideNo, hook(root, "join")]) {
      if (el) el.hidden = true;
    }
    if (endedPanel) endedPanel.hidden = false;
  };

  function render(state: LiveState): void {
    if (ended) return;
    if (state.state === "ended") return showEnded();
    root.dataset.state = state.state;
    const running = state.state === "running";
    const { index, count } = state.slide;
    if (waiting) waiting.hidden = running;
    if (slideBox) slideBox.hidden = !running;
    if (running && slides?.needs(index)) slides.load(index);
    if (slideNo) slideNo.textContent = running ? `${index + 1} / ${count}` : "";

    const open = running ? state.question.block : "";
    for (const form of activityForms(slideBox)) {
      const isOpen = form.dataset.block === open;
      if (isOpen && form.dataset.question !== "open") form.scrollIntoView?.({ block: "nearest" }); // a long slide
      form.dataset.question = isOpen ? "open" : "closed";
    }
    root.dataset.question = open ? "open" : "none";
    if (questionLine) {
      questionLine.hidden = !open;
      questionLine.textContent = open ? labels.question_open : "";
    }
    const tally = state.teacher?.tally;
    if (answeredLine) {
      const counting = open && tally && tally.block === open;
      answeredLine.hidden = !counting;
      answeredLine.textContent = counting ? fill(labels.answered_count, { answered: tally.answered, total: tally.total }) : "";
    }
    renderCountdown(state);

    const results = running ? shownResults(state) : null;
    root.dataset.results = results ? "shown" : "none";
    if (resultsBox) {
      resultsBox.hidden = !results;
      if (results) renderChart(resultsBox, results, labels);
      else resultsBox.replaceChildren();
    }
  }

  const onChange = (state: LiveState): void => {
    render(state);
    if (state.state === "ended") socket.close(); // the server closes too; do not reconnect
  };

  const onError = (error: ErrorFrame): void => showAlert(alertRegion, error.message);

  const onSocketState = (): void => {
    if (socket.state !== "closed" || ended) return;
    const code = socket.lastCloseCode;
    if (code === 1000) showEnded();
    else if (code === 4401 || code === 4404) showAlert(alertRegion, code === 4401 ? labels.closed_4401 : labels.closed_4404);
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
      countdown.stop();
      for (const off of cleanups) off();
      ended = true;
    },
  });
}

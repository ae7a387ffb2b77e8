import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { CONSOLE_LABEL_KEYS } from "../src/live/console/labels";
import { QuestionPanel, TIMER_CHOICES } from "../src/live/console/question-panel";
import { readLabels } from "../src/live/labels";
import { type SnapshotFrame, type TeacherFrame } from "../src/live/protocol";
import { parseServerFrame } from "../src/live/parse";
import { fromSnapshot, type LiveState } from "../src/live/reconcile";
import { $, baseSnapshot, CONSOLE_LABELS as L, renderConsolePage } from "./helpers/live-pages";

const NOW = 1_764_050_000_000;
const roster = [
  { id: 3, nickname: "윤슬기", status: "connected", hand: null, answered: true },
  { id: 4, nickname: "김하늘", status: "connected", hand: null, answered: false },
  { id: 5, nickname: "Amy", status: "gone", hand: null, answered: false },
];
const teacher = (extra: Record<string, unknown> = {}) => ({ code: "7KQ2MX", open: false, roster, tally: null, ...extra });
const question = (block: string, deadline: string | null = null) => ({ block, kind: block ? "numeric" : "", deadline, revealed: false });
const stateWith = (extra: Record<string, unknown>): LiveState =>
  fromSnapshot(parseServerFrame(baseSnapshot({ teacher: teacher(), ...extra })) as SnapshotFrame);

/** The two questions of slide 1 as the preview shows them, each followed by its controls. */
const PREVIEW = `
  <form class="activity" data-activity data-block="b-num" data-kind="numeric" novalidate><input type="text" name="answer"></form>
  <form class="activity" data-activity data-block="b-mc" data-kind="multiple_choice" novalidate>
    <label class="choice"><input type="checkbox" name="answer" value="0"> <span>0.75</span></label></form>`;

const group = (block: string) => document.querySelector<HTMLElement>(`[data-live-activity="${block}"]`)!;
const openButton = (block: string) => group(block).querySelector<HTMLButtonElement>('[data-testid="open-question"]')!;
const timer = (block: string) => group(block).querySelector<HTMLSelectElement>('[data-testid="timer"]')!;
const badge = (block: string) => group(block).querySelector<HTMLElement>("[data-live-open-badge]")!;

let sent: TeacherFrame[];
let current: LiveState | null;
let clock: number;
let panel: QuestionPanel;

beforeEach(() => {
  vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] });
  const root = renderConsolePage();
  sent = [];
  current = null;
  clock = NOW;
  panel = new QuestionPanel({
    root,
    labels: readLabels(document, CONSOLE_LABEL_KEYS),
    act: (frame) => sent.push(frame),
    state: () => current,
    now: () => clock,
    offset: () => 0,
  });
  const preview = $("preview");
  preview.innerHTML = PREVIEW;
  Array.from(preview.querySelectorAll<HTMLFormElement>("form")).forEach((form, i) => form.after(panel.openControls(form, i + 1)));
});

afterEach(() => {
  panel.destroy();
  vi.useRealTimers();
  document.body.innerHTML = "";
});

function show(state: LiveState): void {
  current = state;
  panel.render(state);
}

describe("the open controls after each question", () => {
  it("name the question and offer the timer choices", () => {
    expect(group("b-num").getAttribute("role")).toBe("group");
    expect(group("b-num").getAttribute("aria-label")).toBe("1번 문제");
    expect(group("b-mc").getAttribute("aria-label")).toBe("2번 문제");
    expect(group("b-num").previousElementSibling?.getAttribute("data-block")).toBe("b-num");
    expect(Array.from(timer("b-mc").options).map((o) => [o.value, o.textContent])).toEqual(
      TIMER_CHOICES.map(([seconds, key]) => [String(seconds), L[key]]),
    );
    expect(group("b-mc").querySelector("label")?.getAttribute("for")).toBe(timer("b-mc").id);
    expect(openButton("b-mc").getAttribute("aria-label")).toBe("문제 열기 · 2번 문제");
    expect(badge("b-mc").hidden).toBe(true);
  });

  it("open a question with or without a timer", () => {
    show(stateWith({}));
    timer("b-mc").value = "60";
    openButton("b-mc").click();
    openButton("b-num").click();
    expect(sent).toEqual([
      { type: "question.open", block: "b-mc", seconds: 60 },
      { type: "question.open", block: "b-num" },
    ]);
  });

  it("are disabled before the lesson starts", () => {
    show(stateWith({ state: "lobby" }));
    expect(openButton("b-num").disabled).toBe(true);
    expect(timer("b-num").disabled).toBe(true);
  });
});

describe("the question's state", () => {
  it("says no question is open, with nothing to close or reveal", () => {
    show(stateWith({}));
    expect($("question-status").dataset.question).toBe("none");
    expect($("question-status").textContent).toBe(L.no_question);
    expect($("close-question").hidden).toBe(true);
    expect($<HTMLButtonElement>("reveal").disabled).toBe(true);
    expect($<HTMLInputElement>("anonymous").disabled).toBe(true);
    expect(openButton("b-num").disabled).toBe(false);
    expect($("tally-answered").textContent).toBe("0 / 3");
    expect($("tally-correct").textContent).toBe("–");
  });

  it("shows the open question by its number, marks it open and offers to close it", () => {
    show(stateWith({ question: question("b-mc") }));
    expect($("question-status").dataset.question).toBe("open");
    expect($("question-status").textContent).toBe("2번 문제가 열려 있어요.");
    expect($("close-question").hidden).toBe(false);
    expect($<HTMLButtonElement>("close-question").disabled).toBe(false);
    expect(group("b-mc").dataset.open).toBe("true");
    expect(group("b-mc").previousElementSibling?.getAttribute("data-open")).toBe("true");
    expect(badge("b-mc").hidden).toBe(false);
    expect(openButton("b-mc").disabled).toBe(true);
    expect(timer("b-mc").disabled).toBe(true);
    expect(group("b-num").dataset.open).toBe("false");
    expect(badge("b-num").hidden).toBe(true);
    expect(openButton("b-num").disabled).toBe(false);
    expect($<HTMLButtonElement>("reveal").disabled).toBe(false);
    expect($("tally-answered").textContent).toBe("1 / 3"); // the roster's answered marks until a tally comes
    $("close-question").click();
    expect(sent).toEqual([{ type: "question.close" }]);
  });

  it("names a question open on another slide without a number", () => {
    show(stateWith({ question: question("b-elsewhere") }));
    expect($("question-status").textContent).toBe(L.question_open_other);
  });

  it("after closing, is about the last question: its tally, results and reveal", () => {
    const tally = { block: "b-num", answered: 2, total: 3, correct: 1, distribution: [{ label: "0.75", count: 1 }, { label: "0.7", count: 1 }] };
    show(stateWith({ teacher: teacher({ tally }) }));
    expect($("question-status").dataset.question).toBe("closed");
    expect($("question-status").textContent).toBe("1번 문제를 닫았어요.");
    expect($("close-question").hidden).toBe(true);
    expect($("tally-answered").textContent).toBe("2 / 3");
    expect($("tally-correct").textContent).toBe("1");
    expect(Array.from($("tally-bars").querySelectorAll<HTMLElement>(".live-bar")).map((bar) => [bar.dataset.label, bar.dataset.count])).toEqual([
      ["0.75", "1"],
      ["0.7", "1"],
    ]);
    $<HTMLInputElement>("anonymous").checked = false;
    $("reveal").click();
    expect(sent).toEqual([{ type: "results.reveal", anonymous: false }]);
  });

  it("ignores a tally of another question than the open one", () => {
    const tally = { block: "b-num", answered: 2, total: 3, correct: 1, distribution: [] };
    show(stateWith({ question: question("b-mc"), teacher: teacher({ tally }) }));
    expect($("tally-answered").textContent).toBe("1 / 3");
    expect($("tally-correct").textContent).toBe("–");
  });

  it("says results are shown, with names unless hidden", () => {
    const results = {
      block: "b-num", kind: "numeric", anonymous: false, answered: 2, total: 3, correct_count: 1,
      answer: "0.75", explanation: "", distribution: [], names: ["윤슬기"],
    };
    show(stateWith({ results }));
    expect($("results").hidden).toBe(false);
    expect($("results").querySelector(".live-results-shown")?.textContent).toBe(L.results_shown);
    expect($("results").querySelector(".live-names")?.textContent).toBe(`${L.correct_names}: 윤슬기`);
    show(stateWith({ results: { ...results, anonymous: true, names: undefined } }));
    expect($("results").querySelector(".live-results-shown")?.textContent).toBe(`${L.results_shown} ${L.results_anonymous}`);
    expect($("results").querySelector(".live-names")).toBeNull();
    show(stateWith({}));
    expect($("results").hidden).toBe(true);
  });

  it("disables everything while the lesson is not running", () => {
    show(stateWith({ state: "ended", question: question("b-mc") }));
    expect($<HTMLButtonElement>("close-question").disabled).toBe(true);
    expect($<HTMLButtonElement>("reveal").disabled).toBe(true);
    expect(openButton("b-num").disabled).toBe(true);
  });
});

describe("the timer", () => {
  it("counts down to the deadline, then says time is up and stops", () => {
    show(stateWith({ question: question("b-num", new Date(NOW + 30_000).toISOString()) }));
    expect($("countdown").hidden).toBe(false);
    expect($("countdown").textContent).toBe("0:30");
    expect($("countdown").getAttribute("aria-label")).toBe(L.time_left);
    expect($("countdown").dataset.remaining).toBe("30");
    clock += 12_000;
    vi.advanceTimersByTime(250);
    expect($("countdown").textContent).toBe("0:18");
    clock += 18_000;
    vi.advanceTimersByTime(250);
    expect($("countdown").textContent).toBe(L.time_up);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("is hidden without a deadline", () => {
    show(stateWith({ question: question("b-num") }));
    expect($("countdown").hidden).toBe(true);
    expect($("countdown").textContent).toBe("");
  });
});

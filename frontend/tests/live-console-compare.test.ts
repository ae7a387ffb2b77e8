/**
 * A question asked again: the console's tally beside the attempt before, the "ask again" control,
 * the lesson's question number, and the choice of typed answers the class may see.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { FREE_TEXT_KINDS, QUESTION_LABEL_KEYS, alignDistributions, type QuestionLabels } from "../src/live/console/compare";
import { CONSOLE_LABEL_KEYS } from "../src/live/console/labels";
import { QuestionPanel } from "../src/live/console/question-panel";
import { readLabels } from "../src/live/labels";
import { MAX_ATTEMPTS, type SnapshotFrame, type TeacherFrame } from "../src/live/protocol";
import { parseServerFrame } from "../src/live/parse";
import { fromSnapshot, type LiveState } from "../src/live/reconcile";
import schemaJson from "../src/live/protocol.schema.json";
import { $, baseSnapshot, CONSOLE_LABELS, renderConsolePage } from "./helpers/live-pages";

/** The Korean texts of classrooms/live/labels.py question_labels(). */
const Q: QuestionLabels = {
  ask_again: "다시 묻기",
  attempt_n: "{n}차",
  compare_title: "토론 전과 후",
  compare_answered: "{total}명 중 {answered}명 답함",
  compare_correct: "{count}명 정답",
  pick_title: "고르기 전에는 학생이 쓴 답이 학생 화면에 보이지 않아요.",
  pick_show: "고른 답 보여 주기",
  picked_none: "학생 화면에 보이는 답이 없어요.",
  picked_count: "고른 답 {count}개가 학생 화면에 보여요.",
};

const schema = schemaJson as unknown as { labels: { question: string[] }; free_text: string[]; max_attempts: number };

const roster = [
  { id: 3, nickname: "윤슬기", status: "connected", hand: null, answered: true },
  { id: 4, nickname: "김하늘", status: "connected", hand: null, answered: false },
  { id: -9, nickname: "박지호", status: "absent", hand: null, answered: false },
];
const tally = (extra: Record<string, unknown> = {}) => ({
  block: "b-num",
  kind: "numeric",
  number: 4,
  answered: 1,
  total: 2,
  correct: 1,
  distribution: [{ label: "0.75", count: 1 }],
  attempt: 1,
  previous: null,
  previous_answered: null,
  previous_correct: null,
  ...extra,
});
const stateWith = (extra: Record<string, unknown>, teacher: Record<string, unknown> = {}): LiveState =>
  fromSnapshot(
    parseServerFrame(
      baseSnapshot({
        teacher: { code: "7KQ2MX", open: false, roster, tally: null, numbers: { "b-num": 4, "b-short": 5 }, ...teacher },
        ...extra,
      }),
    ) as SnapshotFrame,
  );

const PREVIEW = `
  <form class="activity" data-activity data-block="b-num" data-kind="numeric" novalidate><input type="text" name="answer"></form>
  <form class="activity" data-activity data-block="b-short" data-kind="short_answer" novalidate><input type="text" name="answer"></form>`;

let sent: TeacherFrame[];
let current: LiveState | null;
let panel: QuestionPanel | null = null;

function mount(state: LiveState | null): void {
  const root = renderConsolePage({ ...CONSOLE_LABELS, ...Q });
  sent = [];
  current = state;
  panel = new QuestionPanel({
    root,
    labels: readLabels(document, CONSOLE_LABEL_KEYS),
    act: (frame) => sent.push(frame),
    state: () => current,
    now: () => 1_764_050_000_000,
    offset: () => 0,
  });
  const preview = $("preview");
  preview.innerHTML = PREVIEW;
  const made = panel;
  Array.from(preview.querySelectorAll<HTMLFormElement>("form")).forEach((form, i) => form.after(made.openControls(form, i + 1)));
}

function show(state: LiveState): void {
  current = state;
  panel?.render(state);
}

const group = (block: string) => document.querySelector<HTMLElement>(`[data-live-activity="${block}"]`)!;
const askAgain = (block: string) => group(block).querySelector<HTMLButtonElement>('[data-testid="ask-again"]')!;
const compare = () => document.querySelector<HTMLElement>("[data-live-compare]")!;
const pickBox = () => document.querySelector<HTMLElement>("[data-live-pick]")!;
const bars = (column: Element) =>
  Array.from(column.querySelectorAll<HTMLElement>(".live-bar")).map((bar) => [bar.dataset.label, Number(bar.dataset.count)]);

beforeEach(() => {
  vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] });
});

afterEach(() => {
  panel?.destroy();
  panel = null;
  vi.useRealTimers();
  document.body.innerHTML = "";
});

describe("the contract with the server", () => {
  it("reads the label keys, typed kinds and attempt limit the server declares", () => {
    expect([...QUESTION_LABEL_KEYS].sort()).toEqual(schema.labels.question);
    expect([...FREE_TEXT_KINDS].sort()).toEqual(schema.free_text);
    expect(MAX_ATTEMPTS).toBe(schema.max_attempts);
  });
});

describe("asking a question again", () => {
  it("names each question by its number in the lesson, as the report does", () => {
    mount(stateWith({}));
    expect(group("b-num").getAttribute("aria-label")).toBe("4번 문제");
    expect(group("b-short").getAttribute("aria-label")).toBe("5번 문제");
    show(stateWith({ question: { block: "b-num", kind: "numeric", deadline: null, revealed: false } }));
    expect($("question-status").textContent).toBe("4번 문제가 열려 있어요.");
  });

  it("offers to ask the closed question again, with the chosen timer, up to the last attempt", () => {
    mount(stateWith({}));
    show(stateWith({ question: { block: "b-num", kind: "numeric", deadline: null, revealed: false } }, { tally: tally() }));
    expect(askAgain("b-num").hidden).toBe(true); // still open
    show(stateWith({ results: null }, { tally: tally() }));
    expect(askAgain("b-num").hidden).toBe(false);
    expect(askAgain("b-num").disabled).toBe(false);
    expect(askAgain("b-num").getAttribute("aria-label")).toBe("다시 묻기 · 4번 문제");
    expect(askAgain("b-short").hidden).toBe(true); // never asked
    group("b-num").querySelector<HTMLSelectElement>("select")!.value = "60";
    askAgain("b-num").click();
    expect(sent).toEqual([{ type: "question.open", block: "b-num", seconds: 60, again: true }]);
    show(stateWith({}, { tally: tally({ attempt: MAX_ATTEMPTS, previous: [], previous_answered: 0, previous_correct: 0 }) }));
    expect(askAgain("b-num").disabled).toBe(true);
  });

  it("shows the attempt before and this one side by side, each answer at the same height", () => {
    mount(stateWith({}));
    const second = tally({
      attempt: 2,
      answered: 2,
      correct: 2,
      distribution: [{ label: "0.75", count: 2 }],
      previous: [
        { label: "0.5", count: 1 },
        { label: "0.75", count: 1 },
      ],
      previous_answered: 2,
      previous_correct: 1,
    });
    show(stateWith({ question: { block: "b-num", kind: "numeric", deadline: null, revealed: false, attempt: 2 } }, { tally: second }));
    expect($("question-status").textContent).toBe("4번 문제가 열려 있어요. 2차");
    expect(compare().hidden).toBe(false);
    expect(compare().querySelector("h3")?.textContent).toBe("토론 전과 후");
    const [before, after] = Array.from(compare().querySelectorAll<HTMLElement>(".live-compare-attempt"));
    expect([before!.dataset.attempt, after!.dataset.attempt]).toEqual(["1", "2"]);
    expect(before!.querySelector("h4")?.textContent).toBe("1차");
    expect(before!.querySelector(".live-stats")?.textContent).toBe("2명 중 2명 답함 · 1명 정답");
    expect(after!.querySelector(".live-stats")?.textContent).toBe("2명 중 2명 답함 · 2명 정답");
    expect(bars(before!)).toEqual([
      ["0.75", 1],
      ["0.5", 1],
    ]);
    expect(bars(after!)).toEqual([
      ["0.75", 2],
      ["0.5", 0],
    ]);
  });

  it("leaves out the correct count of a poll and hides the comparison on the first attempt", () => {
    mount(stateWith({}));
    const poll = tally({ kind: "poll", correct: null, attempt: 2, previous: [{ label: "네", count: 1 }], previous_answered: 1, previous_correct: null });
    show(stateWith({}, { tally: poll }));
    const columns = Array.from(compare().querySelectorAll(".live-stats")).map((p) => p.textContent);
    expect(columns).toEqual(["2명 중 1명 답함", "2명 중 1명 답함"]);
    show(stateWith({}, { tally: tally() }));
    expect(compare().hidden).toBe(true);
    expect(compare().childElementCount).toBe(0);
  });

  it("aligns two distributions over the same answers", () => {
    expect(alignDistributions([{ label: "a", count: 2 }], [{ label: "b", count: 1 }])).toEqual([
      [
        { label: "b", count: 0 },
        { label: "a", count: 2 },
      ],
      [
        { label: "b", count: 1 },
        { label: "a", count: 0 },
      ],
    ]);
  });
});

describe("typed answers the class may see", () => {
  const shortTally = tally({
    block: "b-short",
    kind: "short_answer",
    number: 5,
    answered: 3,
    distribution: [
      { label: "단위분수", count: 2 },
      { label: "모르겠어요", count: 1 },
    ],
  });
  const revealed = (picked: { label: string; count: number }[]) => ({
    question: { block: "", kind: "", deadline: null, revealed: true },
    results: {
      block: "b-short",
      kind: "short_answer",
      anonymous: true,
      answered: 3,
      total: 3,
      correct_count: 2,
      answer: "단위분수",
      explanation: "",
      distribution: picked,
      attempt: 1,
    },
  });

  it("lists every typed answer with nothing picked, and sends the picked ones", () => {
    mount(stateWith({}));
    show(stateWith({ question: { block: "b-short", kind: "short_answer", deadline: null, revealed: false } }, { tally: shortTally }));
    expect(pickBox().hidden).toBe(true); // not revealed yet
    show(stateWith(revealed([]), { tally: shortTally }));
    expect(pickBox().hidden).toBe(false);
    const ticks = Array.from(pickBox().querySelectorAll<HTMLInputElement>('[data-testid="pick-answer"]'));
    expect(ticks.map((t) => [t.value, t.checked])).toEqual([
      ["단위분수", false],
      ["모르겠어요", false],
    ]);
    expect($("picked-status").textContent).toBe("학생 화면에 보이는 답이 없어요.");
    ticks[0]!.checked = true;
    show(stateWith(revealed([]), { tally: shortTally })); // a tally refresh keeps the unsent tick
    expect(pickBox().querySelector<HTMLInputElement>('[data-testid="pick-answer"]')!.checked).toBe(true);
    $<HTMLButtonElement>("pick-show").click();
    expect(sent).toEqual([{ type: "results.pick", labels: ["단위분수"] }]);
    show(stateWith(revealed([{ label: "단위분수", count: 2 }]), { tally: shortTally }));
    expect($("picked-status").textContent).toBe("고른 답 1개가 학생 화면에 보여요.");
    expect(
      Array.from(pickBox().querySelectorAll<HTMLInputElement>('[data-testid="pick-answer"]')).map((t) => t.checked),
    ).toEqual([true, false]);
  });

  it("is not offered for offered options", () => {
    mount(stateWith({}));
    const mc = tally({ kind: "multiple_choice", distribution: [{ label: "3/4", count: 1 }] });
    const results = { ...revealed([{ label: "3/4", count: 1 }]).results, block: "b-num", kind: "multiple_choice" };
    show(stateWith({ question: { block: "", kind: "", deadline: null, revealed: true }, results }, { tally: mc }));
    expect(pickBox().hidden).toBe(true);
  });
});

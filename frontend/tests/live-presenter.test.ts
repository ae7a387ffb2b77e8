// @vitest-environment jsdom
// jsdom: the preview and the projector show server HTML through DOMPurify.
import "./helpers/standards-mode";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { mountLiveConsole, type LiveConsole } from "../src/live/console/mount";
import { CONSOLE_LABEL_KEYS, CONSOLE_VIEW_LABEL_KEYS } from "../src/live/console/labels";
import { RosterPanel } from "../src/live/console/roster";
import { parseSlideList } from "../src/live/console/slide-list";
import { readLabels } from "../src/live/labels";
import { isCorrectLabel } from "../src/live/projector/chart";
import { mountLiveProjector, type LiveProjector } from "../src/live/projector/mount";
import { mountLiveStudent, type LiveStudent } from "../src/live/student/mount";
import type { RosterEntry, TeacherFrame } from "../src/live/protocol";
import { fromSnapshot, type LiveState } from "../src/live/reconcile";
import { FakeWebSocket } from "./helpers/fake-websocket";
import {
  $,
  baseSnapshot,
  CONSOLE_LABELS,
  fakeSlides,
  flush,
  person,
  renderConsolePage,
  renderStudentPage,
  type FakeSlides,
} from "./helpers/live-pages";

const VIEW_LABELS = { status_absent: "미접속", raised_hand: "손 듦" };
const PROJECTOR_LABELS: Record<string, string> = {
  conn_connecting: "연결 중…",
  conn_open: "연결됨",
  conn_reconnecting: "다시 연결하는 중…",
  conn_offline: "오프라인",
  time_left: "남은 시간",
  time_up: "시간 끝",
  waiting: "곧 수업을 시작해요. 코드로 들어오세요.",
  question_open: "지금 자기 기기에서 답하세요.",
  answered_count: "{total}명 중 {answered}명 답함",
  results_title: "결과",
  correct_answer: "정답",
  correct_count: "{count}명 정답",
  correct_names: "정답을 맞힌 학생",
  session_ended: "수업이 끝났어요.",
  fullscreen: "전체 화면",
  exit_fullscreen: "전체 화면 끝내기",
  slide_error: "화면을 불러오지 못했어요.",
  retry: "다시 시도",
  closed_4401: "다시 로그인하세요.",
  closed_4404: "이 수업을 찾을 수 없어요.",
};

/** A class member who has not joined, as the server lists them (status "absent", id = -(user id)). */
const absent = (userId: number, nickname: string, extra: Partial<RosterEntry> = {}): RosterEntry =>
  ({ id: -userId, nickname, status: "absent", hand: null, answered: false, ...extra }) as RosterEntry;

const CLASS: RosterEntry[] = [
  absent(41, "가람"),
  person(3, "윤슬기", { hand: "2026-11-25T10:00:01+09:00", answered: true }),
  absent(42, "Amy"),
  person(4, "나래", { status: "gone" }),
];

const stateWith = (roster: RosterEntry[], extra: Partial<LiveState> = {}): LiveState => ({
  ...fromSnapshot(baseSnapshot({ teacher: { code: "7KQ2MX", open: false, roster: [], tally: null } }) as never),
  teacher: { code: "7KQ2MX", open: false, roster, tally: null },
  ...extra,
});

const rows = (testid: string) => Array.from($(testid).querySelectorAll<HTMLElement>("li"));
const names = (testid: string) => rows(testid).map((row) => row.querySelector(".live-person-name")?.textContent);

afterEach(() => {
  document.body.innerHTML = "";
});

describe("the roster with the whole class", () => {
  let sent: TeacherFrame[];
  let panel: RosterPanel;

  beforeEach(() => {
    const root = renderConsolePage({ ...CONSOLE_LABELS, ...VIEW_LABELS });
    sent = [];
    panel = new RosterPanel({
      root,
      labels: { ...readLabels(document, CONSOLE_LABEL_KEYS), ...readLabels(document, CONSOLE_VIEW_LABEL_KEYS) },
      roster: () => CLASS,
      act: (frame) => sent.push(frame),
      confirm: async () => true,
      announce: () => undefined,
    });
  });

  it("lists those not joined greyed out after those who joined, and counts the class", () => {
    panel.render(stateWith(CLASS), false);
    expect(names("roster")).toEqual(["나래", "윤슬기", "가람", "Amy"]);
    expect(rows("roster").map((row) => row.dataset.status)).toEqual(["gone", "connected", "absent", "absent"]);
    const notJoined = rows("roster")[2]!;
    expect(notJoined.dataset.participantId).toBe("-41");
    expect(notJoined.querySelector("[data-live-status]")?.textContent).toBe("미접속");
    expect(notJoined.querySelector("[data-live-status]")?.className).toBe("live-badge live-status-absent");
    expect(notJoined.querySelector<HTMLElement>('[data-testid="remove"]')!.hidden).toBe(true);
    expect(notJoined.querySelector<HTMLElement>("[data-live-hand-mark]")!.hidden).toBe(true);
    expect(document.querySelector("[data-live-roster-count]")?.textContent).toBe("4명 중 1명 접속");
    expect(document.querySelector<HTMLElement>("[data-live-roster-empty]")!.hidden).toBe(true);
  });

  it("never sends a frame about someone who has not joined", async () => {
    const bogus = [absent(41, "가람", { hand: "2026-11-25T10:00:00+09:00" }), ...CLASS.slice(1)];
    panel.render(stateWith(bogus), false);
    expect(names("hand-queue")).toEqual(["윤슬기"]); // a hand "raised" by an absent entry is not queued
    for (const button of Array.from(document.querySelectorAll<HTMLButtonElement>("[data-participant-id^='-'] button"))) {
      button.hidden = false;
      button.click();
    }
    await flush();
    expect(sent).toEqual([]);
  });

  it("marks a raised hand with an icon that needs no emoji font", () => {
    panel.render(stateWith(CLASS), false);
    const mark = rows("roster")[1]!.querySelector<HTMLElement>("[data-live-hand-mark]")!;
    expect(mark.hidden).toBe(false);
    expect(mark.querySelector("svg")?.getAttribute("aria-hidden")).toBe("true");
    expect(mark.textContent).toBe("손 듦"); // the visually hidden words, no ✋
    expect(document.body.textContent).not.toContain("✋");
  });

  it("empties the hand queue once the session has ended", () => {
    panel.render(stateWith(CLASS), false);
    expect(names("hand-queue")).toEqual(["윤슬기"]);
    panel.render(stateWith(CLASS, { state: "ended" }), true);
    expect(rows("hand-queue")).toEqual([]);
    expect(document.querySelector<HTMLElement>("[data-live-hands-empty]")!.hidden).toBe(false);
  });
});

describe("the console", () => {
  let page: LiveConsole | null = null;
  let slides: FakeSlides;

  beforeEach(() => {
    FakeWebSocket.reset();
    slides = fakeSlides();
  });

  afterEach(() => {
    page?.destroy();
    page = null;
  });

  async function open(snapshot: Record<string, unknown>): Promise<FakeWebSocket> {
    const root = renderConsolePage({ ...CONSOLE_LABELS, ...VIEW_LABELS });
    root.dataset.slideListUrl = "/live/12/slides/";
    page = mountLiveConsole(root, {
      WebSocketImpl: FakeWebSocket,
      location: { href: "https://school.example/live/12/console/" },
      fetch: slides.fetch,
      now: () => 1_764_050_000_000,
      generateId: () => "x",
    });
    const ws = FakeWebSocket.last;
    ws.serverOpen();
    ws.serverSend(snapshot);
    await page.settled();
    await flush();
    return ws;
  }

  const revealed = {
    block: "b-mc",
    kind: "multiple_choice",
    anonymous: true,
    answered: 2,
    total: 2,
    correct_count: 1,
    answer: "0.75",
    explanation: "",
    distribution: [
      { label: "0.75", count: 1 },
      { label: "0.34", count: 1 },
    ],
  };
  const tally = { block: "b-mc", answered: 2, total: 2, correct: 1, distribution: revealed.distribution };

  it("drops the last question's tally and results when the slide moves on, and shows them again on its slide", async () => {
    const roster = [person(3, "윤슬기", { answered: true }), person(4, "나래", { answered: true })];
    const ws = await open(
      baseSnapshot({
        question: { block: "", kind: "", deadline: null, revealed: true },
        results: revealed,
        teacher: { code: "7KQ2MX", open: false, roster, tally },
      }),
    );
    expect($("tally-answered").textContent).toBe("2 / 2");
    expect($("tally-bars").querySelectorAll("li")).toHaveLength(2);
    expect($("results").hidden).toBe(false);

    ws.serverSend({ type: "event", version: 11, kind: "slide.changed", data: { index: 2 } });
    await page!.settled();
    await flush();
    expect($("preview").dataset.index).toBe("2");
    expect($("tally-bars").querySelectorAll("li")).toHaveLength(0);
    expect($("tally-correct").textContent).toBe("–");
    expect($("tally-answered").textContent).toBe("0 / 2");
    expect($("results").hidden).toBe(true);
    expect($("question-status").dataset.question).toBe("none");

    ws.serverSend({ type: "event", version: 12, kind: "slide.changed", data: { index: 1 } });
    await page!.settled();
    await flush();
    expect($("tally-bars").querySelectorAll("li")).toHaveLength(2); // its slide again: its results
    expect($("results").hidden).toBe(false);
  });

  it("keeps an open question's tally on another slide (it still collects answers)", async () => {
    const ws = await open(
      baseSnapshot({
        question: { block: "b-mc", kind: "multiple_choice", deadline: null, revealed: false },
        teacher: { code: "7KQ2MX", open: false, roster: [person(3, "윤슬기", { answered: true })], tally },
      }),
    );
    ws.serverSend({ type: "event", version: 11, kind: "slide.changed", data: { index: 2 } });
    await page!.settled();
    await flush();
    expect($("tally-bars").querySelectorAll("li")).toHaveLength(2);
    expect($("close-question").hidden).toBe(false);
  });

  it("empties the hand queue at the end", async () => {
    const roster = [person(3, "윤슬기", { hand: "2026-11-25T10:00:01+09:00" })];
    const ws = await open(baseSnapshot({ teacher: { code: "7KQ2MX", open: false, roster, tally: null } }));
    expect(rows("hand-queue")).toHaveLength(1);
    ws.serverSend({ type: "event", version: 11, kind: "session.state", data: { state: "ended" } });
    expect(rows("hand-queue")).toHaveLength(0);
  });

  it("fetches the slide list again when the lesson's slide count changes, and after a reconnect", async () => {
    const listed = { slides: [0, 1, 2, 3].map((index) => ({ index, title: `화면${index + 1}` })) };
    const original = slides.fetch;
    const asked: string[] = [];
    slides.fetch = ((input: string, init: RequestInit) => {
      if (input === "/live/12/slides/") {
        asked.push(input);
        return Promise.resolve(new Response(JSON.stringify(listed), { status: 200, headers: { "Content-Type": "application/json" } }));
      }
      return original(input, init);
    }) as typeof slides.fetch;
    const ws = await open(baseSnapshot({ slide: { index: 1, count: 4 }, teacher: { code: "7KQ2MX", open: false, roster: [], tally: null } }));
    expect(asked).toHaveLength(1);
    const options = Array.from($<HTMLSelectElement>("jump").options).map((o) => o.textContent);
    expect(options).toEqual(["1. 화면1", "2. 화면2", "3. 화면3", "4. 화면4"]);
    expect($<HTMLSelectElement>("jump").value).toBe("1");
    ws.serverSend(baseSnapshot({ version: 12, slide: { index: 1, count: 4 }, teacher: { code: "7KQ2MX", open: false, roster: [], tally: null } }));
    await flush();
    expect(asked).toHaveLength(2); // a second snapshot: a reconnect; the lesson may have changed meanwhile
  });

  it("reads only a well-formed slide list", () => {
    expect(parseSlideList({ slides: [{ index: 0, title: "a" }] })).toEqual([{ index: 0, title: "a" }]);
    expect(parseSlideList({ slides: [{ index: -1, title: "a" }] })).toBeNull();
    expect(parseSlideList({ slides: [{ index: 0 }] })).toBeNull();
    expect(parseSlideList(null)).toBeNull();
  });
});

function renderProjectorPage(): HTMLElement {
  document.body.innerHTML = `
    <script type="application/json" id="live-labels">${JSON.stringify(PROJECTOR_LABELS)}</script>
    <main class="projector" data-live-projector data-session-id="12" data-ws-path="/ws/live/12/" data-slide-url="/live/12/slides/" data-state="lobby">
      <p data-live-slide-no data-testid="slide-no"></p>
      <p class="live-connection" data-live-connection data-testid="connection" data-state="reconnecting"></p>
      <button type="button" data-live-fullscreen data-testid="fullscreen" hidden>전체 화면</button>
      <div class="live-alert" role="alert" data-live-error data-testid="error"></div>
      <p data-live-waiting data-testid="waiting">곧 시작해요</p>
      <div data-live-slide data-testid="slide" hidden></div>
      <section data-live-join data-testid="join"><p data-testid="code">7KQ2MX</p></section>
      <p data-live-question data-testid="question" hidden></p>
      <p role="timer" data-live-countdown data-testid="countdown" hidden></p>
      <p data-live-answered data-testid="answered" hidden></p>
      <section data-live-results data-testid="results" hidden></section>
      <section data-live-ended data-testid="ended" hidden><h2>수업이 끝났어요.</h2></section>
    </main>`;
  return document.querySelector<HTMLElement>("[data-live-projector]")!;
}

describe("the projector", () => {
  let page: LiveProjector | null = null;
  let slides: FakeSlides;
  const NOW = 1_764_050_000_000;

  beforeEach(() => {
    FakeWebSocket.reset();
    slides = fakeSlides();
  });

  afterEach(() => {
    page?.destroy();
    page = null;
  });

  async function open(snapshot: Record<string, unknown>): Promise<FakeWebSocket> {
    page = mountLiveProjector(renderProjectorPage(), {
      WebSocketImpl: FakeWebSocket,
      location: { href: "https://school.example/live/12/present/" },
      fetch: slides.fetch,
      now: () => NOW,
    });
    const ws = FakeWebSocket.last;
    ws.serverOpen();
    ws.serverSend(snapshot);
    await page.settled();
    await flush();
    return ws;
  }

  const teacher = (tally: unknown = null) => ({
    code: "7KQ2MX",
    open: false,
    roster: [person(3, "윤슬기", { answered: true }), person(4, "나래")],
    tally,
  });

  it("shows the code in the lobby, then the slide, the timer and how many answered; it sends nothing", async () => {
    const ws = await open(baseSnapshot({ state: "lobby", slide: { index: 0, count: 3 }, teacher: teacher() }));
    expect(ws.url).toBe("wss://school.example/ws/live/12/");
    expect($("waiting").hidden).toBe(false);
    expect($("slide").hidden).toBe(true);
    ws.serverSend(
      baseSnapshot({
        version: 11,
        server_time: NOW,
        question: { block: "b-mc", kind: "multiple_choice", deadline: NOW + 45_000, revealed: false },
        teacher: teacher({ block: "b-mc", answered: 1, total: 2, correct: 1, distribution: [] }),
      }),
    );
    await page!.settled();
    await flush();
    expect($("waiting").hidden).toBe(true);
    expect($("slide").hidden).toBe(false);
    expect($("slide-no").textContent).toBe("2 / 3");
    expect($("slide").querySelector<HTMLFormElement>("form[data-block='b-mc']")!.dataset.question).toBe("open");
    expect($("slide").querySelector<HTMLFormElement>("form[data-block='b-mc']")!.getAttribute("aria-disabled")).toBe("true");
    expect($("countdown").hidden).toBe(false);
    expect($("countdown").textContent).toBe("0:45");
    expect($("answered").textContent).toBe("2명 중 1명 답함");
    expect($("question").hidden).toBe(false);
    expect(document.body.textContent).not.toContain("윤슬기"); // nothing personal
    expect(ws.sentJson.filter((f) => (f as { type: string }).type !== "snapshot.get")).toEqual([]);
  });

  it("charts revealed results with the correct answer marked, names only when shown, and drops them on the next slide", async () => {
    const results = {
      block: "b-mc",
      kind: "multiple_choice",
      anonymous: false,
      answered: 2,
      total: 2,
      correct_count: 1,
      answer: "0.75",
      explanation: "",
      distribution: [
        { label: "0.34", count: 1 },
        { label: "0.75", count: 1 },
      ],
      names: ["윤슬기"],
    };
    const ws = await open(baseSnapshot({ question: { block: "", kind: "", deadline: null, revealed: true }, results, teacher: teacher() }));
    expect($("results").hidden).toBe(false);
    const bars = Array.from($("results").querySelectorAll<HTMLElement>(".live-bar"));
    expect(bars.map((bar) => [bar.dataset.label, bar.dataset.correct ?? ""])).toEqual([
      ["0.34", ""],
      ["0.75", "true"],
    ]);
    expect($("results").textContent).toContain("정답: 0.75");
    expect($("results").textContent).toContain("1명 정답");
    expect($("results").querySelector(".live-names")?.textContent).toContain("윤슬기"); // the teacher showed names
    expect($("countdown").hidden).toBe(true);
    ws.serverSend({ type: "event", version: 11, kind: "slide.changed", data: { index: 2 } });
    await page!.settled();
    await flush();
    expect($("results").hidden).toBe(true);
    ws.serverSend({ type: "event", version: 12, kind: "session.state", data: { state: "ended" } });
    expect($("ended").hidden).toBe(false);
    expect($("slide").hidden).toBe(true);
    expect($("join").hidden).toBe(true);
  });

  it("marks no answer of a poll as correct", () => {
    expect(isCorrectLabel("쉬워요", { answer: "", kind: "poll", correct_count: null })).toBe(false);
    expect(isCorrectLabel("0.75", { answer: "0.75, 3/4", kind: "numeric", correct_count: 1 })).toBe(true);
    expect(isCorrectLabel("가, 나", { answer: "가, 나", kind: "multiple_choice", correct_count: 0 })).toBe(true);
    expect(isCorrectLabel("가", { answer: "가, 나", kind: "multiple_choice", correct_count: 0 })).toBe(false);
  });
});

describe("the student's hand while screens are locked", () => {
  let page: LiveStudent | null = null;

  afterEach(() => {
    page?.destroy();
    page = null;
  });

  it("stays outside the locked part, so a hand goes up while locked", async () => {
    FakeWebSocket.reset();
    page = mountLiveStudent(renderStudentPage(), {
      WebSocketImpl: FakeWebSocket,
      location: { href: "https://school.example/live/12/" },
      storage: null,
      fetch: fakeSlides().fetch,
      now: () => 1_764_050_000_000,
    });
    const ws = FakeWebSocket.last;
    ws.serverOpen();
    ws.serverSend(baseSnapshot({ locked: true, me: { participant: 3, nickname: "윤슬기", hand: false, answers: {} } }));
    await page.settled();
    const root = document.querySelector<HTMLElement>("[data-live-student]")!;
    expect($("lock-overlay").hidden).toBe(false);
    expect(document.querySelector<HTMLElement>("[data-live-body]")!.inert).toBe(true);
    expect(root.dataset.locked).toBe("true");
    const hand = $<HTMLButtonElement>("hand");
    expect(hand.closest("[data-live-body]")).toBeNull();
    expect(hand.querySelector("svg")).not.toBeNull(); // an icon, no emoji
    expect(hand.textContent).toBe("손 들기");
    hand.click();
    expect(ws.sentJson.at(-1)).toEqual({ type: "hand.raise", raised: true });
    ws.serverSend({ type: "event", version: 11, kind: "session.state", data: { state: "ended" } });
    expect(document.querySelector<HTMLElement>("[data-live-hand-bar]")!.hidden).toBe(true);
  });
});

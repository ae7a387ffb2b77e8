// @vitest-environment jsdom
// jsdom: the preview shows server HTML through DOMPurify (see tests/sanitise-fails-closed.test.ts).
import "./helpers/standards-mode";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { mountLiveConsole, type LiveConsole } from "../src/live/console/mount";
import { FakeWebSocket } from "./helpers/fake-websocket";
import { $, baseSnapshot, CONSOLE_LABELS as L, fakeSlides, renderConsolePage, type FakeSlides } from "./helpers/live-pages";

const announced = () => document.querySelector("[data-live-announce]")?.textContent ?? "";
const actions = (ws: FakeWebSocket) => ws.sentJson.filter((f) => (f as { type: string }).type !== "snapshot.get") as Array<Record<string, unknown>>;
const dialog = () => $<HTMLDialogElement>("confirm");

const roster = [
  { id: 3, nickname: "윤슬기", status: "connected", hand: "2026-11-25T10:00:01+09:00", answered: false },
  { id: 4, nickname: "김하늘", status: "reconnecting", hand: null, answered: true },
];
const teacher = (extra: Record<string, unknown> = {}) => ({ code: "7KQ2MX", open: false, roster, tally: null, ...extra });
const consoleSnapshot = (extra: Record<string, unknown> = {}) => baseSnapshot({ teacher: teacher(), ...extra });

let page: LiveConsole | null = null;
let slides: FakeSlides;
let ids = 0;

function mount(): FakeWebSocket {
  page = mountLiveConsole(renderConsolePage(), {
    WebSocketImpl: FakeWebSocket,
    location: { href: "https://school.example/live/12/console/" },
    fetch: slides.fetch,
    now: () => 1_764_050_000_000,
    generateId: () => `a${++ids}`,
  });
  return FakeWebSocket.last;
}

/** Mounts, connects and delivers a snapshot; waits for the preview's slide. */
async function open(snapshot: Record<string, unknown> = consoleSnapshot()): Promise<FakeWebSocket> {
  const ws = mount();
  ws.serverOpen();
  ws.serverSend(snapshot);
  await page!.settled();
  return ws;
}

/** Lets the confirmation's promise settle. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

beforeEach(() => {
  FakeWebSocket.reset();
  slides = fakeSlides();
  ids = 0;
});

afterEach(() => {
  page?.destroy();
  page = null;
  document.body.innerHTML = "";
});

describe("connecting", () => {
  it("connects to the session's socket and shows the join code and the connection", async () => {
    const ws = mount();
    expect(ws.url).toBe("wss://school.example/ws/live/12/");
    expect($("connection").dataset.state).toBe("reconnecting");
    expect(document.querySelector<HTMLElement>("[data-live-console]")!.dataset.ready).toBe("1");
    ws.serverOpen();
    expect($("connection").textContent).toBe(L.conn_open);
    ws.serverSend(consoleSnapshot({ state: "lobby", slide: { index: 0, count: 3 } }));
    await page!.settled();
    expect($("code").textContent).toBe("7KQ2MX");
    expect(document.querySelector("[data-live-state-label]")?.textContent).toBe(L.state_lobby);
    expect(document.querySelector<HTMLDetailsElement>("[data-live-join]")!.open).toBe(true);
  });

  it("starts the lesson from the lobby, then folds the join panel away", async () => {
    const ws = await open(consoleSnapshot({ state: "lobby", slide: { index: 0, count: 3 } }));
    expect($("start").hidden).toBe(false);
    $("start").click();
    expect(actions(ws)).toEqual([{ type: "session.run", id: "a1" }]);
    ws.serverSend({ type: "event", version: 11, kind: "session.state", data: { state: "running" } });
    expect($("start").hidden).toBe(true);
    expect(document.querySelector<HTMLDetailsElement>("[data-live-join]")!.open).toBe(false);
    expect(document.querySelector("[data-live-state-label]")?.textContent).toBe(L.state_running);
  });

  it("does not act while disconnected, and says so", async () => {
    const ws = await open();
    ws.fail();
    $("next").click();
    expect($("error").textContent).toBe(L.not_connected);
    expect(actions(ws)).toEqual([]);
  });
});

describe("slides and questions", () => {
  it("previews the current slide with its forms inert and open controls after each question", async () => {
    await open();
    expect(slides.urls).toEqual(["/live/12/slides/1/"]);
    expect($("slide-no").textContent).toBe("2 / 3");
    const preview = $("preview");
    expect(preview.querySelector("script")).toBeNull();
    expect(preview.querySelector("img")?.hasAttribute("onerror")).toBe(false);
    const forms = Array.from(preview.querySelectorAll<HTMLFormElement>("form[data-activity]"));
    expect(forms.map((f) => f.getAttribute("aria-disabled"))).toEqual(["true", "true"]);
    expect(forms.every((f) => Array.from(f.querySelectorAll<HTMLInputElement>("input")).every((i) => i.disabled))).toBe(true);
    expect(forms.map((f) => (f.nextElementSibling as HTMLElement).dataset.liveActivity)).toEqual(["b-num", "b-mc"]);
  });

  it("goes to the previous, next or chosen slide", async () => {
    const ws = await open();
    $("prev").click();
    $("next").click();
    $<HTMLSelectElement>("jump").value = "2";
    document.querySelector<HTMLFormElement>("[data-live-jump-form]")!.requestSubmit();
    expect(actions(ws)).toEqual([
      { type: "slide.goto", index: 0, id: "a1" },
      { type: "slide.goto", index: 2, id: "a2" },
      { type: "slide.goto", index: 2, id: "a3" },
    ]);
    ws.serverSend({ type: "event", version: 11, kind: "slide.changed", data: { index: 2 } });
    await page!.settled();
    expect($("preview").dataset.index).toBe("2");
    expect($<HTMLButtonElement>("next").disabled).toBe(true);
  });

  it("opens a question with a timer, follows it open, then closed", async () => {
    const ws = await open();
    const controls = document.querySelector<HTMLElement>('[data-live-activity="b-mc"]')!;
    controls.querySelector<HTMLSelectElement>("select")!.value = "30";
    controls.querySelector<HTMLButtonElement>('[data-testid="open-question"]')!.click();
    expect(actions(ws)).toEqual([{ type: "question.open", block: "b-mc", seconds: 30, id: "a1" }]);
    const deadline = new Date(1_764_050_000_000 + 30_000).toISOString();
    ws.serverSend({ type: "event", version: 11, kind: "question.opened", data: { block: "b-mc", kind: "multiple_choice", deadline } });
    expect($("question-status").textContent).toBe("2번 문제가 열려 있어요.");
    expect($("countdown").textContent).toBe("0:30");
    expect(controls.querySelector<HTMLElement>("[data-live-open-badge]")!.hidden).toBe(false);
    ws.serverSend({ type: "tally", block: "b-mc", answered: 1, total: 2, correct: 1, distribution: [{ label: "0.75", count: 1 }] });
    expect($("tally-answered").textContent).toBe("1 / 2");
    $("close-question").click();
    expect(actions(ws).at(-1)).toEqual({ type: "question.close", id: "a2" });
    ws.serverSend({ type: "event", version: 12, kind: "question.closed", data: { block: "b-mc" } });
    expect($("question-status").textContent).toBe("2번 문제를 닫았어요.");
    expect($("countdown").hidden).toBe(true);
    expect($("close-question").hidden).toBe(true);
  });

  it("shows the server's refusal of an action", async () => {
    const ws = await open();
    ws.serverSend({ type: "error", code: "question_closed", message: "이미 닫혔어요.", ref: "a1" });
    expect($("error").textContent).toBe("이미 닫혔어요.");
  });
});

describe("students", () => {
  it("shows the roster and the hand queue from the snapshot and roster frames", async () => {
    const ws = await open();
    expect(Array.from($("roster").querySelectorAll("li")).map((li) => li.querySelector(".live-person-name")?.textContent)).toEqual(["김하늘", "윤슬기"]);
    expect(Array.from($("hand-queue").querySelectorAll("li")).map((li) => li.textContent)).toContain(`윤슬기${L.lower_hand}`);
    ws.serverSend({ type: "roster", participants: [...roster, { id: 5, nickname: "Amy", status: "connected", hand: "2026-11-25T10:00:09+09:00", answered: false }] });
    expect(announced()).toBe("Amy 학생이 손을 들었어요.");
    expect(document.querySelector("[data-live-roster-count]")?.textContent).toBe("3명 중 2명 접속");
  });

  it("asks before removing a student: Cancel keeps them, OK removes them", async () => {
    const ws = await open();
    const remove = () => $("roster").querySelector<HTMLButtonElement>('[data-participant-id="3"] [data-testid="remove"]')!;
    remove().focus();
    remove().click();
    expect(dialog().hasAttribute("open")).toBe(true);
    expect(dialog().textContent).toContain("윤슬기 학생을 내보낼까요?");
    expect(document.activeElement).toBe($("confirm-cancel"));
    $("confirm-cancel").click();
    await settle();
    expect(actions(ws)).toEqual([]);
    expect(dialog().hasAttribute("open")).toBe(false);
    expect(document.activeElement).toBe(remove());
    remove().click();
    $("confirm-ok").click();
    await settle();
    expect(actions(ws)).toEqual([{ type: "participant.remove", participant: 3, id: "a1" }]);
  });

  it("lowers a raised hand", async () => {
    const ws = await open();
    $("hand-queue").querySelector<HTMLButtonElement>('[data-testid="lower-hand"]')!.click();
    expect(actions(ws)).toEqual([{ type: "hand.lower", participant: 3, id: "a1" }]);
  });

  it("locks and unlocks the students' screens", async () => {
    const ws = await open();
    $("lock").click();
    expect(actions(ws)).toEqual([{ type: "screen.lock", locked: true, id: "a1" }]);
    ws.serverSend({ type: "event", version: 11, kind: "screen.locked", data: { locked: true } });
    expect($("lock").getAttribute("aria-pressed")).toBe("true");
    expect($("lock").textContent).toBe(L.unlock);
    expect(announced()).toBe(L.locked);
  });
});

describe("the end", () => {
  it("asks before ending: Escape cancels and gives the focus back, OK ends", async () => {
    const ws = await open();
    $("end").focus();
    $("end").click();
    expect(dialog().textContent).toContain(L.confirm_end);
    const escape = new Event("cancel", { cancelable: true }); // what the browser sends on Escape
    dialog().dispatchEvent(escape);
    await settle();
    expect(escape.defaultPrevented).toBe(true);
    expect(actions(ws)).toEqual([]);
    expect(document.activeElement).toBe($("end"));
    $("end").click();
    $("confirm-ok").click();
    await settle();
    expect(actions(ws)).toEqual([{ type: "session.end", id: "a1" }]);
  });

  it("once ended, disables the console, offers the report and stops reconnecting", async () => {
    const ws = await open();
    ws.serverSend({ type: "event", version: 11, kind: "session.state", data: { state: "ended" } });
    const root = document.querySelector<HTMLElement>("[data-live-console]")!;
    expect(root.dataset.state).toBe("ended");
    expect($("report-link").hidden).toBe(false);
    expect(document.activeElement).toBe($("report-link"));
    expect($("end").hidden).toBe(true);
    expect($("connection").hidden).toBe(true);
    expect(announced()).toBe(L.session_ended);
    const buttons = Array.from(root.querySelectorAll<HTMLButtonElement>("button")).filter((b) => !dialog().contains(b));
    expect(buttons.every((b) => b.disabled)).toBe(true);
    expect($<HTMLButtonElement>("confirm-ok").disabled).toBe(false);
    expect(document.querySelector("[data-live-roster-count]")?.textContent).toBe("");
    expect(page!.socket.state).toBe("closed");
    expect(FakeWebSocket.instances).toHaveLength(1);
  });

  it("treats a normal close as the end even before any state", () => {
    const ws = mount();
    ws.serverClose(1000);
    expect(document.querySelector<HTMLElement>("[data-live-console]")!.dataset.state).toBe("ended");
    expect($("report-link").hidden).toBe(false);
    expect($("start").hidden).toBe(true);
  });

  it.each([
    [4401, L.closed_4401],
    [4404, L.closed_4404],
  ])("stops on close %d with a message", (code, text) => {
    const ws = mount();
    ws.serverClose(code);
    expect($("error").textContent).toBe(text);
    $("start").click();
    expect($("error").textContent).toBe(L.not_connected);
  });
});

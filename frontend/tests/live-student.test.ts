// @vitest-environment jsdom
import "./helpers/standards-mode";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { mountLiveStudent, outboxKey, RATE_LIMIT_RESEND_MS, type LiveStudent } from "../src/live/student/mount";
import { FakeWebSocket } from "./helpers/fake-websocket";
import { $, baseSnapshot, fakeSlides, renderStudentPage, STUDENT_LABELS as L, type FakeSlides } from "./helpers/live-pages";
import { MemoryStorage } from "./helpers/memory-storage";

const form = (block: string) => document.querySelector<HTMLFormElement>(`form[data-block="${block}"]`)!;
const status = (block: string) => form(block).querySelector<HTMLElement>('[data-testid="answer-status"]')!;
const note = (block: string) => form(block).querySelector<HTMLElement>("[data-live-note]")!;
const input = (block: string) => form(block).querySelector<HTMLInputElement>('input[name="answer"]')!;
const submitted = (ws: FakeWebSocket) => ws.sentJson.filter((f) => (f as { type: string }).type === "answer.submit") as Array<{ id: string; block: string; answer: unknown }>;

const me = (answers: Record<string, unknown> = {}, hand = false) => ({ participant: 3, nickname: "윤슬기", hand, answers });
const studentSnapshot = (extra: Record<string, unknown> = {}) => baseSnapshot({ me: me(), ...extra });
const opened = (version: number, block = "b-num", deadline: string | null = null, kind = "numeric") => ({
  type: "event",
  version,
  kind: "question.opened",
  data: { block, kind, deadline },
});

let page: LiveStudent | null = null;
let slides: FakeSlides;
let storage: MemoryStorage;
let clock = 1_764_050_000_000;
let ids = 0;

function mount(): FakeWebSocket {
  page = mountLiveStudent(renderStudentPage(), {
    WebSocketImpl: FakeWebSocket,
    storage,
    location: { href: "https://school.example/live/12/" },
    fetch: slides.fetch,
    now: () => clock,
    generateId: () => `00000000-0000-4000-8000-${String(++ids).padStart(12, "0")}`,
  });
  return FakeWebSocket.last;
}

/** Mounts, connects and delivers a snapshot; waits for its slide. */
async function join(snapshot: Record<string, unknown> = studentSnapshot()): Promise<FakeWebSocket> {
  const ws = mount();
  ws.serverOpen();
  ws.serverSend(snapshot);
  await page!.settled();
  return ws;
}

/** Plays the socket's reconnect: the backoff timer fires and the server accepts. */
function reconnect(): FakeWebSocket {
  vi.runOnlyPendingTimers();
  const ws = FakeWebSocket.last;
  ws.serverOpen();
  return ws;
}

beforeEach(() => {
  FakeWebSocket.reset();
  slides = fakeSlides();
  storage = new MemoryStorage();
  clock = 1_764_050_000_000;
  ids = 0;
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "setInterval", "clearInterval"] });
});

afterEach(() => {
  page?.destroy();
  page = null;
  vi.useRealTimers();
  document.body.innerHTML = "";
});

describe("joining", () => {
  it("connects to the session's socket and shows the connection state", () => {
    const ws = mount();
    expect(ws.url).toBe("wss://school.example/ws/live/12/");
    expect($("connection").dataset.state).toBe("reconnecting");
    expect($("connection").textContent).toBe(L.conn_connecting);
    ws.serverOpen();
    expect($("connection").dataset.state).toBe("open");
    expect($("connection").textContent).toBe(L.conn_open);
    ws.fail();
    expect($("connection").dataset.state).toBe("reconnecting");
  });

  it("waits in the lobby without fetching a slide", async () => {
    await join(studentSnapshot({ state: "lobby", slide: { index: 0, count: 3 } }));
    expect($("lobby").hidden).toBe(false);
    expect($("slide").hidden).toBe(true);
    expect(slides.urls).toEqual([]);
  });

  it("shows only the current slide, with math rendered and nothing executable", async () => {
    await join();
    expect(slides.urls).toEqual(["/live/12/slides/1/"]);
    expect($("lobby").hidden).toBe(true);
    expect($("slide").hidden).toBe(false);
    expect($("slide").dataset.index).toBe("1");
    expect(document.querySelector('[data-live-slide-no]')?.textContent).toBe("2 / 3");
    expect($("slide").querySelector("script")).toBeNull();
    expect($("slide").querySelector("img")?.hasAttribute("onerror")).toBe(false);
  });

  it("follows slide changes and ignores a slower, older response", async () => {
    const ws = await join(studentSnapshot({ slide: { index: 0, count: 3 } }));
    slides.hold = true;
    ws.serverSend({ type: "event", version: 11, kind: "slide.changed", data: { index: 1 } });
    ws.serverSend({ type: "event", version: 12, kind: "slide.changed", data: { index: 2 } });
    slides.release(); // slide 2 answers first, then slide 1
    await page!.settled();
    await vi.waitFor(() => expect(slides.urls).toEqual(["/live/12/slides/0/", "/live/12/slides/1/", "/live/12/slides/2/"]));
    await Promise.resolve();
    expect($("slide").dataset.index).toBe("2");
    expect(form("b-poll")).not.toBeNull();
    expect(form("b-num")).toBeNull();
  });

  it("offers a retry when the slide cannot be loaded", async () => {
    slides.status = 500;
    await join();
    expect($("slide").textContent).toContain(L.slide_error);
    slides.status = 200;
    $("slide").querySelector("button")!.click();
    await page!.settled();
    expect($("slide").dataset.index).toBe("1");
  });
});

describe("answering", () => {
  it("keeps a question's form closed until the teacher opens it", async () => {
    const ws = await join();
    expect(input("b-num").disabled).toBe(true);
    expect(note("b-num").textContent).toBe(L.waiting_question);
    ws.serverSend(opened(11));
    expect(input("b-num").disabled).toBe(false);
    expect(note("b-num").hidden).toBe(true);
    expect(form("b-num").dataset.question).toBe("open");
    expect(input("b-mc").disabled).toBe(true);
    expect(note("b-mc").textContent).toBe(L.waiting_question);
  });

  it("sends an answer with a client id, shows it as sending, then saved on the ack", async () => {
    const ws = await join();
    ws.serverSend(opened(11));
    input("b-num").value = "0.75";
    form("b-num").requestSubmit();
    const [frame] = submitted(ws);
    expect(frame).toEqual({
      type: "answer.submit",
      id: "00000000-0000-4000-8000-000000000001",
      block: "b-num",
      answer: "0.75",
      attempt: 1,
    });
    expect(status("b-num").dataset.state).toBe("pending");
    expect(status("b-num").textContent).toBe(L.sending);
    expect(input("b-num").disabled).toBe(true); // one answer per question
    form("b-num").requestSubmit();
    expect(submitted(ws)).toHaveLength(1);
    ws.serverAck(frame!.id, { duplicate: false });
    expect(status("b-num").dataset.state).toBe("acked");
    expect(status("b-num").textContent).toBe(L.saved);
    expect(storage.data.size).toBe(0);
  });

  it("does not send an empty answer", async () => {
    const ws = await join();
    ws.serverSend(opened(11, "b-mc", null, "multiple_choice"));
    form("b-mc").requestSubmit();
    expect(submitted(ws)).toEqual([]);
    expect(status("b-mc").dataset.state).toBe("error");
    expect(status("b-mc").textContent).toBe(L.answer_required);
    form("b-mc").querySelector<HTMLInputElement>('input[value="2"]')!.click();
    form("b-mc").requestSubmit();
    expect(submitted(ws).map((f) => f.answer)).toEqual([[2]]);
  });

  it("re-sends an unacknowledged answer with the same id after a reconnect, until acked", async () => {
    const ws = await join();
    ws.serverSend(opened(11));
    input("b-num").value = "3/4";
    form("b-num").requestSubmit();
    const id = submitted(ws)[0]!.id;
    ws.fail(); // the ack never came
    expect(status("b-num").dataset.state).toBe("pending");
    const again = reconnect();
    expect(submitted(again)).toEqual([{ type: "answer.submit", id, block: "b-num", answer: "3/4", attempt: 1 }]);
    again.serverSend(studentSnapshot({ version: 11, question: { block: "b-num", kind: "numeric", deadline: null, revealed: false } }));
    expect(status("b-num").dataset.state).toBe("pending");
    again.serverAck(id, { duplicate: true });
    expect(status("b-num").dataset.state).toBe("acked");
    const third = (again.fail(), reconnect());
    expect(submitted(third)).toEqual([]); // acknowledged: never sent again
  });

  it("after a reload shows the unsent answer as sending and sends it", async () => {
    const first = await join();
    first.serverSend(opened(11));
    input("b-num").value = "0.75";
    form("b-num").requestSubmit();
    const id = submitted(first)[0]!.id;
    page!.destroy(); // the tab reloads before the ack
    FakeWebSocket.reset();
    expect(JSON.parse(storage.data.get(outboxKey("12", "3"))!)).toHaveLength(1);

    const ws = mount();
    ws.serverOpen();
    expect(submitted(ws).map((f) => f.id)).toEqual([id]);
    ws.serverSend(studentSnapshot({ version: 11, question: { block: "b-num", kind: "numeric", deadline: null, revealed: false } }));
    await page!.settled();
    expect(input("b-num").value).toBe("0.75");
    expect(status("b-num").dataset.state).toBe("pending");
    expect(input("b-num").disabled).toBe(true);
    ws.serverAck(id, { duplicate: false });
    expect(status("b-num").dataset.state).toBe("acked");
  });

  it("shows earlier answers from the snapshot, filled in and saved", async () => {
    await join(
      studentSnapshot({
        me: me({ "b-num": { answer: "0.75", correct: null }, "b-mc": { answer: [0, 2], correct: null } }),
        question: { block: "b-mc", kind: "multiple_choice", deadline: null, revealed: false },
      }),
    );
    expect(input("b-num").value).toBe("0.75");
    const checked = Array.from(form("b-mc").querySelectorAll<HTMLInputElement>("input:checked")).map((i) => i.value);
    expect(checked).toEqual(["0", "2"]);
    expect(status("b-mc").dataset.state).toBe("acked");
    expect(status("b-mc").textContent).toBe(L.saved);
    expect(input("b-mc").disabled).toBe(true); // already answered, although the question is open
  });

  it("shows a refusal with the server's message and drops the answer from the outbox", async () => {
    const ws = await join();
    ws.serverSend(opened(11));
    input("b-num").value = "abc";
    form("b-num").requestSubmit();
    const id = submitted(ws)[0]!.id;
    ws.serverSend({ type: "error", code: "invalid_answer", message: "숫자로 답하세요.", ref: id });
    expect(status("b-num").dataset.state).toBe("error");
    expect(status("b-num").textContent).toBe("숫자로 답하세요.");
    expect($("error").textContent).toBe("숫자로 답하세요.");
    expect($("error").getAttribute("role")).toBe("alert");
    expect(storage.data.size).toBe(0);
    expect(input("b-num").disabled).toBe(false); // may correct it and send again
    input("b-num").value = "0.75";
    form("b-num").requestSubmit();
    expect(submitted(ws).map((f) => f.answer)).toEqual(["abc", "0.75"]);
    expect(submitted(ws)[1]!.id).not.toBe(id);
  });

  it("asks for a snapshot when another device already answered", async () => {
    const ws = await join();
    ws.serverSend(opened(11));
    input("b-num").value = "0.7";
    form("b-num").requestSubmit();
    const id = submitted(ws)[0]!.id;
    ws.serverSend({ type: "error", code: "already_answered", message: "이미 답했어요.", ref: id });
    expect(ws.sentJson.at(-1)).toEqual({ type: "snapshot.get" });
    ws.serverSend(studentSnapshot({ version: 11, me: me({ "b-num": { answer: "0.75", correct: null } }), question: { block: "b-num", kind: "numeric", deadline: null, revealed: false } }));
    expect(status("b-num").dataset.state).toBe("acked");
    expect(input("b-num").value).toBe("0.75");
  });

  it("keeps an answer refused as too fast and sends it again shortly", async () => {
    const ws = await join();
    ws.serverSend(opened(11));
    input("b-num").value = "1";
    form("b-num").requestSubmit();
    const id = submitted(ws)[0]!.id;
    ws.serverSend({ type: "error", code: "rate_limited", message: "천천히", ref: id });
    expect(status("b-num").dataset.state).toBe("pending");
    vi.advanceTimersByTime(RATE_LIMIT_RESEND_MS);
    expect(submitted(ws).map((f) => f.id)).toEqual([id, id]);
  });
});

describe("timer", () => {
  it("counts down on the server's clock and closes the form when time is up", async () => {
    // The tablet's clock is 90 s behind the server's.
    clock = 1_764_050_000_000 - 90_000;
    const ws = await join();
    const deadline = new Date(1_764_050_000_000 + 30_000).toISOString();
    ws.serverSend(opened(11, "b-num", deadline));
    expect($("countdown").hidden).toBe(false);
    expect($("countdown").textContent).toBe("0:30");
    expect($("countdown").getAttribute("role")).toBe("timer");
    clock += 10_000;
    vi.advanceTimersByTime(250);
    expect($("countdown").textContent).toBe("0:20");
    expect(input("b-num").disabled).toBe(false);
    clock += 20_000;
    vi.advanceTimersByTime(250);
    expect($("countdown").textContent).toBe(L.time_up);
    expect(input("b-num").disabled).toBe(true);
    expect(note("b-num").textContent).toBe(L.time_up);
    ws.serverSend({ type: "event", version: 12, kind: "question.closed", data: { block: "b-num" } });
    expect($("countdown").hidden).toBe(true);
  });
});

describe("results", () => {
  const results = {
    block: "b-num",
    kind: "numeric",
    anonymous: false,
    answered: 3,
    total: 4,
    correct_count: 2,
    answer: "0.75",
    explanation: "<p>3÷4 = <b>0.75</b></p><script>window.hacked = 1</script>",
    distribution: [
      { label: "0.75", count: 2 },
      { label: "0.7", count: 1 },
    ],
    names: ["김하늘", "윤슬기"],
  };

  it("shows my verdict, the answer, the distribution and names from the event", async () => {
    const ws = await join();
    ws.serverSend(opened(11));
    input("b-num").value = "0.7";
    form("b-num").requestSubmit();
    ws.serverAck(submitted(ws)[0]!.id);
    ws.serverSend({ type: "event", version: 12, kind: "results.revealed", data: { block: "b-num", results: { ...results, names: undefined, anonymous: true }, mine: { correct: false } } });
    const box = $("results");
    expect(box.hidden).toBe(false);
    expect(box.querySelector("[data-mine]")?.getAttribute("data-mine")).toBe("incorrect");
    expect(box.textContent).toContain(L.incorrect);
    expect(box.querySelector('[data-testid="correct-answer"]')?.textContent).toBe(`${L.answer}: 0.75`);
    expect(box.querySelector(".explanation b")?.textContent).toBe("0.75");
    expect(box.querySelector("script")).toBeNull();
    expect(box.textContent).toContain("4명 중 3명 답함 · 2명 정답");
    expect(Array.from(box.querySelectorAll<HTMLElement>(".live-bar")).map((b) => [b.dataset.label, b.dataset.count])).toEqual([
      ["0.75", "2"],
      ["0.7", "1"],
    ]);
    expect(box.querySelector(".live-names")).toBeNull();
    expect(form("b-num").dataset.result).toBe("incorrect");
    expect(input("b-num").disabled).toBe(true);
  });

  it("shows names and my verdict from a snapshot after a reload", async () => {
    await join(
      studentSnapshot({
        me: me({ "b-num": { answer: "0.75", correct: true } }),
        question: { block: "", kind: "", deadline: null, revealed: true },
        results,
      }),
    );
    const box = $("results");
    expect(box.querySelector("[data-mine]")?.getAttribute("data-mine")).toBe("correct");
    expect(box.querySelector(".live-names")?.textContent).toBe(`${L.correct_names}: 김하늘, 윤슬기`);
    expect(form("b-num").dataset.result).toBe("correct");
  });

  it("says so when I did not answer, and hides results of another slide", async () => {
    const ws = await join();
    ws.serverSend({ type: "event", version: 11, kind: "results.revealed", data: { block: "b-num", results, mine: { correct: null } } });
    expect($("results").querySelector("[data-mine]")?.getAttribute("data-mine")).toBe("none");
    expect($("results").textContent).toContain(L.not_answered);
    ws.serverSend({ type: "event", version: 12, kind: "slide.changed", data: { index: 2 } });
    await page!.settled();
    expect($("results").hidden).toBe(true);
  });
});

describe("lock, hand, errors", () => {
  it("covers the screen while locked and closes the form", async () => {
    const ws = await join();
    ws.serverSend(opened(11));
    ws.serverSend({ type: "event", version: 12, kind: "screen.locked", data: { locked: true } });
    expect($("lock-overlay").hidden).toBe(false);
    expect(document.querySelector<HTMLElement>("[data-live-body]")!.inert).toBe(true);
    expect(input("b-num").disabled).toBe(true);
    expect(document.querySelector("[data-live-announce]")?.textContent).toBe(L.locked);
    ws.serverSend({ type: "event", version: 13, kind: "screen.locked", data: { locked: false } });
    expect($("lock-overlay").hidden).toBe(true);
    expect(input("b-num").disabled).toBe(false);
  });

  it("raises and lowers the hand", async () => {
    const ws = await join();
    const hand = $<HTMLButtonElement>("hand");
    expect(hand.textContent).toBe(L.raise_hand);
    hand.click();
    expect(ws.sentJson.at(-1)).toEqual({ type: "hand.raise", raised: true });
    expect(hand.getAttribute("aria-pressed")).toBe("true");
    expect(hand.textContent).toBe(L.lower_hand);
    expect(hand.disabled).toBe(true); // until the ack
    ws.serverSend({ type: "ack", ref: null, hand: true });
    expect(hand.disabled).toBe(false);
    hand.click();
    expect(ws.sentJson.at(-1)).toEqual({ type: "hand.raise", raised: false });
    ws.serverSend({ type: "error", code: "unknown_participant", message: "없는 학생", ref: null });
    expect(hand.getAttribute("aria-pressed")).toBe("true"); // refused: back as it was
    expect($("error").textContent).toBe("없는 학생");
  });

  it("does not pretend to raise a hand while offline", async () => {
    const ws = await join();
    ws.fail();
    $<HTMLButtonElement>("hand").click();
    expect($("hand").getAttribute("aria-pressed")).toBe("false");
    expect($("error").textContent).toBe(L.not_connected);
  });
});

describe("the end", () => {
  it("shows that the session ended and stops reconnecting", async () => {
    const ws = await join();
    ws.serverSend({ type: "event", version: 11, kind: "session.state", data: { state: "ended" } });
    expect($("ended").hidden).toBe(false);
    expect(document.querySelector<HTMLElement>("[data-live-body]")!.hidden).toBe(true);
    expect(page!.socket.state).toBe("closed");
    vi.runOnlyPendingTimers();
    expect(FakeWebSocket.instances).toHaveLength(1);
  });

  it("treats a normal close as the end even if the event was lost", async () => {
    const ws = await join();
    ws.serverClose(1000);
    expect($("ended").hidden).toBe(false);
  });

  it("shows removal on close 4403 (and on the removal event) without reconnecting", async () => {
    const ws = await join();
    ws.serverClose(4403);
    expect($("removed").hidden).toBe(false);
    expect($("ended").hidden).toBe(true);
    vi.runOnlyPendingTimers();
    expect(FakeWebSocket.instances).toHaveLength(1);
  });

  it("shows removal from the event", async () => {
    const ws = await join();
    ws.serverSend({ type: "event", version: 11, kind: "participant.removed", data: { participant: 3 } });
    expect($("removed").hidden).toBe(false);
  });

  it("ignores another participant's removal", async () => {
    const ws = await join();
    ws.serverSend({ type: "event", version: 11, kind: "participant.removed", data: { participant: 4 } });
    expect($("removed").hidden).toBe(true);
  });

  it.each([
    [4404, L.closed_4404],
    [4401, L.closed_4401],
  ])("stops on close %d with a message", async (code, text) => {
    const ws = mount();
    ws.serverClose(code);
    expect($("gone").hidden).toBe(false);
    expect($("gone").textContent).toContain(text);
    vi.runOnlyPendingTimers();
    expect(FakeWebSocket.instances).toHaveLength(1);
  });
});

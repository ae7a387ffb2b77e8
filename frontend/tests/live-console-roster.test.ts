import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CONSOLE_LABEL_KEYS } from "../src/live/console/labels";
import { RosterPanel } from "../src/live/console/roster";
import { readLabels } from "../src/live/labels";
import { type RosterEntry, type SnapshotFrame, type TeacherFrame } from "../src/live/protocol";
import { parseServerFrame } from "../src/live/parse";
import { fromSnapshot, type LiveState } from "../src/live/reconcile";
import { $, baseSnapshot, CONSOLE_LABELS as L, person, renderConsolePage } from "./helpers/live-pages";


/** A teacher's state with `roster`, as the client holds it after a snapshot. */
const stateWith = (roster: RosterEntry[]): LiveState =>
  fromSnapshot(parseServerFrame(baseSnapshot({ teacher: { code: "7KQ2MX", open: false, roster, tally: null } })) as SnapshotFrame);

const CLASS = [
  person(4, "학생10"),
  person(1, "김하늘", { status: "reconnecting", hand: "2026-11-25T10:00:05+09:00" }),
  person(3, "윤슬기", { hand: "2026-11-25T01:00:01Z", answered: true }),
  person(2, "Amy", { status: "gone" }),
];

const rows = (testid: string) => Array.from($(testid).querySelectorAll<HTMLElement>("li"));
const names = (testid: string) => rows(testid).map((row) => row.querySelector(".live-person-name")?.textContent);
const row = (id: number) => $("roster").querySelector<HTMLElement>(`[data-participant-id="${id}"]`)!;
const announced = () => document.querySelector("[data-live-announce]")?.textContent ?? "";

let sent: TeacherFrame[];
let answers: boolean[];
let asked: string[];
let current: RosterEntry[];
let panel: RosterPanel;

beforeEach(() => {
  const root = renderConsolePage();
  sent = [];
  answers = [];
  asked = [];
  current = CLASS;
  const region = document.querySelector<HTMLElement>("[data-live-announce]")!;
  panel = new RosterPanel({
    root,
    labels: readLabels(document, CONSOLE_LABEL_KEYS),
    roster: () => current,
    act: (frame) => sent.push(frame),
    confirm: async (message) => {
      asked.push(message);
      return answers.shift() ?? false;
    },
    announce: (text) => {
      region.textContent = text;
    },
  });
});

afterEach(() => {
  document.body.innerHTML = "";
});

describe("the roster", () => {
  it("lists students by nickname (Korean order first) with their presence, answer and hand", () => {
    panel.render(stateWith(CLASS), false);
    expect(names("roster")).toEqual(["김하늘", "윤슬기", "학생10", "Amy"]);
    expect(rows("roster").map((r) => [r.dataset.participantId, r.dataset.status, r.dataset.answered, r.dataset.hand])).toEqual([
      ["1", "reconnecting", "false", "true"],
      ["3", "connected", "true", "true"],
      ["4", "connected", "false", "false"],
      ["2", "gone", "false", "false"],
    ]);
    const badge = row(1).querySelector<HTMLElement>("[data-live-status]")!;
    expect(badge.textContent).toBe(L.status_reconnecting);
    expect(badge.className).toBe("live-badge live-status-reconnecting");
    expect(row(2).querySelector("[data-live-status]")?.textContent).toBe(L.status_gone);
    expect(row(3).querySelector<HTMLElement>("[data-live-answered]")!.hidden).toBe(false);
    expect(row(3).querySelector("[data-live-answered] .visually-hidden")?.textContent).toBe(L.answered);
    expect(row(4).querySelector<HTMLElement>("[data-live-answered]")!.hidden).toBe(true);
    expect(row(4).querySelector<HTMLElement>("[data-live-hand-mark]")!.hidden).toBe(true);
    expect(row(3).querySelector('[data-testid="remove"]')?.getAttribute("aria-label")).toBe("윤슬기 내보내기");
    expect(document.querySelector("[data-live-roster-count]")?.textContent).toBe("4명 중 2명 접속");
    expect(document.querySelector<HTMLElement>("[data-live-roster-empty]")!.hidden).toBe(true);
  });

  it("says so while nobody has joined", () => {
    panel.render(stateWith([]), false);
    expect(rows("roster")).toEqual([]);
    const empty = document.querySelector<HTMLElement>("[data-live-roster-empty]")!;
    expect(empty.textContent).toBe(L.no_participants);
    expect(empty.hidden).toBe(false);
    expect(document.querySelector<HTMLElement>("[data-live-hands-empty]")!.textContent).toBe(L.no_hands);
    expect(document.querySelector<HTMLElement>("[data-live-hands-empty]")!.hidden).toBe(false);
  });

  it("keeps each row (and the focus on its button) while it changes", () => {
    panel.render(stateWith(CLASS), false);
    const kept = row(3);
    const remove = kept.querySelector<HTMLButtonElement>('[data-testid="remove"]')!;
    remove.focus();
    panel.render(stateWith(CLASS.map((p) => (p.id === 3 ? { ...p, status: "reconnecting" as const } : p))), false);
    expect(row(3)).toBe(kept);
    expect(kept.dataset.status).toBe("reconnecting");
    expect(document.activeElement).toBe(remove);
  });

  it("moves the focus to the list when the focused student's row goes", () => {
    panel.render(stateWith(CLASS), false);
    row(3).querySelector<HTMLButtonElement>('[data-testid="remove"]')!.focus();
    panel.render(stateWith(CLASS.filter((p) => p.id !== 3)), false);
    expect(names("roster")).toEqual(["김하늘", "학생10", "Amy"]);
    expect(document.activeElement).toBe($("roster"));
  });

  it("asks before removing a student, and removes only after yes", async () => {
    panel.render(stateWith(CLASS), false);
    row(3).querySelector<HTMLButtonElement>('[data-testid="remove"]')!.click();
    await Promise.resolve();
    expect(asked).toEqual(["윤슬기 학생을 내보낼까요?"]);
    expect(sent).toEqual([]);
    answers.push(true);
    row(3).querySelector<HTMLButtonElement>('[data-testid="remove"]')!.click();
    await Promise.resolve();
    expect(sent).toEqual([{ type: "participant.remove", participant: 3 }]);
  });

  it("asks about the student as the console knows them when the button is pressed", async () => {
    panel.render(stateWith(CLASS), false);
    current = CLASS.map((p) => (p.id === 3 ? { ...p, nickname: "윤슬기2" } : p));
    row(3).querySelector<HTMLButtonElement>('[data-testid="remove"]')!.click();
    await Promise.resolve();
    expect(asked).toEqual(["윤슬기2 학생을 내보낼까요?"]);
    current = [];
    row(3).querySelector<HTMLButtonElement>('[data-testid="remove"]')!.click();
    await Promise.resolve();
    expect(asked).toHaveLength(1); // gone meanwhile: nothing to ask
  });

  it("hides presence and disables every button once the session has ended", () => {
    panel.render(stateWith(CLASS), true);
    expect(rows("roster").every((r) => r.querySelector<HTMLElement>("[data-live-status]")!.hidden)).toBe(true);
    expect(rows("roster").every((r) => r.querySelector<HTMLButtonElement>("button")!.disabled)).toBe(true);
    expect(rows("hand-queue").every((r) => r.querySelector<HTMLButtonElement>("button")!.disabled)).toBe(true);
    expect(document.querySelector("[data-live-roster-count]")?.textContent).toBe("");
  });
});

describe("the hand queue", () => {
  it("lists raised hands, first raised first, with a button to lower each", () => {
    panel.render(stateWith(CLASS), false);
    expect(names("hand-queue")).toEqual(["윤슬기", "김하늘"]); // 10:00:01 before 10:00:05 (+09:00)
    const lower = rows("hand-queue")[1]!.querySelector<HTMLButtonElement>('[data-testid="lower-hand"]')!;
    expect(lower.textContent).toBe(L.lower_hand);
    expect(lower.getAttribute("aria-label")).toBe("김하늘 학생 손 내리기");
    lower.click();
    expect(sent).toEqual([{ type: "hand.lower", participant: 1 }]);
    expect(document.querySelector<HTMLElement>("[data-live-hands-empty]")!.hidden).toBe(true);
  });

  it("announces a hand raised after the console opened, not those already up", () => {
    panel.render(stateWith(CLASS), false);
    expect(announced()).toBe("");
    const raised = CLASS.map((p) => (p.id === 4 ? { ...p, hand: "2026-11-25T10:00:09+09:00" } : p));
    panel.render(stateWith(raised), false);
    expect(announced()).toBe("학생10 학생이 손을 들었어요.");
    expect(names("hand-queue")).toEqual(["윤슬기", "김하늘", "학생10"]);
  });
});

import { describe, expect, it } from "vitest";
import { type EventFrame, type Results, type SnapshotFrame } from "../src/live/protocol";
import { parseServerFrame } from "../src/live/parse";
import { applyAnswerAck, applyEvent, applyRoster, applyTally, catchUp, focusBlock, fromSnapshot, type LiveState } from "../src/live/reconcile";

const results: Results = {
  block: "b2",
  kind: "numeric",
  anonymous: false,
  answered: 3,
  total: 4,
  correct_count: 2,
  answer: "0.75",
  explanation: "<p>3/4 = 0.75</p>",
  distribution: [
    { label: "0.75", count: 2 },
    { label: "0.7", count: 1 },
  ],
  attempt: 1,
  names: ["윤슬기", "김하늘"],
};

const studentSnapshot: SnapshotFrame = {
  type: "snapshot",
  protocol: 2,
  version: 7,
  server_time: 1_764_050_000_000,
  state: "running",
  slide: { index: 0, count: 5 },
  question: { block: "", kind: "", deadline: null, revealed: false, attempt: 1 },
  locked: false,
  results: null,
  me: { participant: 3, nickname: "윤슬기", hand: false, answers: { b1: { answer: "0.75", correct: null, attempt: 1 } } },
  teacher: null,
};

const teacherSnapshot: SnapshotFrame = {
  ...studentSnapshot,
  me: null,
  teacher: {
    code: "7KQ2MX",
    open: false,
    roster: [
      { id: 3, nickname: "윤슬기", status: "connected", hand: null, answered: true },
      { id: 4, nickname: "김하늘", status: "reconnecting", hand: "2026-11-25T10:00:03+09:00", answered: false },
    ],
    tally: {
      block: "b1",
      kind: "numeric",
      number: 1,
      answered: 1,
      total: 2,
      correct: 1,
      distribution: [{ label: "0.75", count: 1 }],
      attempt: 1,
      previous: null,
      previous_answered: null,
      previous_correct: null,
    },
    numbers: { b1: 1 },
  },
};

const event = <K extends EventFrame["kind"]>(version: number, kind: K, data: Extract<EventFrame, { kind: K }>["data"]): EventFrame =>
  ({ type: "event", version, kind, data }) as EventFrame;

/** Applies events one by one, expecting none to ask for a snapshot. */
function run(state: LiveState, ...events: EventFrame[]): LiveState {
  for (const e of events) {
    const result = applyEvent(state, e);
    expect(result.needSnapshot).toBe(false);
    state = result.state!;
  }
  return state;
}

describe("parseServerFrame: snapshots", () => {
  it("accepts student and teacher snapshots and keeps only declared fields", () => {
    expect(parseServerFrame(studentSnapshot)).toEqual(studentSnapshot);
    expect(parseServerFrame(teacherSnapshot)).toEqual(teacherSnapshot);
    const parsed = parseServerFrame({ ...studentSnapshot, surprise: 1, question: { ...studentSnapshot.question, extra: true } });
    expect(parsed).toEqual(studentSnapshot);
  });

  it("accepts revealed results, a deadline and omitted me/teacher", () => {
    const { me: _me, teacher: _teacher, ...bare } = studentSnapshot;
    const frame = {
      ...bare,
      question: { block: "b2", kind: "numeric", deadline: "2026-11-25T10:00:30.123456+09:00", revealed: true },
      results,
    };
    const parsed = parseServerFrame(frame) as SnapshotFrame;
    expect(parsed.me).toBeNull();
    expect(parsed.teacher).toBeNull();
    expect(parsed.results).toEqual(results);
    expect(parsed.question.deadline).toBe("2026-11-25T10:00:30.123456+09:00");
  });

  it.each([
    ["protocol 1", { protocol: 1 }],
    ["no protocol", { protocol: undefined }],
    ["negative version", { version: -1 }],
    ["fractional version", { version: 1.5 }],
    ["server_time as text", { server_time: "now" }],
    ["unknown state", { state: "paused" }],
    ["slide index as text", { slide: { index: "0", count: 5 } }],
    ["question without revealed", { question: { block: "", kind: "", deadline: null } }],
    ["question block as number", { question: { block: 1, kind: "", deadline: null, revealed: false } }],
    ["deadline as object", { question: { block: "b", kind: "numeric", deadline: {}, revealed: false } }],
    ["locked missing", { locked: undefined }],
    ["locked as text", { locked: "no" }],
    ["results without block", { results: { ...results, block: undefined } }],
    ["results with bad distribution", { results: { ...results, distribution: [{ label: "a", count: -1 }] } }],
    ["results names not strings", { results: { ...results, names: [1] } }],
    ["me with text participant", { me: { ...studentSnapshot.me, participant: "3" } }],
    ["me answer without answer", { me: { ...studentSnapshot.me, answers: { b1: { correct: true } } } }],
    ["me answer correct as text", { me: { ...studentSnapshot.me, answers: { b1: { answer: 1, correct: "yes" } } } }],
    ["teacher without code", { teacher: { ...teacherSnapshot.teacher, code: undefined } }],
    ["roster entry with unknown status", { teacher: { ...teacherSnapshot.teacher, roster: [{ id: 1, nickname: "a", status: "away", hand: null, answered: false }] } }],
    ["tally with text count", { teacher: { ...teacherSnapshot.teacher, tally: { block: "b", answered: "1", total: 2, correct: 0, distribution: [] } } }],
  ])("rejects a snapshot with %s", (_name, patch) => {
    expect(parseServerFrame({ ...teacherSnapshot, ...patch })).toBeNull();
  });
});

describe("parseServerFrame: events", () => {
  it.each([
    ["session.state", { state: "running" }],
    ["slide.changed", { index: 2 }],
    ["question.opened", { block: "b2", kind: "numeric", deadline: "2026-11-25T10:00:30+09:00", attempt: 1 }],
    ["question.opened", { block: "b2", kind: "poll", deadline: null, attempt: 2 }],
    ["question.closed", { block: "b2" }],
    ["results.revealed", { block: "b2", results }],
    ["results.revealed", { block: "b2", results, mine: { correct: true } }],
    ["results.revealed", { block: "b2", results, mine: { correct: null } }],
    ["screen.locked", { locked: true }],
    ["participant.removed", { participant: 3 }],
  ])("accepts %s %j", (kind, data) => {
    expect(parseServerFrame({ type: "event", version: 8, kind, data })).toEqual({ type: "event", version: 8, kind, data });
  });

  it.each([
    ["response.counted", { block: "b2" }],
    ["teleport", {}],
    ["session.state", { state: "paused" }],
    ["slide.changed", { index: -1 }],
    ["slide.changed", {}],
    ["question.opened", { block: "", kind: "numeric", deadline: null }],
    ["question.opened", { block: "b", kind: 3, deadline: null }],
    ["question.closed", {}],
    ["results.revealed", { block: "b2" }],
    ["results.revealed", { block: "other", results }],
    ["results.revealed", { block: "b2", results, mine: { correct: "yes" } }],
    ["screen.locked", { locked: 1 }],
    ["participant.removed", { participant: "3" }],
  ])("rejects %s %j", (kind, data) => {
    expect(parseServerFrame({ type: "event", version: 8, kind, data })).toBeNull();
  });

  it("rejects events without a version or data", () => {
    expect(parseServerFrame({ type: "event", kind: "slide.changed", data: { index: 1 } })).toBeNull();
    expect(parseServerFrame({ type: "event", version: 8, kind: "slide.changed" })).toBeNull();
    expect(parseServerFrame({ type: "event", version: 8, kind: "slide.changed", data: [1] })).toBeNull();
  });
});

describe("parseServerFrame: roster, tally, ack, error", () => {
  it("accepts a roster and normalises hands", () => {
    const frame = {
      type: "roster",
      participants: [
        { id: 3, nickname: "윤슬기", status: "connected", hand: null, answered: true },
        { id: 4, nickname: "Kim", status: "gone", hand: "2026-11-25T01:00:00Z", answered: false },
        { id: 5, nickname: "Lee", status: "reconnecting", hand: false, answered: false },
      ],
    };
    const parsed = parseServerFrame(frame);
    expect(parsed).toEqual({
      type: "roster",
      participants: [frame.participants[0], frame.participants[1], { ...frame.participants[2], hand: null }],
    });
  });

  it("rejects malformed rosters", () => {
    expect(parseServerFrame({ type: "roster" })).toBeNull();
    expect(parseServerFrame({ type: "roster", participants: [{ id: 1, nickname: "a", status: "connected", hand: {} }] })).toBeNull();
    expect(parseServerFrame({ type: "roster", participants: [{ id: 1.5, nickname: "a", status: "connected", hand: null }] })).toBeNull();
    expect(parseServerFrame({ type: "roster", participants: [null] })).toBeNull();
  });

  it("accepts a tally (correct may be null for polls) and rejects a malformed one", () => {
    const tally = {
      type: "tally",
      block: "b2",
      kind: "numeric",
      number: 3,
      answered: 12,
      total: 25,
      correct: 9,
      distribution: [{ label: "3/4", count: 7 }],
      attempt: 1,
      previous: null,
      previous_answered: null,
      previous_correct: null,
    };
    expect(parseServerFrame({ ...tally, open: true })).toEqual(tally);
    expect(parseServerFrame({ ...tally, correct: null })).toEqual({ ...tally, correct: null });
    // asked again: the attempt before comes along; an older server's tally reads as attempt 1
    const again = { ...tally, attempt: 2, previous: [{ label: "0.7", count: 5 }], previous_answered: 20, previous_correct: 11 };
    expect(parseServerFrame(again)).toEqual(again);
    const { kind: _k, number: _n, attempt: _a, previous: _p, previous_answered: _pa, previous_correct: _pc, ...old } = tally;
    const { kind: _kind, number: _number, ...withoutKind } = tally;
    expect(parseServerFrame(old)).toEqual(withoutKind);
    expect(parseServerFrame({ ...tally, attempt: 0 })).toBeNull();
    expect(parseServerFrame({ ...tally, previous: [{ label: "x", count: -1 }] })).toBeNull();
    expect(parseServerFrame({ ...tally, answered: -1 })).toBeNull();
    expect(parseServerFrame({ ...tally, distribution: [{ label: 3, count: 1 }] })).toBeNull();
    expect(parseServerFrame({ ...tally, block: null })).toBeNull();
  });

  it("accepts both kinds of ack", () => {
    expect(parseServerFrame({ type: "ack", ref: "a1", version: 9 })).toEqual({ type: "ack", ref: "a1", version: 9 });
    expect(parseServerFrame({ type: "ack", ref: null, version: 9 })).toEqual({ type: "ack", ref: null, version: 9 });
    expect(parseServerFrame({ type: "ack", ref: "u", duplicate: true })).toEqual({ type: "ack", ref: "u", duplicate: true });
    expect(parseServerFrame({ type: "ack" })).toEqual({ type: "ack", ref: null });
    expect(parseServerFrame({ type: "ack", ref: 5 })).toBeNull();
    expect(parseServerFrame({ type: "ack", ref: "u", duplicate: "no" })).toBeNull();
    expect(parseServerFrame({ type: "ack", ref: "u", version: -2 })).toBeNull();
  });

  it("accepts errors with or without a ref", () => {
    expect(parseServerFrame({ type: "error", code: "question_closed", message: "닫혔어요", ref: "u" })).toEqual({
      type: "error",
      code: "question_closed",
      message: "닫혔어요",
      ref: "u",
    });
    expect(parseServerFrame({ type: "error", code: "rate_limited", message: "slow" })).toMatchObject({ ref: null });
    expect(parseServerFrame({ type: "error", code: "x" })).toBeNull();
    expect(parseServerFrame({ type: "error", code: "x", message: "m", ref: 1 })).toBeNull();
  });

  it("drops non-objects and unknown types", () => {
    for (const bad of [null, undefined, [], "snapshot", 7, { type: "surprise" }, { type: 1 }]) {
      expect(parseServerFrame(bad)).toBeNull();
    }
  });
});

describe("applyEvent", () => {
  it("applies every kind in order", () => {
    const deadline = "2026-11-25T10:00:30+09:00";
    let state = run(
      fromSnapshot(studentSnapshot),
      event(8, "slide.changed", { index: 2 }),
      event(9, "question.opened", { block: "b2", kind: "numeric", deadline }),
    );
    expect(state.question).toEqual({ block: "b2", kind: "numeric", deadline, revealed: false, attempt: 1 });
    expect(focusBlock(state)).toBe("b2");
    state = applyAnswerAck(state, "b2", "0.7")!;
    state = run(state, event(10, "question.closed", { block: "b2" }));
    expect(state.question.block).toBe("");
    expect(focusBlock(state)).toBe("b2");
    state = run(
      state,
      event(11, "results.revealed", { block: "b2", results, mine: { correct: false } }),
      event(12, "screen.locked", { locked: true }),
    );
    expect(state.results).toEqual(results);
    expect(state.question.revealed).toBe(true);
    expect(state.me?.answers.b2).toEqual({ answer: "0.7", correct: false });
    expect(state.locked).toBe(true);
    state = run(state, event(13, "session.state", { state: "ended" }));
    expect(state).toMatchObject({ version: 13, state: "ended", slide: { index: 2, count: 5 } });
    expect(state.me?.answers.b1).toEqual({ answer: "0.75", correct: null, attempt: 1 });
  });

  it("closes the question when results are revealed and when the session ends", () => {
    const open = run(fromSnapshot(studentSnapshot), event(8, "question.opened", { block: "b2", kind: "numeric", deadline: null }));
    expect(run(open, event(9, "results.revealed", { block: "b2", results })).question.block).toBe("");
    expect(run(open, event(9, "session.state", { state: "ended" })).question.block).toBe("");
  });

  it("opening a question clears old results and the roster's answered marks", () => {
    let state = run(fromSnapshot(teacherSnapshot), event(8, "results.revealed", { block: "b2", results }));
    state = run(state, event(9, "question.opened", { block: "b3", kind: "poll", deadline: null }));
    expect(state.results).toBeNull();
    expect(state.question.revealed).toBe(false);
    expect(state.teacher?.roster.every((p) => !p.answered)).toBe(true);
    expect(state.teacher?.tally).toBeNull(); // the tally was for b1
  });

  it("removes a participant from the roster, and knows when it is this client", () => {
    const teacher = run(fromSnapshot(teacherSnapshot), event(8, "participant.removed", { participant: 4 }));
    expect(teacher.teacher?.roster.map((p) => p.id)).toEqual([3]);
    expect(teacher.removed).toBe(false);
    const other = run(fromSnapshot(studentSnapshot), event(8, "participant.removed", { participant: 9 }));
    expect(other.removed).toBe(false);
    const me = run(fromSnapshot(studentSnapshot), event(8, "participant.removed", { participant: 3 }));
    expect(me.removed).toBe(true);
  });

  it("ignores stale events and asks for a snapshot on a gap or before the first snapshot", () => {
    const state = fromSnapshot(studentSnapshot);
    expect(applyEvent(state, event(7, "slide.changed", { index: 4 }))).toEqual({ state, needSnapshot: false });
    expect(applyEvent(state, event(3, "screen.locked", { locked: true }))).toEqual({ state, needSnapshot: false });
    const gap = applyEvent(state, event(9, "slide.changed", { index: 4 }));
    expect(gap.needSnapshot).toBe(true);
    expect(gap.state?.slide.index).toBe(0);
    expect(applyEvent(null, event(8, "slide.changed", { index: 1 })).needSnapshot).toBe(true);
  });

  it("never mutates the state it was given", () => {
    const state = fromSnapshot(teacherSnapshot);
    const frozen = JSON.stringify(state);
    run(
      state,
      event(8, "question.opened", { block: "b9", kind: "numeric", deadline: null }),
      event(9, "results.revealed", { block: "b9", results: { ...results, block: "b9" } }),
      event(10, "participant.removed", { participant: 3 }),
    );
    applyRoster(state, []);
    applyTally(state, { block: "b9", answered: 0, total: 0, correct: null, distribution: [] });
    expect(JSON.stringify(state)).toBe(frozen);
  });
});

describe("catchUp", () => {
  it("applies newer buffered events in version order and skips covered ones", () => {
    const state = fromSnapshot(studentSnapshot); // version 7
    const result = catchUp(state, [
      event(9, "screen.locked", { locked: true }),
      event(6, "slide.changed", { index: 4 }),
      event(8, "slide.changed", { index: 1 }),
      event(7, "slide.changed", { index: 3 }),
    ]);
    expect(result.needSnapshot).toBe(false);
    expect(result.state).toMatchObject({ version: 9, locked: true, slide: { index: 1 } });
  });

  it("stops at a gap and asks for another snapshot", () => {
    const result = catchUp(fromSnapshot(studentSnapshot), [event(8, "slide.changed", { index: 1 }), event(10, "slide.changed", { index: 2 })]);
    expect(result.needSnapshot).toBe(true);
    expect(result.state?.version).toBe(8);
  });
});

describe("roster, tally and local acks", () => {
  it("replaces the roster and the tally for teachers only", () => {
    const teacher = fromSnapshot(teacherSnapshot);
    const roster = [{ id: 9, nickname: "새 학생", status: "connected" as const, hand: null, answered: false }];
    expect(applyRoster(teacher, roster)?.teacher?.roster).toEqual(roster);
    const tally = { block: "b1", answered: 2, total: 2, correct: 2, distribution: [] };
    expect(applyTally(teacher, tally)?.teacher?.tally).toEqual(tally);
    const student = fromSnapshot(studentSnapshot);
    expect(applyRoster(student, roster)).toBe(student);
    expect(applyTally(student, tally)).toBe(student);
    expect(applyRoster(null, roster)).toBeNull();
  });

  it("infers the last question from the tally when none is open", () => {
    const state = fromSnapshot({ ...teacherSnapshot, teacher: { ...teacherSnapshot.teacher!, tally: null } });
    expect(focusBlock(state)).toBe("");
    expect(focusBlock(applyTally(state, { block: "b5", answered: 0, total: 2, correct: 0, distribution: [] })!)).toBe("b5");
    expect(focusBlock(fromSnapshot(teacherSnapshot))).toBe("b1");
  });

  it("records an acknowledged answer without overriding the server's copy", () => {
    const state = fromSnapshot(studentSnapshot);
    expect(applyAnswerAck(state, "b2", [1, 2])?.me?.answers.b2).toEqual({ answer: [1, 2], correct: null });
    expect(applyAnswerAck(state, "b1", "other")).toBe(state);
    const teacher = fromSnapshot(teacherSnapshot);
    expect(applyAnswerAck(teacher, "b1", "x")).toBe(teacher);
  });
});

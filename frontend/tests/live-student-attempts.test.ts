/** A question asked again on the student's side: the earlier attempt's answer does not count as this one's. */
import { describe, expect, it } from "vitest";
import { parseServerFrame } from "../src/live/parse";
import type { SnapshotFrame } from "../src/live/protocol";
import { fromSnapshot, type LiveState } from "../src/live/reconcile";
import { answersFor, currentAttempt, recordAnswer } from "../src/live/student/answer-forms";
import { baseSnapshot } from "./helpers/live-pages";

const me = (answers: Record<string, unknown>) => ({ participant: 3, nickname: "윤슬기", hand: false, answers });
const state = (attempt: number, answers: Record<string, unknown>): LiveState =>
  fromSnapshot(
    parseServerFrame(
      baseSnapshot({ question: { block: "b1", kind: "numeric", deadline: null, revealed: false, attempt }, me: me(answers) }),
    ) as SnapshotFrame,
  );

describe("answers to a question asked again", () => {
  it("leave out the earlier attempt's answer of the open question only", () => {
    const again = state(2, { b1: { answer: "0.5", correct: null, attempt: 1 }, b2: { answer: 1, correct: true, attempt: 1 } });
    expect(currentAttempt(again, "b1")).toBe(2);
    expect(currentAttempt(again, "b2")).toBe(1);
    expect(answersFor(again, "b1")).toEqual({ b2: { answer: 1, correct: true, attempt: 1 } });
    expect(answersFor(again, "b2")?.b2?.answer).toBe(1);
    const first = state(1, { b1: { answer: "0.5", correct: null, attempt: 1 } });
    expect(answersFor(first, "b1")?.b1?.answer).toBe("0.5");
  });

  it("record an acknowledged answer over the earlier attempt's, never over the server's copy of this one", () => {
    const again = state(2, { b1: { answer: "0.5", correct: null, attempt: 1 } });
    const frame = { type: "answer.submit" as const, id: "u1", block: "b1", answer: "3/4", attempt: 2 };
    const after = recordAnswer(again, frame)!;
    expect(after.me?.answers.b1).toEqual({ answer: "3/4", correct: null, attempt: 2 });
    const stored = state(2, { b1: { answer: "0.75", correct: null, attempt: 2 } });
    expect(recordAnswer(stored, frame)).toBe(stored);
  });
});

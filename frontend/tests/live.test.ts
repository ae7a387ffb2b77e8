import { describe, expect, it } from "vitest";
import { parseServerFrame, type EventFrame, type SnapshotFrame } from "../src/live/protocol";
import { applyEvent, fromSnapshot } from "../src/live/reconcile";

const snapshot: SnapshotFrame = {
  type: "snapshot",
  version: 7,
  state: "running",
  slide: { index: 0, count: 5 },
  question: { block: "", deadline: null, revealed: false },
  my_answers: { b1: "0.75" },
};
const event = (version: number, kind: EventFrame["kind"], data: Record<string, unknown>): EventFrame => ({
  type: "event",
  version,
  kind,
  data,
});

describe("parseServerFrame", () => {
  it("accepts the declared frames and drops anything else", () => {
    expect(parseServerFrame(snapshot)).toEqual(snapshot);
    expect(parseServerFrame(event(8, "slide.changed", { index: 1 }))?.type).toBe("event");
    expect(parseServerFrame({ type: "ack", ref: "x", duplicate: true })?.type).toBe("ack");
    expect(parseServerFrame({ type: "error", code: "forbidden", message: "no" })?.type).toBe("error");
    for (const bad of [null, [], "x", { type: "event", version: -1, kind: "slide.changed", data: {} },
      { type: "event", version: 1, kind: "teleport", data: {} }, { ...snapshot, state: "paused" },
      { ...snapshot, slide: { index: "0", count: 5 } }, { type: "surprise" }]) {
      expect(parseServerFrame(bad)).toBeNull();
    }
  });
});

describe("applyEvent", () => {
  it("applies events in order", () => {
    let state = fromSnapshot(snapshot);
    const steps = [
      event(8, "slide.changed", { index: 2 }),
      event(9, "question.opened", { block: "b2", deadline: "2026-11-25T10:00:30+09:00" }),
      event(10, "response.counted", { block: "b2" }),
      event(11, "response.counted", { block: "other" }),
      event(12, "question.closed", { block: "b2" }),
      event(13, "session.state", { state: "ended" }),
    ];
    for (const step of steps) {
      const result = applyEvent(state, step);
      expect(result.needSnapshot).toBe(false);
      state = result.state!;
    }
    expect(state).toMatchObject({ version: 13, state: "ended", slide: { index: 2, count: 5 }, answered: 1 });
    expect(state.question).toEqual({ block: "", deadline: null, revealed: false });
    expect(state.myAnswers).toEqual({ b1: "0.75" });
  });

  it("ignores duplicates and asks for a snapshot on a gap or before the first snapshot", () => {
    const state = fromSnapshot(snapshot);
    expect(applyEvent(state, event(7, "slide.changed", { index: 4 }))).toEqual({ state, needSnapshot: false });
    const gap = applyEvent(state, event(9, "slide.changed", { index: 4 }));
    expect(gap.needSnapshot).toBe(true);
    expect(gap.state?.slide.index).toBe(0);
    expect(applyEvent(null, event(8, "slide.changed", { index: 1 })).needSnapshot).toBe(true);
  });

  it("never mutates the state it was given", () => {
    const state = fromSnapshot(snapshot);
    const frozen = JSON.stringify(state);
    applyEvent(state, event(8, "question.opened", { block: "b9", deadline: null }));
    expect(JSON.stringify(state)).toBe(frozen);
  });
});

/**
 * Pure client-side reconciliation of live state: snapshots replace, events apply in version
 * order, and a gap (a dropped event: the channel layer delivers at most once) asks for a snapshot
 * instead of guessing. No I/O here; the page wires it to the socket.
 */
import type { EventFrame, QuestionState, SessionState, SnapshotFrame } from "./protocol";

export interface LiveState {
  version: number;
  state: SessionState;
  slide: { index: number; count: number };
  question: QuestionState;
  myAnswers: Record<string, unknown>;
  answered: number;
}

export type Reconciled = { state: LiveState; needSnapshot: false } | { state: LiveState | null; needSnapshot: true };

export function fromSnapshot(frame: SnapshotFrame): LiveState {
  return {
    version: frame.version,
    state: frame.state,
    slide: { ...frame.slide },
    question: { ...frame.question },
    myAnswers: { ...(frame.my_answers ?? {}) },
    answered: frame.answered ?? 0,
  };
}

export function applyEvent(current: LiveState | null, event: EventFrame): Reconciled {
  if (current === null) return { state: null, needSnapshot: true };
  if (event.version <= current.version) return { state: current, needSnapshot: false }; // already applied
  if (event.version !== current.version + 1) return { state: current, needSnapshot: true }; // a gap
  const next: LiveState = { ...current, version: event.version };
  const data = event.data;
  switch (event.kind) {
    case "session.state":
      if (data.state === "lobby" || data.state === "running" || data.state === "ended") next.state = data.state;
      break;
    case "slide.changed":
      if (typeof data.index === "number") next.slide = { ...current.slide, index: data.index };
      break;
    case "question.opened":
      next.question = {
        block: typeof data.block === "string" ? data.block : "",
        deadline: typeof data.deadline === "string" ? data.deadline : null,
        revealed: false,
      };
      next.answered = 0;
      break;
    case "question.closed":
      next.question = { block: "", deadline: null, revealed: current.question.revealed };
      break;
    case "response.counted":
      if (data.block === current.question.block) next.answered = current.answered + 1;
      break;
  }
  return { state: next, needSnapshot: false };
}

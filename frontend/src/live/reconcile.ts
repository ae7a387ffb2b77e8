/**
 * Pure client-side reconciliation of live state (protocol 2): snapshots replace, events apply in
 * version order, and a gap (a dropped event: the channel layer delivers at most once) asks for a
 * snapshot instead of guessing. Roster and tally frames are unversioned full replacements.
 * No I/O here; `LiveClient` wires it to the socket. Nothing here mutates its inputs.
 */
import type {
  EventFrame,
  Me,
  QuestionState,
  Results,
  RosterEntry,
  SessionState,
  SnapshotFrame,
  Tally,
  TeacherInfo,
} from "./protocol";

export interface LiveState {
  version: number;
  /** server_time of the snapshot this state started from (ms since the epoch). */
  serverTime: number;
  state: SessionState;
  slide: { index: number; count: number };
  question: QuestionState;
  /**
   * The question opened most recently, open or closed: what results and tallies refer to.
   * A snapshot does not carry it once the question is closed; it is then inferred from the
   * results or the tally.
   */
  lastBlock: string;
  locked: boolean;
  results: Results | null;
  me: Me | null;
  teacher: TeacherInfo | null;
  /** A `participant.removed` event named this client's participant. */
  removed: boolean;
}

export type Reconciled = { state: LiveState; needSnapshot: false } | { state: LiveState | null; needSnapshot: true };

const copyMe = (me: Me | null): Me | null =>
  me === null
    ? null
    : {
        ...me,
        answers: Object.fromEntries(Object.entries(me.answers).map(([block, answer]) => [block, { ...answer }])),
      };

const copyTally = (tally: Tally | null): Tally | null =>
  tally === null ? null : { ...tally, distribution: tally.distribution.map((entry) => ({ ...entry })) };

const copyTeacher = (teacher: TeacherInfo | null): TeacherInfo | null =>
  teacher === null
    ? null
    : { ...teacher, roster: teacher.roster.map((entry) => ({ ...entry })), tally: copyTally(teacher.tally) };

export function fromSnapshot(frame: SnapshotFrame): LiveState {
  const teacher = copyTeacher(frame.teacher);
  return {
    version: frame.version,
    serverTime: frame.server_time,
    state: frame.state,
    slide: { ...frame.slide },
    question: { ...frame.question },
    lastBlock: frame.question.block || frame.results?.block || teacher?.tally?.block || "",
    locked: frame.locked,
    results: frame.results,
    me: copyMe(frame.me),
    teacher,
    removed: false,
  };
}

const NO_QUESTION: Omit<QuestionState, "revealed"> = { block: "", kind: "", deadline: null };

export function applyEvent(current: LiveState | null, event: EventFrame): Reconciled {
  if (current === null) return { state: null, needSnapshot: true };
  if (event.version <= current.version) return { state: current, needSnapshot: false }; // already applied
  if (event.version !== current.version + 1) return { state: current, needSnapshot: true }; // a gap
  const next: LiveState = { ...current, version: event.version };
  switch (event.kind) {
    case "session.state":
      next.state = event.data.state;
      // Ending a session closes its question (the server clears it in the same change).
      if (event.data.state === "ended")
        next.question = { ...NO_QUESTION, revealed: current.question.revealed, attempt: current.question.attempt };
      break;
    case "slide.changed":
      next.slide = { ...current.slide, index: event.data.index };
      break;
    case "question.opened": {
      const { block, kind, deadline, attempt } = event.data;
      next.question = { block, kind, deadline, revealed: false, attempt: attempt ?? 1 };
      next.lastBlock = block;
      next.results = null;
      if (current.teacher) {
        next.teacher = {
          ...current.teacher,
          // A new question: nobody has answered it yet; the next roster and tally frames say more.
          roster: current.teacher.roster.map((entry) => ({ ...entry, answered: false })),
          tally: current.teacher.tally?.block === block ? current.teacher.tally : null,
        };
      }
      break;
    }
    case "question.closed":
      next.question = { ...NO_QUESTION, revealed: current.question.revealed, attempt: current.question.attempt };
      next.lastBlock = event.data.block || current.lastBlock;
      break;
    case "results.revealed": {
      const { block, results, mine } = event.data;
      next.results = results;
      next.lastBlock = block;
      // Revealing closes the question (the server clears it in the same change, no separate event).
      next.question = { ...NO_QUESTION, revealed: true, attempt: current.question.attempt };
      const saved = current.me?.answers[block];
      if (current.me && mine && saved) {
        next.me = { ...current.me, answers: { ...current.me.answers, [block]: { ...saved, correct: mine.correct } } };
      }
      break;
    }
    case "screen.locked":
      next.locked = event.data.locked;
      break;
    case "participant.removed": {
      const id = event.data.participant;
      if (current.teacher) {
        next.teacher = { ...current.teacher, roster: current.teacher.roster.filter((entry) => entry.id !== id) };
      }
      if (current.me?.participant === id) next.removed = true;
      break;
    }
  }
  return { state: next, needSnapshot: false };
}

/**
 * After a snapshot, applies the events that arrived while it was on its way (they may be newer
 * than the snapshot). Events already covered are skipped; a gap asks for another snapshot.
 */
export function catchUp(state: LiveState, buffered: readonly EventFrame[]): Reconciled {
  let current = state;
  const ordered = [...buffered].sort((a, b) => a.version - b.version);
  for (const event of ordered) {
    const result = applyEvent(current, event);
    if (result.needSnapshot) return { state: current, needSnapshot: true };
    current = result.state;
  }
  return { state: current, needSnapshot: false };
}

/** A roster frame replaces the roster (teachers only; ignored elsewhere). */
export function applyRoster(current: LiveState | null, participants: readonly RosterEntry[]): LiveState | null {
  if (current === null || current.teacher === null) return current;
  return { ...current, teacher: { ...current.teacher, roster: participants.map((entry) => ({ ...entry })) } };
}

/** A tally frame replaces the tally (teachers only; ignored elsewhere). */
export function applyTally(current: LiveState | null, tally: Tally): LiveState | null {
  if (current === null || current.teacher === null) return current;
  const copy = copyTally(tally)!;
  return { ...current, teacher: { ...current.teacher, tally: copy }, lastBlock: current.lastBlock || copy.block };
}

/**
 * The server acknowledged this client's answer: it is stored. Recorded locally until the next
 * snapshot (which then includes it) so the form can show it as saved.
 */
export function applyAnswerAck(current: LiveState | null, block: string, answer: unknown): LiveState | null {
  if (current === null || current.me === null) return current;
  const existing = current.me.answers[block];
  if (existing) return current; // the server's copy wins (it may be normalised, and may carry `correct`)
  return { ...current, me: { ...current.me, answers: { ...current.me.answers, [block]: { answer, correct: null } } } };
}

/** The question that tallies, results and the console's question panel are about. */
export function focusBlock(state: LiveState): string {
  return state.question.block || state.lastBlock;
}

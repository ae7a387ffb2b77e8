/**
 * The live protocol (version 2) as TypeScript types: a discriminated union mirroring the
 * declarations in classrooms/live/protocol.py (docs/live-protocol.md, ADR 0008). The server
 * exports those as JSON Schema into ./protocol.schema.json; tests/protocol-schema.test.ts holds
 * these types, the validator (./parse.ts) and the runtime lists below to it.
 */

export const PROTOCOL_VERSION = 2;

/** A question may be asked this many times in a session (classrooms/live/protocol.py MAX_ATTEMPTS). */
export const MAX_ATTEMPTS = 3;

export type SessionState = "lobby" | "running" | "ended";
export type PresenceStatus = "connected" | "reconnecting" | "gone";
/** A roster entry's status: presence, or "absent" for a class member who has not joined (id < 0). */
export type RosterStatus = PresenceStatus | "absent";

/** A server timestamp: ISO 8601 text (snapshots) or ms since the epoch. */
export type ServerTimestamp = string | number;

export interface QuestionState {
  /** The open question's activity id, or "" when none is open. */
  block: string;
  /** The activity kind ("numeric", "multiple_choice", …), "" when none is open. */
  kind: string;
  deadline: ServerTimestamp | null;
  revealed: boolean;
  /** The attempt the open (or last) question is on: 1, then 2, 3 … when it is asked again. */
  attempt?: number;
}

export interface DistributionEntry {
  label: string;
  count: number;
}

export interface Results {
  block: string;
  kind: string;
  anonymous: boolean;
  answered: number;
  total: number;
  correct_count: number | null;
  /** The correct answer in display form (text, or the raw answer for some kinds); null if none. */
  answer: unknown;
  explanation: string;
  /** For typed answers (free-text kinds) only those the teacher picked (`results.pick`). */
  distribution: DistributionEntry[];
  /** Which attempt of the question these results are of (parsed: always there, 1 by default). */
  attempt?: number;
  /** Nicknames of those who answered correctly; only when not anonymous. */
  names?: string[];
}

export interface MyAnswer {
  answer: unknown;
  /** Only known once results are revealed. */
  correct: boolean | null;
  /** The attempt this answer was given to (absent: recorded locally, the current one). */
  attempt?: number;
}

export interface Me {
  participant: number;
  nickname: string;
  hand: boolean;
  answers: Record<string, MyAnswer>;
}

export interface RosterEntry {
  id: number;
  nickname: string;
  status: RosterStatus;
  /** When the hand went up (server timestamp), or null when it is down. */
  hand: ServerTimestamp | null;
  /** Answered the open question. */
  answered: boolean;
}

/** The fields added with asking again are optional in the type (parsed frames always have them). */
export interface Tally {
  block: string;
  /** The question's activity kind. */
  kind?: string;
  /** The question's number in the lesson (as in the report); 0 if it is no longer in the lesson. */
  number?: number;
  answered: number;
  total: number;
  /** null for kinds without a correct answer (polls, open responses). */
  correct: number | null;
  /** Every answer, typed text too (the teacher's own view). */
  distribution: DistributionEntry[];
  attempt?: number;
  /** From the second attempt on: the attempt before, for the comparison. */
  previous?: DistributionEntry[] | null;
  previous_answered?: number | null;
  previous_correct?: number | null;
}

export interface TeacherInfo {
  code: string;
  open: boolean;
  roster: RosterEntry[];
  tally: Tally | null;
  /** Each question's number in the lesson, by activity id. */
  numbers?: Record<string, number>;
}

export interface SnapshotFrame {
  type: "snapshot";
  protocol: 2;
  version: number;
  /** The server's clock when it built the snapshot, ms since the epoch. */
  server_time: number;
  state: SessionState;
  slide: { index: number; count: number };
  question: QuestionState;
  locked: boolean;
  results: Results | null;
  /** Students and guests only. */
  me: Me | null;
  /** Teachers only. */
  teacher: TeacherInfo | null;
}

export interface EventDataByKind {
  "session.state": { state: SessionState };
  "slide.changed": { index: number };
  "question.opened": { block: string; kind: string; deadline: ServerTimestamp | null; attempt?: number };
  "question.closed": { block: string };
  "results.revealed": { block: string; results: Results; mine?: { correct: boolean | null } };
  "screen.locked": { locked: boolean };
  "participant.removed": { participant: number };
}

export type EventKind = keyof EventDataByKind;

export type EventFrame = {
  [K in EventKind]: { type: "event"; version: number; kind: K; data: EventDataByKind[K] };
}[EventKind];

export interface RosterFrame {
  type: "roster";
  participants: RosterEntry[];
}

export interface TallyFrame extends Tally {
  type: "tally";
}

export interface AckFrame {
  type: "ack";
  ref: string | null;
  /** After a teacher's change: the session's version. */
  version?: number;
  /** After answer.submit: true when the answer was already stored (a re-send). */
  duplicate?: boolean;
  /** After hand.raise: whether the hand is now up. */
  hand?: boolean;
}

export interface ErrorFrame {
  type: "error";
  code: string;
  message: string;
  ref: string | null;
}

/**
 * The session's current version, sent by a server process that noticed it relayed fewer events
 * than were committed (the channel layer lost some, e.g. while Redis restarted). A client behind
 * it asks for a snapshot; one at or past it ignores the frame.
 */
export interface SyncFrame {
  type: "sync";
  version: number;
}

export type ServerFrame = SnapshotFrame | EventFrame | RosterFrame | TallyFrame | AckFrame | ErrorFrame | SyncFrame;

/** Teacher frames; each may carry an `id` (≤ 64 chars) that the ack or error echoes as `ref`. */
export type TeacherFrame =
  | { type: "session.run" }
  | { type: "slide.goto"; index: number }
  | { type: "question.open"; block: string; seconds?: number; again?: boolean }
  | { type: "question.close" }
  | { type: "results.reveal"; anonymous: boolean }
  | { type: "results.pick"; labels: string[] }
  | { type: "screen.lock"; locked: boolean }
  | { type: "participant.remove"; participant: number }
  | { type: "hand.lower"; participant: number }
  | { type: "session.end" };

export interface AnswerSubmitFrame {
  type: "answer.submit";
  id: string;
  block: string;
  answer: unknown;
  /** The attempt answered (the state's `question.attempt`); an answer for an earlier one is refused. */
  attempt?: number;
}

export type StudentFrame = AnswerSubmitFrame | { type: "hand.raise"; raised: boolean };

export type ClientFrame = { type: "snapshot.get" } | (TeacherFrame & { id?: string }) | StudentFrame;

/** Every client frame type and every event kind, at run time (tested against the schema). */
export const CLIENT_FRAME_TYPES = [
  "snapshot.get",
  "session.run",
  "slide.goto",
  "question.open",
  "question.close",
  "results.reveal",
  "results.pick",
  "screen.lock",
  "participant.remove",
  "hand.lower",
  "session.end",
  "answer.submit",
  "hand.raise",
] as const satisfies readonly ClientFrame["type"][];

export const EVENT_KINDS = [
  "session.state",
  "slide.changed",
  "question.opened",
  "question.closed",
  "results.revealed",
  "screen.locked",
  "participant.removed",
] as const satisfies readonly EventKind[];

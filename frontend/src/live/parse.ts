/**
 * Validates what arrives on a live socket against the protocol (./protocol.ts) and returns a
 * normalised copy (only declared fields); anything undeclared or malformed is dropped (null), never
 * trusted. A dropped event shows up as a version gap at the next event, which makes the client ask
 * for a snapshot. Tested against the server's generated schema (tests/protocol-schema.test.ts).
 */
import {
  PROTOCOL_VERSION,
  type AckFrame,
  type DistributionEntry,
  type EventDataByKind,
  type EventFrame,
  type EventKind,
  type Me,
  type MyAnswer,
  type RosterStatus,
  type Results,
  type RosterEntry,
  type ServerFrame,
  type ServerTimestamp,
  type SessionState,
  type SnapshotFrame,
  type Tally,
  type TeacherInfo,
} from "./protocol";

const STATES: ReadonlySet<string> = new Set(["lobby", "running", "ended"]);
const ROSTER_STATUS: ReadonlySet<string> = new Set(["connected", "reconnecting", "gone", "absent"]);

type Obj = Record<string, unknown>;

const isObject = (value: unknown): value is Obj =>
  typeof value === "object" && value !== null && !Array.isArray(value);
const isCount = (value: unknown): value is number =>
  typeof value === "number" && Number.isInteger(value) && value >= 0;
const isId = (value: unknown): value is number => typeof value === "number" && Number.isInteger(value);
const isTimestamp = (value: unknown): value is ServerTimestamp =>
  (typeof value === "string" && value !== "") || (typeof value === "number" && Number.isFinite(value));
const isState = (value: unknown): value is SessionState => typeof value === "string" && STATES.has(value);
const isNullableBool = (value: unknown): value is boolean | null => value === null || typeof value === "boolean";
const isAttempt = (value: unknown): value is number => isCount(value) && value >= 1;
/** An attempt that may be missing (an older server: the first). */
const attemptOf = (value: unknown): number => need(value === undefined || value === null || isAttempt(value), (value ?? 1) as number);
const nullableCount = (value: unknown): number | null =>
  need(value === null || value === undefined || isCount(value), (value ?? null) as number | null);

/** Thrown inside the parsers; parseServerFrame turns it into null. */
class Malformed extends Error {}

function need<T>(ok: boolean, value: T): T {
  if (!ok) throw new Malformed();
  return value;
}

function parseDistribution(value: unknown): DistributionEntry[] {
  need(Array.isArray(value), null);
  return (value as unknown[]).map((entry) => {
    need(isObject(entry), null);
    const e = entry as Obj;
    return { label: need(typeof e.label === "string", e.label as string), count: need(isCount(e.count), e.count as number) };
  });
}

function parseDeadline(value: unknown): ServerTimestamp | null {
  if (value === null || value === undefined) return null;
  return need(isTimestamp(value), value as ServerTimestamp);
}

export function parseResults(value: unknown): Results {
  need(isObject(value), null);
  const v = value as Obj;
  const results: Results = {
    block: need(typeof v.block === "string" && v.block !== "", v.block as string),
    kind: need(typeof v.kind === "string", v.kind as string),
    anonymous: need(typeof v.anonymous === "boolean", v.anonymous as boolean),
    answered: need(isCount(v.answered), v.answered as number),
    total: need(isCount(v.total), v.total as number),
    correct_count: need(v.correct_count === null || v.correct_count === undefined || isCount(v.correct_count),
      (v.correct_count ?? null) as number | null),
    answer: v.answer === undefined ? null : v.answer,
    explanation: need(v.explanation === undefined || typeof v.explanation === "string", (v.explanation ?? "") as string),
    distribution: parseDistribution(v.distribution ?? []),
    attempt: attemptOf(v.attempt),
  };
  if (v.names !== undefined && v.names !== null) {
    need(Array.isArray(v.names) && (v.names as unknown[]).every((n) => typeof n === "string"), null);
    results.names = [...(v.names as string[])];
  }
  return results;
}

function parseRosterEntry(value: unknown): RosterEntry {
  need(isObject(value), null);
  const v = value as Obj;
  const hand = v.hand === undefined || v.hand === false ? null : v.hand;
  return {
    id: need(isId(v.id), v.id as number),
    nickname: need(typeof v.nickname === "string", v.nickname as string),
    status: need(typeof v.status === "string" && ROSTER_STATUS.has(v.status), v.status as RosterStatus),
    // `true` (raised, time unknown) is kept as 0 so it sorts first rather than being lost.
    hand: hand === true ? 0 : need(hand === null || isTimestamp(hand), hand as ServerTimestamp | null),
    answered: need(v.answered === undefined || typeof v.answered === "boolean", v.answered === true),
  };
}

export function parseRoster(value: unknown): RosterEntry[] {
  need(Array.isArray(value), null);
  return (value as unknown[]).map(parseRosterEntry);
}

export function parseTally(value: unknown): Tally {
  need(isObject(value), null);
  const v = value as Obj;
  const previous = v.previous === null || v.previous === undefined ? null : parseDistribution(v.previous);
  const tally: Tally = {
    block: need(typeof v.block === "string", v.block as string),
    answered: need(isCount(v.answered), v.answered as number),
    total: need(isCount(v.total), v.total as number),
    correct: nullableCount(v.correct),
    distribution: parseDistribution(v.distribution ?? []),
    attempt: attemptOf(v.attempt),
    previous,
    previous_answered: previous === null ? null : nullableCount(v.previous_answered),
    previous_correct: previous === null ? null : nullableCount(v.previous_correct),
  };
  // Kept when sent (an older server's tally has neither; the console then reads them as unknown).
  if (v.kind !== undefined) tally.kind = need(typeof v.kind === "string", v.kind as string);
  if (v.number !== undefined) tally.number = need(isCount(v.number), v.number as number);
  return tally;
}

function parseMe(value: unknown): Me | null {
  if (value === null || value === undefined) return null;
  need(isObject(value), null);
  const v = value as Obj;
  const answers: Record<string, MyAnswer> = {};
  const raw = v.answers ?? {};
  need(isObject(raw), null);
  for (const [block, entry] of Object.entries(raw as Obj)) {
    need(isObject(entry) && "answer" in entry, null);
    const e = entry as Obj;
    answers[block] = {
      answer: e.answer,
      correct: need(isNullableBool(e.correct ?? null), (e.correct ?? null) as boolean | null),
      attempt: attemptOf(e.attempt),
    };
  }
  return {
    participant: need(isId(v.participant), v.participant as number),
    nickname: need(typeof v.nickname === "string", v.nickname as string),
    hand: need(v.hand === undefined || typeof v.hand === "boolean", v.hand === true),
    answers,
  };
}

function parseTeacher(value: unknown): TeacherInfo | null {
  if (value === null || value === undefined) return null;
  need(isObject(value), null);
  const v = value as Obj;
  return {
    code: need(typeof v.code === "string", v.code as string),
    open: need(typeof v.open === "boolean", v.open as boolean),
    roster: parseRoster(v.roster ?? []),
    tally: v.tally === null || v.tally === undefined ? null : parseTally(v.tally),
    numbers: parseNumbers(v.numbers),
  };
}

function parseNumbers(value: unknown): Record<string, number> {
  if (value === undefined || value === null) return {};
  need(isObject(value), null);
  const numbers: Record<string, number> = {};
  for (const [block, n] of Object.entries(value as Obj)) numbers[block] = need(isCount(n), n as number);
  return numbers;
}

function parseSnapshot(v: Obj): SnapshotFrame {
  need(v.protocol === PROTOCOL_VERSION, null);
  const slide = v.slide;
  const question = v.question;
  need(isObject(slide) && isCount(slide.index) && isCount(slide.count), null);
  need(isObject(question) && typeof question.block === "string" && typeof question.revealed === "boolean", null);
  const s = slide as Obj;
  const q = question as Obj;
  return {
    type: "snapshot",
    protocol: PROTOCOL_VERSION,
    version: need(isCount(v.version), v.version as number),
    server_time: need(typeof v.server_time === "number" && Number.isFinite(v.server_time), v.server_time as number),
    state: need(isState(v.state), v.state as SessionState),
    slide: { index: s.index as number, count: s.count as number },
    question: {
      block: q.block as string,
      kind: need(q.kind === undefined || typeof q.kind === "string", (q.kind ?? "") as string),
      deadline: parseDeadline(q.deadline),
      revealed: q.revealed as boolean,
      attempt: attemptOf(q.attempt),
    },
    locked: need(typeof v.locked === "boolean", v.locked as boolean),
    results: v.results === null || v.results === undefined ? null : parseResults(v.results),
    me: parseMe(v.me),
    teacher: parseTeacher(v.teacher),
  };
}

function parseEventData(kind: unknown, data: Obj): { kind: EventKind; data: EventFrame["data"] } {
  switch (kind) {
    case "session.state":
      return { kind, data: { state: need(isState(data.state), data.state as SessionState) } };
    case "slide.changed":
      return { kind, data: { index: need(isCount(data.index), data.index as number) } };
    case "question.opened":
      return {
        kind,
        data: {
          block: need(typeof data.block === "string" && data.block !== "", data.block as string),
          kind: need(data.kind === undefined || typeof data.kind === "string", (data.kind ?? "") as string),
          deadline: parseDeadline(data.deadline),
          attempt: attemptOf(data.attempt),
        },
      };
    case "question.closed":
      return { kind, data: { block: need(typeof data.block === "string", data.block as string) } };
    case "results.revealed": {
      const results = parseResults(data.results);
      const block = need(typeof data.block === "string" && data.block === results.block, data.block as string);
      const out: EventDataByKind["results.revealed"] = { block, results };
      if (data.mine !== undefined && data.mine !== null) {
        need(isObject(data.mine), null);
        const correct = (data.mine as Obj).correct ?? null;
        out.mine = { correct: need(isNullableBool(correct), correct as boolean | null) };
      }
      return { kind, data: out };
    }
    case "screen.locked":
      return { kind, data: { locked: need(typeof data.locked === "boolean", data.locked as boolean) } };
    case "participant.removed":
      return { kind, data: { participant: need(isId(data.participant), data.participant as number) } };
    default:
      throw new Malformed();
  }
}

function parseFrame(v: Obj): ServerFrame {
  switch (v.type) {
    case "snapshot":
      return parseSnapshot(v);
    case "event": {
      need(isCount(v.version) && isObject(v.data), null);
      const { kind, data } = parseEventData(v.kind, v.data as Obj);
      return { type: "event", version: v.version as number, kind, data } as EventFrame;
    }
    case "roster":
      return { type: "roster", participants: parseRoster(v.participants) };
    case "tally":
      return { type: "tally", ...parseTally(v) };
    case "ack": {
      need(v.ref === null || v.ref === undefined || typeof v.ref === "string", null);
      const ack: AckFrame = { type: "ack", ref: (v.ref ?? null) as string | null };
      if (v.version !== undefined) ack.version = need(isCount(v.version), v.version as number);
      if (v.duplicate !== undefined) ack.duplicate = need(typeof v.duplicate === "boolean", v.duplicate as boolean);
      if (v.hand !== undefined) ack.hand = need(typeof v.hand === "boolean", v.hand as boolean);
      return ack;
    }
    case "sync":
      return { type: "sync", version: need(isCount(v.version), v.version as number) };
    case "error":
      need(typeof v.code === "string" && typeof v.message === "string", null);
      need(v.ref === null || v.ref === undefined || typeof v.ref === "string", null);
      return { type: "error", code: v.code as string, message: v.message as string, ref: (v.ref ?? null) as string | null };
    default:
      throw new Malformed();
  }
}

export function parseServerFrame(value: unknown): ServerFrame | null {
  if (!isObject(value)) return null;
  try {
    return parseFrame(value);
  } catch (err) {
    if (err instanceof Malformed) return null;
    throw err;
  }
}

/**
 * The live protocol's server frames, mirrored from classrooms/live.py and
 * classrooms/live_protocol.py (docs/live-protocol.md) as a discriminated union.
 * `parseServerFrame` validates what arrives; anything else is dropped, never trusted.
 */

export type SessionState = "lobby" | "running" | "ended";

export interface QuestionState {
  block: string;
  deadline: string | null;
  revealed: boolean;
}

export interface SnapshotFrame {
  type: "snapshot";
  version: number;
  state: SessionState;
  slide: { index: number; count: number };
  question: QuestionState;
  my_answers?: Record<string, unknown>;
  participants?: { id: number; nickname: string }[];
  answered?: number;
}

export type EventKind = "session.state" | "slide.changed" | "question.opened" | "question.closed" | "response.counted";

export interface EventFrame {
  type: "event";
  version: number;
  kind: EventKind;
  data: Record<string, unknown>;
}

export interface AckFrame {
  type: "ack";
  ref: string | null;
  version?: number;
  duplicate?: boolean;
}

export interface ErrorFrame {
  type: "error";
  code: string;
  message: string;
  ref?: string;
}

export type ServerFrame = SnapshotFrame | EventFrame | AckFrame | ErrorFrame;

export type ClientFrame =
  | { type: "snapshot.get" }
  | { type: "session.run" }
  | { type: "slide.goto"; index: number }
  | { type: "question.open"; block: string; seconds?: number }
  | { type: "question.close" }
  | { type: "session.end" }
  | { type: "answer.submit"; id: string; block: string; answer: unknown };

const EVENT_KINDS: ReadonlySet<string> = new Set([
  "session.state",
  "slide.changed",
  "question.opened",
  "question.closed",
  "response.counted",
]);
const STATES: ReadonlySet<string> = new Set(["lobby", "running", "ended"]);

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);
const isCount = (value: unknown): value is number => typeof value === "number" && Number.isInteger(value) && value >= 0;

export function parseServerFrame(value: unknown): ServerFrame | null {
  if (!isObject(value)) return null;
  switch (value.type) {
    case "snapshot": {
      const slide = value.slide;
      const question = value.question;
      if (!isCount(value.version) || typeof value.state !== "string" || !STATES.has(value.state)) return null;
      if (!isObject(slide) || !isCount(slide.index) || !isCount(slide.count)) return null;
      if (!isObject(question) || typeof question.block !== "string" || typeof question.revealed !== "boolean") return null;
      return value as unknown as SnapshotFrame;
    }
    case "event":
      return isCount(value.version) && typeof value.kind === "string" && EVENT_KINDS.has(value.kind) && isObject(value.data)
        ? (value as unknown as EventFrame)
        : null;
    case "ack":
      return value.ref === null || typeof value.ref === "string" || value.ref === undefined
        ? (value as unknown as AckFrame)
        : null;
    case "error":
      return typeof value.code === "string" && typeof value.message === "string" ? (value as unknown as ErrorFrame) : null;
    default:
      return null;
  }
}

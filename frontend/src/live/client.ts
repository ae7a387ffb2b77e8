/**
 * The live session as seen by one page: parses frames from a LiveSocket, keeps the reconciled
 * state and the server clock offset, asks for a snapshot on a gap, and tells the page about
 * changes, acks and errors. Shared by the teacher console and the student view.
 */
import type { IncomingMessage, LiveSocket } from "../transport/socket";
import { clockOffset } from "./countdown";
import { type AckFrame, type ErrorFrame, type EventFrame, type ServerFrame } from "./protocol";
import { parseServerFrame } from "./parse";
import { applyEvent, applyRoster, applyTally, catchUp, fromSnapshot, type LiveState } from "./reconcile";

/** A snapshot asked for and not received within this time may be asked for again. */
export const SNAPSHOT_RETRY_MS = 5_000;
/** Events kept while waiting for a snapshot (more means something is badly wrong: drop the oldest). */
const MAX_BUFFER = 500;

export type ChangeListener = (state: LiveState, cause: ServerFrame | null) => void;

export interface LiveClientOptions {
  /** Clock for the server-time offset; defaults to Date.now. */
  now?: () => number;
}

function notify<T extends unknown[]>(listeners: Set<(...args: T) => void>, ...args: T): void {
  for (const listener of [...listeners]) {
    try {
      listener(...args);
    } catch (err) {
      console.error(err);
    }
  }
}

export class LiveClient {
  readonly socket: LiveSocket;
  private current: LiveState | null = null;
  private offsetMs = 0;
  /** When a snapshot was asked for (or is due: every connect starts with one); null if none is. */
  private awaitingSince: number | null = null;
  private buffer: EventFrame[] = [];
  private readonly now: () => number;
  private readonly changeListeners = new Set<ChangeListener>();
  private readonly ackListeners = new Set<(ack: AckFrame) => void>();
  private readonly errorListeners = new Set<(error: ErrorFrame) => void>();
  private readonly unsubscribe: Array<() => void>;

  constructor(socket: LiveSocket, options: LiveClientOptions = {}) {
    this.socket = socket;
    this.now = options.now ?? Date.now;
    this.unsubscribe = [
      socket.onMessage((msg) => this.receive(msg)),
      socket.onState((state) => {
        // The server opens every connection with a snapshot: hold events until it arrives.
        if (state === "open") this.expectSnapshot();
      }),
    ];
    if (socket.state === "open") this.expectSnapshot();
  }

  get state(): LiveState | null {
    return this.current;
  }

  /** How far the server clock is ahead of this device's clock, in ms. */
  get offset(): number {
    return this.offsetMs;
  }

  get awaitingSnapshot(): boolean {
    return this.awaitingSince !== null;
  }

  onChange(listener: ChangeListener): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  onAck(listener: (ack: AckFrame) => void): () => void {
    this.ackListeners.add(listener);
    return () => this.ackListeners.delete(listener);
  }

  onError(listener: (error: ErrorFrame) => void): () => void {
    this.errorListeners.add(listener);
    return () => this.errorListeners.delete(listener);
  }

  /** Asks for a snapshot unless one is already on its way (and not overdue). */
  requestSnapshot(): void {
    const now = this.now();
    if (this.awaitingSince !== null && now - this.awaitingSince < SNAPSHOT_RETRY_MS) return;
    if (this.socket.send({ type: "snapshot.get" })) this.awaitingSince = now;
  }

  /** Applies a local change (e.g. an acknowledged answer) and tells the listeners. */
  update(change: (state: LiveState) => LiveState | null): void {
    if (this.current === null) return;
    const next = change(this.current);
    if (next === null || next === this.current) return;
    this.current = next;
    notify(this.changeListeners, next, null);
  }

  destroy(): void {
    for (const off of this.unsubscribe) off();
    this.changeListeners.clear();
    this.ackListeners.clear();
    this.errorListeners.clear();
  }

  /** Handles one frame (also used by tests to play the server without a socket). */
  receive(msg: IncomingMessage | unknown): void {
    const frame = parseServerFrame(msg);
    if (frame === null) return;
    switch (frame.type) {
      case "snapshot": {
        this.offsetMs = clockOffset(frame.server_time, this.now());
        this.awaitingSince = null;
        const buffered = this.buffer;
        this.buffer = [];
        const result = catchUp(fromSnapshot(frame), buffered);
        this.current = result.state;
        if (result.needSnapshot) this.requestSnapshot();
        notify(this.changeListeners, result.state!, frame);
        return;
      }
      case "event": {
        if (this.awaitingSince !== null || this.current === null) {
          this.hold(frame);
          if (this.current !== null) this.requestSnapshot(); // only if the one asked for is overdue
          return;
        }
        const result = applyEvent(this.current, frame);
        if (result.needSnapshot) {
          this.hold(frame);
          this.requestSnapshot();
          return;
        }
        if (result.state === this.current) return; // already applied
        this.current = result.state;
        notify(this.changeListeners, result.state, frame);
        return;
      }
      case "roster":
      case "tally": {
        const next = frame.type === "roster" ? applyRoster(this.current, frame.participants) : applyTally(this.current, frame);
        if (next === null || next === this.current) return;
        this.current = next;
        notify(this.changeListeners, next, frame);
        return;
      }
      case "sync":
        // Events were lost on the way (not merely late): catch up from a snapshot.
        if (this.current !== null && this.current.version < frame.version) this.requestSnapshot();
        return;
      case "ack":
        notify(this.ackListeners, frame);
        return;
      case "error":
        notify(this.errorListeners, frame);
        return;
    }
  }

  private expectSnapshot(): void {
    this.awaitingSince = this.now();
    this.buffer = [];
  }

  private hold(event: EventFrame): void {
    this.buffer.push(event);
    if (this.buffer.length > MAX_BUFFER) this.buffer.shift();
  }
}

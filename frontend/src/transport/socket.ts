import { backoffDelay, BUSY_BACKOFF, DEFAULT_BACKOFF, type BackoffOptions } from "./backoff";
import { Outbox, type OutboxMessage } from "./outbox";
import { randomId } from "./uuid";

export type ConnectionState = "connecting" | "open" | "reconnecting" | "closed";

/** A parsed incoming frame: always a plain JSON object. */
export type IncomingMessage = { readonly [key: string]: unknown };

/**
 * Close codes after which reconnecting cannot help: the server closed on
 * purpose (1000), or said not authenticated / forbidden / not found.
 */
export const TERMINAL_CLOSE_CODES: ReadonlySet<number> = new Set([1000, 4401, 4403, 4404]);

/**
 * "Try Again Later" (RFC 6455): the server is overloaded and sheds this connection (reason
 * `busy`). The socket retries with the longer BUSY_BACKOFF and reports `busy` meanwhile.
 */
export const BUSY_CLOSE_CODE = 1013;

/** A connection that stayed open this long was healthy: the next drop starts the backoff afresh. */
export const DEFAULT_HEALTHY_MS = 5_000;

const WS_OPEN = 1;

/** The part of the browser WebSocket that LiveSocket uses; tests inject a fake. */
export interface WebSocketLike {
  readonly readyState: number;
  onopen: ((ev: Event) => void) | null;
  onmessage: ((ev: MessageEvent) => void) | null;
  onerror: ((ev: Event) => void) | null;
  onclose: ((ev: CloseEvent) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

export type WebSocketConstructor = new (url: string) => WebSocketLike;

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Where `online` events come from (the window, in a browser). */
export type OnlineEventSource = Pick<EventTarget, "addEventListener" | "removeEventListener">;

export interface LiveSocketOptions {
  url: string;
  /** Defaults to the global WebSocket. */
  WebSocketImpl?: WebSocketConstructor;
  /** Source of jitter for reconnect delays, in [0, 1]. Defaults to Math.random. */
  random?: () => number;
  /** Defaults to the global setTimeout/clearTimeout, looked up at call time. */
  timers?: Timers;
  /** Unacknowledged reliable messages; defaults to an in-memory outbox. */
  outbox?: Outbox;
  backoff?: Partial<BackoffOptions>;
  /** Delays after a busy close (1013); defaults to BUSY_BACKOFF. */
  busyBackoff?: Partial<BackoffOptions>;
  /** How long a connection must stay open to reset the backoff; defaults to DEFAULT_HEALTHY_MS. */
  healthyMs?: number;
  /** Clock for `healthyMs`; defaults to Date.now. */
  now?: () => number;
  /** Reconnect attempts in a row before giving up (state `closed`). */
  maxAttempts?: number;
  /** Generates ids for reliable messages. Defaults to a random UUID. */
  generateId?: () => string;
  /** Defaults to `window` when there is one; null disables the `online` hook. */
  onlineEvents?: OnlineEventSource | null;
}

// Looked up on every call so that fake timers installed later still apply.
const globalTimers: Timers = {
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof globalThis.setTimeout>),
};

function isRecord(value: unknown): value is IncomingMessage {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Calls every listener; one that throws does not stop the others. */
function notify<T>(listeners: Set<(value: T) => void>, value: T): void {
  for (const listener of [...listeners]) {
    try {
      listener(value);
    } catch (err) {
      console.error(err);
    }
  }
}

/**
 * A WebSocket that reconnects with jittered exponential backoff and delivers
 * "reliable" messages at least once: they stay in an outbox until the server
 * acknowledges them ({"type":"ack","ref":id}) and are re-sent, in order, on
 * every (re)connection.
 *
 * Reconnect policy (docs/live-protocol.md, "Close codes"): after a drop the first retry comes
 * within 0–1 s, drawn at random so that a school's tablets do not all return at the same
 * instant; each further failure doubles the window, up to 15 s. After a busy close (1013) the
 * wait is longer (BUSY_BACKOFF) and `busy` is true until the socket opens again. The counters
 * start afresh only after a connection that stayed open for `healthyMs` (a server that accepts
 * and sheds at once does not reset them), or when the browser comes back online.
 */
export class LiveSocket {
  readonly url: string;
  readonly outbox: Outbox;

  private readonly WebSocketImpl: WebSocketConstructor | undefined;
  private readonly random: () => number;
  private readonly timers: Timers;
  private readonly backoff: BackoffOptions;
  private readonly busyBackoff: BackoffOptions;
  private readonly healthyMs: number;
  private readonly now: () => number;
  private readonly maxAttempts: number;
  private readonly generateId: () => string;
  private readonly onlineEvents: OnlineEventSource | null;

  private ws: WebSocketLike | null = null;
  /** The pending reconnect: its timer and when it is due (by `now`). */
  private retry: { handle: unknown; dueAt: number } | null = null;
  /** Retries since the last healthy connection (every kind of drop counts). */
  private attempt = 0;
  /** Busy closes (1013) since the last healthy connection. */
  private busyAttempt = 0;
  /** Whether the last drop was a busy close. */
  private droppedBusy = false;
  /** When the current connection opened (null while not open). */
  private openedAt: number | null = null;
  private currentState: ConnectionState = "closed";
  private reportedBusy = false;
  private closeCode: number | null = null;
  private readonly stateListeners = new Set<(state: ConnectionState) => void>();
  private readonly messageListeners = new Set<(msg: IncomingMessage) => void>();

  constructor(options: LiveSocketOptions) {
    this.url = options.url;
    this.WebSocketImpl = options.WebSocketImpl;
    this.random = options.random ?? Math.random;
    this.timers = options.timers ?? globalTimers;
    this.outbox = options.outbox ?? new Outbox();
    this.backoff = { ...DEFAULT_BACKOFF, ...options.backoff };
    this.busyBackoff = { ...BUSY_BACKOFF, ...options.busyBackoff };
    this.healthyMs = options.healthyMs ?? DEFAULT_HEALTHY_MS;
    this.now = options.now ?? Date.now;
    this.maxAttempts = options.maxAttempts ?? Infinity;
    this.generateId = options.generateId ?? randomId;
    this.onlineEvents =
      options.onlineEvents !== undefined ? options.onlineEvents : typeof window !== "undefined" ? window : null;
  }

  get state(): ConnectionState {
    return this.currentState;
  }

  /** True while reconnecting after the server said it is busy (close 1013). */
  get busy(): boolean {
    return this.currentState === "reconnecting" && this.droppedBusy;
  }

  /** Code of the last close frame received from the server, if any. */
  get lastCloseCode(): number | null {
    return this.closeCode;
  }

  /** Called when the state changes, and when `busy` changes while reconnecting. */
  onState(listener: (state: ConnectionState) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  onMessage(listener: (msg: IncomingMessage) => void): () => void {
    this.messageListeners.add(listener);
    return () => this.messageListeners.delete(listener);
  }

  /** Starts connecting. Does nothing while connected or already trying. */
  connect(): void {
    if (this.ws !== null || this.retry !== null) return;
    this.resetBackoff();
    this.droppedBusy = false;
    this.openedAt = null;
    this.closeCode = null;
    this.onlineEvents?.addEventListener("online", this.handleOnline);
    this.setState("connecting");
    this.open();
  }

  /** Closes on the user's behalf: no reconnect until connect() is called again. */
  close(): void {
    this.stop();
    const ws = this.detach();
    if (ws) {
      try {
        ws.close(1000);
      } catch {
        // Already closing: nothing to do.
      }
    }
    this.setState("closed");
  }

  /** Fire-and-forget: sends only if open; false if the message was not sent. */
  send(msg: object): boolean {
    if (this.currentState !== "open" || this.ws === null) return false;
    return this.transmit(this.ws, msg);
  }

  /**
   * Queues `msg` until the server acks it, sending it now if open. Assigns an
   * id when `msg` has none and returns the id.
   */
  sendReliable<T extends object>(msg: T & { id?: string }): string {
    const id = typeof msg.id === "string" && msg.id !== "" ? msg.id : this.generateId();
    const full: OutboxMessage = { ...msg, id };
    JSON.stringify(full); // Throws now, for the caller, if it can never be sent.
    this.outbox.add(full);
    if (this.currentState === "open" && this.ws !== null) this.transmit(this.ws, full);
    return id;
  }

  private open(): void {
    const Impl = this.WebSocketImpl ?? globalThis.WebSocket;
    let ws: WebSocketLike;
    try {
      ws = new Impl(this.url);
    } catch (err) {
      // A malformed URL or a blocked port: retrying cannot fix it.
      console.error(err);
      this.stop();
      this.setState("closed");
      return;
    }
    this.ws = ws;
    // Each handler checks that `ws` is still the current socket, so late
    // events from a socket we already gave up on are ignored.
    ws.onopen = () => {
      if (this.ws === ws) this.handleOpen(ws);
    };
    ws.onmessage = (ev) => {
      if (this.ws === ws) this.handleMessage(ev.data);
    };
    ws.onerror = () => {
      if (this.ws === ws) this.handleDrop(null);
    };
    ws.onclose = (ev) => {
      if (this.ws === ws) this.handleDrop(ev.code);
    };
  }

  private handleOpen(ws: WebSocketLike): void {
    // The backoff is reset only once this connection proves healthy (see handleDrop).
    this.openedAt = this.now();
    // Re-send before announcing "open", so a listener that sends on "open"
    // cannot get its message sent twice.
    for (const msg of this.outbox.pending()) this.transmit(ws, msg);
    this.setState("open");
  }

  private handleMessage(data: unknown): void {
    if (typeof data !== "string") return; // Binary frames are not part of the protocol.
    let msg: unknown;
    try {
      msg = JSON.parse(data);
    } catch {
      return;
    }
    if (!isRecord(msg)) return;
    if (msg["type"] === "ack" && typeof msg["ref"] === "string") this.outbox.ack(msg["ref"]);
    notify(this.messageListeners, msg);
  }

  /** The connection is gone: `code` is the close code, or null after an error. */
  private handleDrop(code: number | null): void {
    const ws = this.detach();
    if (code === null && ws) {
      try {
        ws.close();
      } catch {
        // Ignore: the socket is being dropped anyway.
      }
    }
    if (code !== null) this.closeCode = code;
    if (this.openedAt !== null && this.now() - this.openedAt >= this.healthyMs) this.resetBackoff();
    this.openedAt = null;
    if (code !== null && TERMINAL_CLOSE_CODES.has(code)) {
      this.stop();
      this.setState("closed");
      return;
    }
    this.droppedBusy = code === BUSY_CLOSE_CODE;
    this.scheduleRetry();
  }

  private resetBackoff(): void {
    this.attempt = 0;
    this.busyAttempt = 0;
  }

  private scheduleRetry(): void {
    if (this.attempt >= this.maxAttempts) {
      this.stop();
      this.setState("closed");
      return;
    }
    let delay: number;
    if (this.droppedBusy) {
      delay = backoffDelay(this.busyAttempt, this.busyBackoff, this.random);
      this.busyAttempt += 1;
    } else {
      delay = backoffDelay(this.attempt, this.backoff, this.random);
    }
    this.attempt += 1;
    this.setState("reconnecting");
    this.wait(delay);
  }

  private wait(delay: number): void {
    const retry: { handle: unknown; dueAt: number } = { handle: null, dueAt: this.now() + delay };
    retry.handle = this.timers.setTimeout(() => {
      if (this.retry !== retry) return;
      this.retry = null;
      this.open();
    }, delay);
    this.retry = retry;
  }

  /**
   * The network came back: retry soon instead of waiting out the backoff. "Soon" is still a
   * first retry's jittered delay (0–1 s), since a school's Wi-Fi brings every tablet back online
   * at the same moment.
   */
  private readonly handleOnline = (): void => {
    if (this.currentState !== "reconnecting") return;
    this.resetBackoff();
    this.droppedBusy = false;
    this.setState("reconnecting"); // `busy` is no longer true
    if (this.retry === null) return; // A connection attempt is already under way.
    this.attempt = 1;
    const delay = backoffDelay(0, this.backoff, this.random);
    if (this.now() + delay >= this.retry.dueAt) return; // The wait left is shorter already.
    this.cancelRetry();
    this.wait(delay);
  };

  private cancelRetry(): void {
    if (this.retry === null) return;
    this.timers.clearTimeout(this.retry.handle);
    this.retry = null;
  }

  /** Stops retrying and listening for `online`. */
  private stop(): void {
    this.cancelRetry();
    this.onlineEvents?.removeEventListener("online", this.handleOnline);
  }

  /** Forgets the current socket and unhooks its handlers; returns it. */
  private detach(): WebSocketLike | null {
    const ws = this.ws;
    this.ws = null;
    if (ws) {
      ws.onopen = null;
      ws.onmessage = null;
      ws.onerror = null;
      ws.onclose = null;
    }
    return ws;
  }

  private transmit(ws: WebSocketLike, msg: object): boolean {
    if (ws.readyState !== WS_OPEN) return false;
    try {
      ws.send(JSON.stringify(msg));
      return true;
    } catch {
      return false;
    }
  }

  private setState(state: ConnectionState): void {
    const busy = state === "reconnecting" && this.droppedBusy;
    if (state === this.currentState && busy === this.reportedBusy) return;
    this.currentState = state;
    this.reportedBusy = busy;
    notify(this.stateListeners, state);
  }
}

import { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from "./backoff";
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
 */
export class LiveSocket {
  readonly url: string;
  readonly outbox: Outbox;

  private readonly WebSocketImpl: WebSocketConstructor | undefined;
  private readonly random: () => number;
  private readonly timers: Timers;
  private readonly backoff: BackoffOptions;
  private readonly maxAttempts: number;
  private readonly generateId: () => string;
  private readonly onlineEvents: OnlineEventSource | null;

  private ws: WebSocketLike | null = null;
  private retry: { handle: unknown } | null = null;
  private attempt = 0;
  private currentState: ConnectionState = "closed";
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
    this.maxAttempts = options.maxAttempts ?? Infinity;
    this.generateId = options.generateId ?? randomId;
    this.onlineEvents =
      options.onlineEvents !== undefined ? options.onlineEvents : typeof window !== "undefined" ? window : null;
  }

  get state(): ConnectionState {
    return this.currentState;
  }

  /** Code of the last close frame received from the server, if any. */
  get lastCloseCode(): number | null {
    return this.closeCode;
  }

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
    this.attempt = 0;
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
    this.attempt = 0;
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
    if (code !== null && TERMINAL_CLOSE_CODES.has(code)) {
      this.stop();
      this.setState("closed");
      return;
    }
    this.scheduleRetry();
  }

  private scheduleRetry(): void {
    if (this.attempt >= this.maxAttempts) {
      this.stop();
      this.setState("closed");
      return;
    }
    const delay = backoffDelay(this.attempt, this.backoff, this.random);
    this.attempt += 1;
    this.setState("reconnecting");
    const retry: { handle: unknown } = { handle: null };
    retry.handle = this.timers.setTimeout(() => {
      if (this.retry !== retry) return;
      this.retry = null;
      this.open();
    }, delay);
    this.retry = retry;
  }

  /** The network came back: retry now instead of waiting out the backoff. */
  private readonly handleOnline = (): void => {
    if (this.currentState !== "reconnecting") return;
    this.attempt = 0;
    if (this.retry === null) return; // A connection attempt is already under way.
    this.cancelRetry();
    this.open();
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
    if (state === this.currentState) return;
    this.currentState = state;
    notify(this.stateListeners, state);
  }
}

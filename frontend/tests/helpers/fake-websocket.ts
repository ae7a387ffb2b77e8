import type { WebSocketLike } from "../../src/transport/socket";

/**
 * In-memory stand-in for the browser WebSocket. The code under test uses it
 * like a real one; the test plays the server with the `server*` methods.
 */
export class FakeWebSocket implements WebSocketLike {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSING = 2;
  static readonly CLOSED = 3;

  /** Every socket constructed since the last reset(), oldest first. */
  static instances: FakeWebSocket[] = [];

  static reset(): void {
    FakeWebSocket.instances = [];
  }

  /** The most recently constructed socket. */
  static get last(): FakeWebSocket {
    const ws = FakeWebSocket.instances.at(-1);
    if (!ws) throw new Error("no FakeWebSocket was constructed");
    return ws;
  }

  readonly url: string;
  readyState: number = FakeWebSocket.CONNECTING;
  onopen: ((ev: Event) => void) | null = null;
  onmessage: ((ev: MessageEvent) => void) | null = null;
  onerror: ((ev: Event) => void) | null = null;
  onclose: ((ev: CloseEvent) => void) | null = null;

  /** Frames the client sent, as raw strings. */
  readonly sent: string[] = [];
  /** Arguments of each client close() call. */
  readonly closeCalls: Array<{ code: number | undefined; reason: string | undefined }> = [];

  constructor(url: string) {
    this.url = url;
    FakeWebSocket.instances.push(this);
  }

  send(data: string): void {
    // Like a browser: sending before the handshake is an error; after close
    // the data is silently dropped.
    if (this.readyState === FakeWebSocket.CONNECTING) {
      throw new DOMException("Still in CONNECTING state.", "InvalidStateError");
    }
    if (this.readyState === FakeWebSocket.OPEN) this.sent.push(data);
  }

  close(code?: number, reason?: string): void {
    this.closeCalls.push({ code, reason });
    if (this.readyState !== FakeWebSocket.CLOSED) this.readyState = FakeWebSocket.CLOSING;
  }

  /** Sent frames, JSON-parsed. */
  get sentJson(): unknown[] {
    return this.sent.map((frame) => JSON.parse(frame) as unknown);
  }

  /** Ids of the sent frames, in order. */
  get sentIds(): unknown[] {
    return this.sentJson.map((frame) => (frame as { id?: unknown }).id);
  }

  // --- Server side -------------------------------------------------------

  serverOpen(): void {
    this.readyState = FakeWebSocket.OPEN;
    this.onopen?.(new Event("open"));
  }

  /** Delivers a frame: objects are JSON-encoded, anything else is sent as is. */
  serverSend(data: unknown): void {
    const payload = typeof data === "object" && data !== null && !(data instanceof ArrayBuffer) ? JSON.stringify(data) : data;
    this.onmessage?.(new MessageEvent("message", { data: payload }));
  }

  serverAck(ref: string, extra: Record<string, unknown> = {}): void {
    this.serverSend({ type: "ack", ref, ...extra });
  }

  serverClose(code: number, reason = ""): void {
    this.readyState = FakeWebSocket.CLOSED;
    this.onclose?.(new CloseEvent("close", { code, reason, wasClean: code !== 1006 }));
  }

  /** A failed connection, as browsers report it: error, then close 1006. */
  fail(): void {
    this.readyState = FakeWebSocket.CLOSED;
    this.onerror?.(new Event("error"));
    this.onclose?.(new CloseEvent("close", { code: 1006, wasClean: false }));
  }

  /** Only an error event (some environments never follow it with close). */
  errorOnly(): void {
    this.onerror?.(new Event("error"));
  }
}

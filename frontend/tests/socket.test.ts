import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Outbox } from "../src/transport/outbox";
import {
  LiveSocket,
  TERMINAL_CLOSE_CODES,
  type ConnectionState,
  type IncomingMessage,
  type LiveSocketOptions,
} from "../src/transport/socket";
import { FakeWebSocket } from "./helpers/fake-websocket";
import { ManualTimers } from "./helpers/manual-timers";
import { MemoryStorage } from "./helpers/memory-storage";

const URL_ = "wss://school.example/ws/echo/";

function setup(overrides: Partial<LiveSocketOptions> = {}) {
  const timers = new ManualTimers();
  const onlineEvents = new EventTarget();
  let nextId = 0;
  const socket = new LiveSocket({
    url: URL_,
    WebSocketImpl: FakeWebSocket,
    timers,
    random: () => 1, // Delays equal the backoff ceiling: easy to assert.
    generateId: () => `id-${++nextId}`,
    onlineEvents,
    ...overrides,
  });
  const states: ConnectionState[] = [];
  const messages: IncomingMessage[] = [];
  socket.onState((s) => states.push(s));
  socket.onMessage((m) => messages.push(m));
  const goOnline = () => onlineEvents.dispatchEvent(new Event("online"));
  return { socket, timers, states, messages, goOnline };
}

/** Connects and completes the handshake; returns the open fake socket. */
function connectOpen(socket: LiveSocket): FakeWebSocket {
  socket.connect();
  const ws = FakeWebSocket.last;
  ws.serverOpen();
  return ws;
}

beforeEach(() => {
  FakeWebSocket.reset();
});

describe("connecting", () => {
  it("starts closed, then emits connecting and open", () => {
    const { socket, states } = setup();
    expect(socket.state).toBe("closed");
    socket.connect();
    expect(FakeWebSocket.instances).toHaveLength(1);
    expect(FakeWebSocket.last.url).toBe(URL_);
    expect(socket.state).toBe("connecting");
    FakeWebSocket.last.serverOpen();
    expect(socket.state).toBe("open");
    expect(states).toEqual(["connecting", "open"]);
  });

  it("connect() is a no-op while already connecting or open", () => {
    const { socket } = setup();
    socket.connect();
    socket.connect();
    FakeWebSocket.last.serverOpen();
    socket.connect();
    expect(FakeWebSocket.instances).toHaveLength(1);
  });

  it("uses the global WebSocket when none is injected", () => {
    vi.stubGlobal("WebSocket", FakeWebSocket);
    const socket = new LiveSocket({ url: URL_, onlineEvents: null });
    socket.connect();
    expect(FakeWebSocket.instances).toHaveLength(1);
    expect(FakeWebSocket.last.url).toBe(URL_);
    socket.close();
  });

  it("gives up (closed) if the WebSocket constructor throws", () => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    class Broken extends FakeWebSocket {
      constructor(url: string) {
        super(url);
        throw new DOMException("bad url", "SyntaxError");
      }
    }
    const { socket, states, timers } = setup({ WebSocketImpl: Broken });
    socket.connect();
    expect(socket.state).toBe("closed");
    expect(states).toEqual(["connecting", "closed"]);
    expect(timers.pending).toBe(0);
    expect(errors).toHaveBeenCalledOnce();
  });
});

describe("send", () => {
  it("sends fire-and-forget frames only while open", () => {
    const { socket } = setup();
    expect(socket.send({ type: "ping" })).toBe(false);
    socket.connect();
    expect(socket.send({ type: "ping" })).toBe(false); // still connecting
    const ws = FakeWebSocket.last;
    ws.serverOpen();
    expect(socket.send({ type: "ping", n: 1 })).toBe(true);
    expect(ws.sentJson).toEqual([{ type: "ping", n: 1 }]);
    ws.serverClose(1006);
    expect(socket.send({ type: "ping" })).toBe(false);
    expect(ws.sent).toHaveLength(1);
  });

  it("fire-and-forget frames are not queued", () => {
    const { socket, timers } = setup();
    socket.connect();
    socket.send({ type: "lost" });
    FakeWebSocket.last.serverOpen();
    expect(FakeWebSocket.last.sent).toEqual([]);
    FakeWebSocket.last.serverClose(1006);
    timers.runNext();
    FakeWebSocket.last.serverOpen();
    expect(FakeWebSocket.last.sent).toEqual([]);
  });

  it("returns false for a message JSON cannot encode", () => {
    const { socket } = setup();
    connectOpen(socket);
    expect(socket.send({ big: 1n })).toBe(false);
  });
});

describe("sendReliable", () => {
  it("assigns an id, sends now when open and keeps it until acked", () => {
    const { socket } = setup();
    const ws = connectOpen(socket);
    const id = socket.sendReliable({ type: "echo", payload: { n: 1 } });
    expect(id).toBe("id-1");
    expect(ws.sentJson).toEqual([{ type: "echo", payload: { n: 1 }, id: "id-1" }]);
    expect(socket.outbox.pending()).toEqual([{ type: "echo", payload: { n: 1 }, id: "id-1" }]);
  });

  it("keeps an id the caller already chose", () => {
    const { socket } = setup();
    const ws = connectOpen(socket);
    expect(socket.sendReliable({ type: "echo", id: "mine" })).toBe("mine");
    expect(ws.sentIds).toEqual(["mine"]);
  });

  it("defaults to random UUIDs", () => {
    const socket = new LiveSocket({ url: URL_, WebSocketImpl: FakeWebSocket, onlineEvents: null });
    const a = socket.sendReliable({ type: "echo" });
    const b = socket.sendReliable({ type: "echo" });
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(a).not.toBe(b);
  });

  it("queues while connecting and sends in order once open", () => {
    const { socket } = setup();
    socket.connect();
    const ws = FakeWebSocket.last;
    socket.sendReliable({ type: "echo", payload: "a" });
    socket.sendReliable({ type: "echo", payload: "b" });
    expect(ws.sent).toEqual([]); // Not even attempted: the fake would have thrown.
    ws.serverOpen();
    expect(ws.sentIds).toEqual(["id-1", "id-2"]);
  });

  it("throws for a message that can never be encoded, and does not queue it", () => {
    const { socket } = setup();
    expect(() => socket.sendReliable({ type: "echo", payload: 1n })).toThrow(TypeError);
    expect(socket.outbox.size).toBe(0);
  });

  it("an ack removes the message and is delivered to listeners too", () => {
    const { socket, messages } = setup();
    const ws = connectOpen(socket);
    const id = socket.sendReliable({ type: "echo", payload: { n: 1 } });
    const ack = { type: "ack", ref: id, payload: { n: 1 }, server_time: 1_700_000_000_000 };
    ws.serverSend(ack);
    expect(socket.outbox.size).toBe(0);
    expect(messages).toEqual([ack]);
  });

  it("the outbox is already updated when listeners see the ack", () => {
    const { socket } = setup();
    const ws = connectOpen(socket);
    const id = socket.sendReliable({ type: "echo" });
    const sizes: number[] = [];
    socket.onMessage(() => sizes.push(socket.outbox.size));
    ws.serverAck(id);
    expect(sizes).toEqual([0]);
  });

  it("an ack for an unknown id is harmless", () => {
    const { socket, messages } = setup();
    const ws = connectOpen(socket);
    socket.sendReliable({ type: "echo" });
    ws.serverAck("someone-else");
    expect(socket.outbox.size).toBe(1);
    expect(messages).toHaveLength(1);
  });

  it("a non-ack frame carrying a ref does not ack", () => {
    const { socket } = setup();
    const ws = connectOpen(socket);
    const id = socket.sendReliable({ type: "echo" });
    ws.serverSend({ type: "error", ref: id, code: "invalid_frame" });
    ws.serverSend({ type: "ack", ref: 123 });
    expect(socket.outbox.has(id)).toBe(true);
  });
});

describe("reconnecting", () => {
  it("re-sends unacked messages in order after a reconnect, and not the acked ones", () => {
    const { socket, timers } = setup();
    const first = connectOpen(socket);
    const a = socket.sendReliable({ type: "echo", payload: "a" });
    const b = socket.sendReliable({ type: "echo", payload: "b" });
    const c = socket.sendReliable({ type: "echo", payload: "c" });
    first.serverAck(b);
    first.serverClose(1006);
    expect(socket.state).toBe("reconnecting");

    // Sent while reconnecting: queued, not written to the dead socket.
    const d = socket.sendReliable({ type: "echo", payload: "d" });
    expect(first.sentIds).toEqual([a, b, c]);

    timers.runNext();
    const second = FakeWebSocket.last;
    expect(second).not.toBe(first);
    expect(second.sent).toEqual([]);
    second.serverOpen();
    expect(second.sentIds).toEqual([a, c, d]);
    expect(second.sentJson[0]).toEqual({ type: "echo", payload: "a", id: a });
  });

  it("re-sends on every reopen until acked", () => {
    const { socket, timers } = setup();
    connectOpen(socket);
    const id = socket.sendReliable({ type: "echo" });
    for (let i = 0; i < 3; i++) {
      FakeWebSocket.last.serverClose(1011);
      timers.runNext();
      FakeWebSocket.last.serverOpen();
      expect(FakeWebSocket.last.sentIds).toEqual([id]);
    }
    FakeWebSocket.last.serverAck(id);
    FakeWebSocket.last.serverClose(1006);
    timers.runNext();
    FakeWebSocket.last.serverOpen();
    expect(FakeWebSocket.last.sent).toEqual([]);
  });

  it("does not send twice when an open listener sends reliably", () => {
    const { socket } = setup();
    socket.onState((s) => {
      if (s === "open") socket.sendReliable({ type: "hello" });
    });
    const ws = connectOpen(socket);
    expect(ws.sentIds).toEqual(["id-1"]);
  });

  it("emits the full sequence of states", () => {
    const { socket, timers, states } = setup();
    connectOpen(socket);
    FakeWebSocket.last.serverClose(1006);
    timers.runNext();
    expect(socket.state).toBe("reconnecting"); // still trying
    FakeWebSocket.last.serverOpen();
    socket.close();
    expect(states).toEqual(["connecting", "open", "reconnecting", "open", "closed"]);
  });

  it("backoff delays grow while failing and reset after a healthy connection", () => {
    let clock = 0;
    const { socket, timers } = setup({ now: () => clock });
    connectOpen(socket);
    FakeWebSocket.last.serverClose(1006);
    for (let i = 0; i < 5; i++) {
      timers.runNext();
      FakeWebSocket.last.fail();
    }
    expect(timers.delays).toEqual([1000, 2000, 4000, 8000, 15_000, 15_000]);

    timers.runNext();
    FakeWebSocket.last.serverOpen();
    clock += 5_000;
    FakeWebSocket.last.serverClose(1006);
    expect(timers.delays.at(-1)).toBe(1000);
  });

  it("a first connection that fails also backs off", () => {
    const { socket, timers, states } = setup();
    socket.connect();
    FakeWebSocket.last.fail();
    expect(states).toEqual(["connecting", "reconnecting"]);
    expect(timers.delays).toEqual([1000]);
  });

  it("caps delays at backoff.maxMs and uses the injected random", () => {
    const { socket, timers } = setup({ random: () => 0.5, backoff: { baseMs: 100, maxMs: 300 } });
    socket.connect();
    for (let i = 0; i < 4; i++) {
      FakeWebSocket.last.fail();
      timers.runNext();
    }
    expect(timers.delays).toEqual([50, 100, 150, 150]);
  });

  it("an error followed by close schedules a single retry and closes the socket", () => {
    const { socket, timers } = setup();
    const ws = connectOpen(socket);
    ws.fail();
    expect(timers.pending).toBe(1);
    expect(ws.closeCalls).toHaveLength(1);
    timers.runNext();
    expect(FakeWebSocket.instances).toHaveLength(2);
  });

  it("an error without a close event still reconnects", () => {
    const { socket, timers } = setup();
    const ws = connectOpen(socket);
    ws.errorOnly();
    expect(socket.state).toBe("reconnecting");
    expect(timers.pending).toBe(1);
  });

  it("ignores events from a socket it already gave up on", () => {
    const { socket, timers, messages, states } = setup();
    const old = connectOpen(socket);
    old.errorOnly();
    timers.runNext();
    old.serverSend({ type: "ack", ref: "late" });
    old.serverClose(4401);
    old.serverOpen();
    expect(messages).toEqual([]);
    expect(socket.state).toBe("reconnecting");
    expect(states).toEqual(["connecting", "open", "reconnecting"]);
  });

  it("gives up after maxAttempts retries in a row", () => {
    const { socket, timers, states } = setup({ maxAttempts: 2 });
    socket.connect();
    FakeWebSocket.last.fail();
    timers.runNext();
    FakeWebSocket.last.fail();
    timers.runNext();
    FakeWebSocket.last.fail();
    expect(socket.state).toBe("closed");
    expect(timers.pending).toBe(0);
    expect(FakeWebSocket.instances).toHaveLength(3);
    expect(states.at(-1)).toBe("closed");
  });

  it("records the close code of a non-terminal close", () => {
    const { socket } = setup();
    connectOpen(socket);
    FakeWebSocket.last.serverClose(1012);
    expect(socket.lastCloseCode).toBe(1012);
    expect(socket.state).toBe("reconnecting");
  });
});

describe("terminal close codes", () => {
  it("are 1000, 4401, 4403 and 4404", () => {
    expect([...TERMINAL_CLOSE_CODES].sort()).toEqual([1000, 4401, 4403, 4404]);
  });

  it.each([1000, 4401, 4403, 4404])("close %i ends the connection for good", (code) => {
    const { socket, timers, states, goOnline } = setup();
    connectOpen(socket);
    socket.sendReliable({ type: "echo" });
    FakeWebSocket.last.serverClose(code);
    expect(socket.state).toBe("closed");
    expect(socket.lastCloseCode).toBe(code);
    expect(timers.pending).toBe(0);
    goOnline();
    expect(FakeWebSocket.instances).toHaveLength(1);
    expect(states).toEqual(["connecting", "open", "closed"]);
    // Unacked messages stay queued for a later connect().
    expect(socket.outbox.size).toBe(1);
  });

  it.each([1001, 1006, 1011, 1012, 4000, 4500])("close %i reconnects", (code) => {
    const { socket, timers } = setup();
    connectOpen(socket);
    FakeWebSocket.last.serverClose(code);
    expect(socket.state).toBe("reconnecting");
    expect(timers.pending).toBe(1);
  });

  it("a terminal close during the handshake is terminal too", () => {
    const { socket, timers } = setup();
    socket.connect();
    FakeWebSocket.last.serverClose(4401);
    expect(socket.state).toBe("closed");
    expect(timers.pending).toBe(0);
  });

  it("connect() after a terminal close starts afresh and re-sends the outbox", () => {
    const { socket } = setup();
    connectOpen(socket);
    const id = socket.sendReliable({ type: "echo" });
    FakeWebSocket.last.serverClose(4401);
    const ws = connectOpen(socket);
    expect(socket.lastCloseCode).toBeNull();
    expect(ws.sentIds).toEqual([id]);
  });
});

describe("close()", () => {
  it("closes with 1000 and does not reconnect, even when the close event arrives", () => {
    const { socket, timers, states } = setup();
    const ws = connectOpen(socket);
    socket.close();
    expect(socket.state).toBe("closed");
    expect(ws.closeCalls).toEqual([{ code: 1000, reason: undefined }]);
    ws.serverClose(1006);
    expect(timers.pending).toBe(0);
    expect(states).toEqual(["connecting", "open", "closed"]);
  });

  it("cancels a scheduled reconnect", () => {
    const { socket, timers } = setup();
    connectOpen(socket);
    FakeWebSocket.last.serverClose(1006);
    expect(timers.pending).toBe(1);
    socket.close();
    expect(timers.pending).toBe(0);
    expect(FakeWebSocket.instances).toHaveLength(1);
    expect(socket.state).toBe("closed");
  });

  it("stops listening for online events", () => {
    const { socket, goOnline } = setup();
    connectOpen(socket);
    socket.close();
    goOnline();
    expect(FakeWebSocket.instances).toHaveLength(1);
  });
});

describe("incoming frames", () => {
  it.each([
    ["not JSON", "hello"],
    ["truncated JSON", '{"type":"ack"'],
    ["a JSON array", "[1,2]"],
    ["a JSON number", "42"],
    ["a JSON string", '"ack"'],
    ["JSON null", "null"],
    ["an empty frame", ""],
  ])("ignores %s", (_label, frame) => {
    const { socket, messages } = setup();
    const ws = connectOpen(socket);
    expect(() => ws.serverSend(frame)).not.toThrow();
    expect(messages).toEqual([]);
    expect(socket.state).toBe("open");
  });

  it("ignores binary frames", () => {
    const { socket, messages } = setup();
    const ws = connectOpen(socket);
    expect(() => ws.serverSend(new ArrayBuffer(4))).not.toThrow();
    expect(messages).toEqual([]);
  });

  it("still delivers valid frames after malformed ones", () => {
    const { socket, messages } = setup();
    const ws = connectOpen(socket);
    ws.serverSend("garbage");
    ws.serverSend({ type: "error", code: "invalid_json", message: "x" });
    expect(messages).toEqual([{ type: "error", code: "invalid_json", message: "x" }]);
  });

  it("a throwing listener does not stop the others or the socket", () => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    const { socket, messages } = setup();
    socket.onMessage(() => {
      throw new Error("listener bug");
    });
    const after: IncomingMessage[] = [];
    socket.onMessage((m) => after.push(m));
    const ws = connectOpen(socket);
    expect(() => ws.serverSend({ type: "x" })).not.toThrow();
    expect(messages).toHaveLength(1);
    expect(after).toHaveLength(1);
    expect(errors).toHaveBeenCalledOnce();
  });

  it("unsubscribed listeners hear nothing more", () => {
    const { socket } = setup();
    const heard: IncomingMessage[] = [];
    const seen: ConnectionState[] = [];
    const offMessage = socket.onMessage((m) => heard.push(m));
    const offState = socket.onState((s) => seen.push(s));
    const ws = connectOpen(socket);
    ws.serverSend({ type: "one" });
    offMessage();
    offState();
    ws.serverSend({ type: "two" });
    socket.close();
    expect(heard).toEqual([{ type: "one" }]);
    expect(seen).toEqual(["connecting", "open"]);
  });
});

describe("online event", () => {
  it("cuts a long wait short to a first retry's jittered delay, and resets the backoff", () => {
    const { socket, timers, goOnline } = setup();
    connectOpen(socket);
    FakeWebSocket.last.serverClose(1006);
    for (let i = 0; i < 5; i++) {
      timers.runNext();
      FakeWebSocket.last.fail();
    }
    expect(timers.delays.at(-1)).toBe(15_000);
    const before = FakeWebSocket.instances.length;

    goOnline();
    expect(timers.pending).toBe(1); // the long wait was replaced by a short one
    expect(timers.delays.at(-1)).toBe(1000);
    timers.runNext();
    expect(FakeWebSocket.instances).toHaveLength(before + 1);

    FakeWebSocket.last.fail();
    expect(timers.delays.at(-1)).toBe(2000); // the second retry since the network came back
  });

  it("a failure after an attempt already under way starts from the first retry's delay", () => {
    const { socket, timers, goOnline } = setup();
    connectOpen(socket);
    FakeWebSocket.last.serverClose(1006);
    for (let i = 0; i < 4; i++) {
      timers.runNext();
      FakeWebSocket.last.fail();
    }
    timers.runNext(); // attempt in progress
    goOnline();
    FakeWebSocket.last.fail();
    expect(timers.delays.at(-1)).toBe(1000);
  });

  it("does nothing while open", () => {
    const { socket, goOnline } = setup();
    connectOpen(socket);
    goOnline();
    expect(FakeWebSocket.instances).toHaveLength(1);
    expect(socket.state).toBe("open");
  });

  it("does not start a second attempt while one is under way", () => {
    const { socket, timers, goOnline } = setup();
    connectOpen(socket);
    FakeWebSocket.last.serverClose(1006);
    timers.runNext(); // attempt in progress
    goOnline();
    expect(FakeWebSocket.instances).toHaveLength(2);
  });
});

describe("with the global timers and window", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("waits for the backoff delay using setTimeout", () => {
    const socket = new LiveSocket({ url: URL_, WebSocketImpl: FakeWebSocket, random: () => 1, onlineEvents: null });
    connectOpen(socket);
    FakeWebSocket.last.serverClose(1006);
    vi.advanceTimersByTime(999);
    expect(FakeWebSocket.instances).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(FakeWebSocket.instances).toHaveLength(2);
    socket.close();
  });

  it("listens for online on window by default", () => {
    const socket = new LiveSocket({ url: URL_, WebSocketImpl: FakeWebSocket, random: () => 1 });
    connectOpen(socket);
    FakeWebSocket.last.serverClose(1006);
    vi.advanceTimersByTime(1000);
    FakeWebSocket.last.fail();
    vi.advanceTimersByTime(2000);
    FakeWebSocket.last.fail(); // now waiting 4 s
    window.dispatchEvent(new Event("online"));
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(999);
    expect(FakeWebSocket.instances).toHaveLength(3);
    vi.advanceTimersByTime(1);
    expect(FakeWebSocket.instances).toHaveLength(4);
    socket.close();
    window.dispatchEvent(new Event("online"));
    vi.runAllTimers();
    expect(FakeWebSocket.instances).toHaveLength(4);
  });
});

describe("with a persisted outbox", () => {
  it("re-sends messages left unacked by a previous page", () => {
    const storage = new MemoryStorage();
    const key = "baeum.outbox.test";
    const before = setup({ outbox: new Outbox({ storage, key }) });
    before.socket.connect();
    const id = before.socket.sendReliable({ type: "echo", payload: { n: 1 } });
    before.socket.close(); // the page goes away

    FakeWebSocket.reset();
    const after = setup({ outbox: new Outbox({ storage, key }) });
    const ws = connectOpen(after.socket);
    expect(ws.sentJson).toEqual([{ type: "echo", payload: { n: 1 }, id }]);
    ws.serverAck(id);
    expect(storage.getItem(key)).toBeNull();
  });
});

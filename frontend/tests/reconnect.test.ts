/**
 * Reconnect storms: a school's tablets that lose their worker at the same moment come back spread
 * out, the wait is capped, a healthy connection starts the backoff afresh, and a busy close (1013)
 * backs off longer and shows "busy, retrying" — with nothing in the outbox lost or sent twice.
 * Fake timers (Date.now included) and a seeded random source make every run the same.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { bindConnection } from "../src/live/connection";
import { BUSY_BACKOFF, DEFAULT_BACKOFF } from "../src/transport/backoff";
import { BUSY_CLOSE_CODE, DEFAULT_HEALTHY_MS, LiveSocket, type LiveSocketOptions } from "../src/transport/socket";
import { bindConnectionIndicator } from "../src/ui/connection-indicator";
import { FakeWebSocket } from "./helpers/fake-websocket";

/** mulberry32: a small seeded generator, uniform in [0, 1). */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** A FakeWebSocket that remembers when (fake Date.now) it was constructed. */
class TimedWebSocket extends FakeWebSocket {
  readonly createdAt = Date.now();
}

const URL_ = "wss://school.example/ws/live/1/";

function socket(random: () => number, overrides: Partial<LiveSocketOptions> = {}): LiveSocket {
  return new LiveSocket({ url: URL_, WebSocketImpl: TimedWebSocket, random, onlineEvents: null, ...overrides });
}

function connectOpen(s: LiveSocket): TimedWebSocket {
  s.connect();
  const ws = FakeWebSocket.last as TimedWebSocket;
  ws.serverOpen();
  return ws;
}

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(0);
  FakeWebSocket.reset();
});

afterEach(() => {
  vi.useRealTimers();
});

describe("a thousand clients that lose their worker at once", () => {
  const N = 1000;

  function dropAll(code: number, reason = ""): { sockets: LiveSocket[]; wsBefore: Set<FakeWebSocket> } {
    const random = seeded(12_345);
    const sockets = Array.from({ length: N }, () => socket(random));
    const first = sockets.map(connectOpen);
    vi.advanceTimersByTime(60_000); // a healthy lesson
    for (const ws of first) ws.serverClose(code, reason);
    return { sockets, wsBefore: new Set(first) };
  }

  /** Reconnect times after the drop (ms), in order. */
  const retryTimes = (before: Set<FakeWebSocket>, droppedAt: number): number[] =>
    FakeWebSocket.instances
      .filter((ws) => !before.has(ws))
      .map((ws) => (ws as TimedWebSocket).createdAt - droppedAt)
      .sort((a, b) => a - b);

  it("come back within the first second, spread evenly over it", () => {
    const droppedAt = 60_000;
    const { sockets, wsBefore } = dropAll(1006);
    expect(sockets.every((s) => s.state === "reconnecting" && !s.busy)).toBe(true);
    vi.advanceTimersByTime(DEFAULT_BACKOFF.baseMs);
    const times = retryTimes(wsBefore, droppedAt);
    expect(times).toHaveLength(N); // every one tried again within 1 s
    expect(times[N - 1]).toBeLessThanOrEqual(1000);
    // Ten buckets of 100 ms each get a tenth of the class, give or take.
    const buckets = Array.from({ length: 10 }, (_, i) => times.filter((t) => t >= i * 100 && t < (i + 1) * 100).length);
    for (const count of buckets) {
      expect(count).toBeGreaterThan(70);
      expect(count).toBeLessThan(130);
    }
    // Never a crowd in the same instant: at most 2.5% within any 10 ms (1% on average).
    for (let t = 0; t < 1000; t += 10) {
      expect(times.filter((x) => x >= t && x < t + 10).length).toBeLessThanOrEqual(25);
    }
  });

  it("after a busy close (1013) wait 1-4 s, spread, and show busy meanwhile", () => {
    const droppedAt = 60_000;
    const { sockets, wsBefore } = dropAll(BUSY_CLOSE_CODE, "busy");
    expect(sockets.every((s) => s.state === "reconnecting" && s.busy)).toBe(true);
    vi.advanceTimersByTime(999);
    expect(retryTimes(wsBefore, droppedAt)).toEqual([]); // nobody comes straight back
    vi.advanceTimersByTime(3001);
    const times = retryTimes(wsBefore, droppedAt);
    expect(times).toHaveLength(N);
    expect(times[0]).toBeGreaterThanOrEqual(1000);
    expect(times[N - 1]).toBeLessThanOrEqual(4000);
    const buckets = [1000, 1750, 2500, 3250].map((lo) => times.filter((t) => t >= lo && t < lo + 750).length);
    for (const count of buckets) {
      expect(count).toBeGreaterThan(200);
      expect(count).toBeLessThan(300);
    }
    // Still busy until a connection opens.
    expect(sockets.every((s) => s.busy)).toBe(true);
    for (const ws of FakeWebSocket.instances) if (!wsBefore.has(ws)) ws.serverOpen();
    expect(sockets.every((s) => s.state === "open" && !s.busy)).toBe(true);
  });
});

describe("one client's delays", () => {
  it("double while failing and never exceed the 15 s cap", () => {
    const s = socket(seeded(7));
    connectOpen(s);
    const delays: number[] = [];
    let at = Date.now();
    FakeWebSocket.last.serverClose(1006);
    for (let i = 0; i < 40; i++) {
      const before = FakeWebSocket.instances.length;
      while (FakeWebSocket.instances.length === before) vi.advanceTimersByTime(1);
      delays.push(Date.now() - at);
      at = Date.now();
      FakeWebSocket.last.fail();
    }
    expect(Math.max(...delays)).toBeLessThanOrEqual(DEFAULT_BACKOFF.maxMs);
    expect(delays[0]).toBeLessThanOrEqual(1000);
    expect(delays[1]).toBeLessThanOrEqual(2000);
    expect(delays[2]).toBeLessThanOrEqual(4000);
    // Once capped, the delays still vary (jitter) and use the whole window.
    const capped = delays.slice(10);
    expect(new Set(capped).size).toBeGreaterThan(20);
    expect(Math.max(...capped)).toBeGreaterThan(12_000);
    expect(Math.min(...capped)).toBeLessThan(3_000);
    s.close();
  });

  it("start afresh after a connection that stayed open for healthyMs, not after a short one", () => {
    const s = socket(() => 1); // delays equal the window's ceiling
    connectOpen(s);
    const waitFor = (): number => {
      const start = Date.now();
      const before = FakeWebSocket.instances.length;
      while (FakeWebSocket.instances.length === before) vi.advanceTimersByTime(1);
      return Date.now() - start;
    };
    FakeWebSocket.last.serverClose(1006);
    expect(waitFor()).toBe(1000);
    FakeWebSocket.last.fail();
    expect(waitFor()).toBe(2000);
    // Opens, but drops within a second: not healthy, the backoff keeps growing.
    FakeWebSocket.last.serverOpen();
    vi.advanceTimersByTime(1000);
    FakeWebSocket.last.serverClose(1006);
    expect(waitFor()).toBe(4000);
    // Open for healthyMs: the next drop is a first retry again.
    FakeWebSocket.last.serverOpen();
    vi.advanceTimersByTime(DEFAULT_HEALTHY_MS);
    FakeWebSocket.last.serverClose(1006);
    expect(waitFor()).toBe(1000);
    s.close();
  });

  it("a server that accepts and sheds at once (1013) backs off further each time, up to 30 s", () => {
    const s = socket(() => 1);
    connectOpen(s);
    vi.advanceTimersByTime(60_000);
    const waits: number[] = [];
    for (let i = 0; i < 6; i++) {
      FakeWebSocket.last.serverClose(BUSY_CLOSE_CODE, "busy");
      expect(s.busy).toBe(true);
      const start = Date.now();
      const before = FakeWebSocket.instances.length;
      while (FakeWebSocket.instances.length === before) vi.advanceTimersByTime(10);
      waits.push(Date.now() - start);
      FakeWebSocket.last.serverOpen(); // accepted …
    }
    expect(waits).toEqual([4000, 8000, 16_000, 30_000, 30_000, 30_000]);
    expect(BUSY_BACKOFF.maxMs).toBe(30_000);
    // … and then served: healthy, so a later busy close starts from 1-4 s again.
    vi.advanceTimersByTime(DEFAULT_HEALTHY_MS);
    FakeWebSocket.last.serverClose(BUSY_CLOSE_CODE, "busy");
    const start = Date.now();
    const before = FakeWebSocket.instances.length;
    while (FakeWebSocket.instances.length === before) vi.advanceTimersByTime(10);
    expect(Date.now() - start).toBe(4000);
    s.close();
  });

  it("a network drop after a busy close is no longer busy", () => {
    const states: Array<[string, boolean]> = [];
    const s = socket(() => 0.5);
    s.onState((state) => states.push([state, s.busy]));
    connectOpen(s);
    FakeWebSocket.last.serverClose(BUSY_CLOSE_CODE, "busy");
    vi.advanceTimersByTime(4000);
    FakeWebSocket.last.fail();
    expect(s.busy).toBe(false);
    expect(states).toEqual([
      ["connecting", false],
      ["open", false],
      ["reconnecting", true],
      ["reconnecting", false], // listeners hear that busy ended
    ]);
    s.close();
  });

  it("terminal codes stay terminal and are never busy", () => {
    for (const code of [1000, 4401, 4403, 4404]) {
      const s = socket(() => 0.5);
      connectOpen(s);
      FakeWebSocket.last.serverClose(code);
      expect([s.state, s.busy, s.lastCloseCode]).toEqual(["closed", false, code]);
      expect(vi.getTimerCount()).toBe(0);
    }
  });
});

describe("answers across a busy close", () => {
  it("are re-sent once after the retry, kept until acked, and never sent twice once acked", () => {
    const s = socket(seeded(3), { generateId: () => "answer-1" });
    const ws = connectOpen(s);
    s.sendReliable({ type: "answer", payload: { choice: 2 } });
    expect(ws.sentIds).toEqual(["answer-1"]);
    ws.serverClose(BUSY_CLOSE_CODE, "busy"); // shed before the server could ack
    expect(s.outbox.size).toBe(1);
    vi.advanceTimersByTime(BUSY_BACKOFF.maxMs);
    const again = FakeWebSocket.last;
    expect(again).not.toBe(ws);
    again.serverOpen();
    expect(again.sentIds).toEqual(["answer-1"]); // the same id: the server stores it once
    again.serverAck("answer-1");
    expect(s.outbox.size).toBe(0);
    vi.advanceTimersByTime(DEFAULT_HEALTHY_MS);
    again.serverClose(BUSY_CLOSE_CODE, "busy");
    vi.advanceTimersByTime(BUSY_BACKOFF.maxMs);
    FakeWebSocket.last.serverOpen();
    expect(FakeWebSocket.last.sent).toEqual([]);
    s.close();
  });
});

describe("the badges", () => {
  const labels = {
    conn_connecting: "연결 중…",
    conn_open: "연결됨",
    conn_reconnecting: "다시 연결 중…",
    conn_offline: "오프라인",
    conn_busy: "서버가 바빠요. 곧 다시 연결해요…",
  };

  it("the live pages show busy, then open again", () => {
    const s = socket(() => 0.5);
    const el = document.createElement("p");
    const win = Object.assign(new EventTarget(), { navigator: { onLine: true } });
    bindConnection(el, s, labels, win);
    connectOpen(s);
    FakeWebSocket.last.serverClose(BUSY_CLOSE_CODE, "busy");
    expect([el.dataset.state, el.textContent]).toEqual(["busy", labels.conn_busy]);
    win.navigator.onLine = false;
    win.dispatchEvent(new Event("offline"));
    expect([el.dataset.state, el.textContent]).toEqual(["offline", "오프라인"]); // offline wins
    win.navigator.onLine = true;
    win.dispatchEvent(new Event("online"));
    expect(el.dataset.state).toBe("busy");
    vi.runOnlyPendingTimers();
    FakeWebSocket.last.serverOpen();
    expect([el.dataset.state, el.textContent]).toEqual(["open", "연결됨"]);
    s.close();
  });

  it("without a busy label the live pages say reconnecting", () => {
    const s = socket(() => 0.5);
    const el = document.createElement("p");
    const { conn_busy: _unused, ...older } = labels;
    bindConnection(el, s, older, null);
    connectOpen(s);
    FakeWebSocket.last.serverClose(BUSY_CLOSE_CODE, "busy");
    expect([el.dataset.state, el.textContent]).toEqual(["busy", "다시 연결 중…"]);
    s.close();
  });

  it("the network check page marks busy and uses its busy label", () => {
    const s = socket(() => 0.5);
    const el = document.createElement("strong");
    bindConnectionIndicator(el, s, {
      connecting: "연결 중…",
      open: "연결됨",
      reconnecting: "다시 연결하는 중…",
      closed: "연결 끊김",
      busy: "서버가 바빠요. 곧 다시 연결해요…",
    });
    connectOpen(s);
    FakeWebSocket.last.serverClose(BUSY_CLOSE_CODE, "busy");
    expect([el.dataset.connectionState, el.dataset.busy, el.textContent]).toEqual([
      "reconnecting",
      "1",
      "서버가 바빠요. 곧 다시 연결해요…",
    ]);
    vi.runOnlyPendingTimers();
    FakeWebSocket.last.fail();
    expect([el.dataset.connectionState, el.dataset.busy, el.textContent]).toEqual([
      "reconnecting",
      undefined,
      "다시 연결하는 중…",
    ]);
    s.close();
  });
});

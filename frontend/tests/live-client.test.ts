import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LiveClient, SNAPSHOT_RETRY_MS } from "../src/live/client";
import { bindConnection, connectionView } from "../src/live/connection";
import type { LiveState } from "../src/live/reconcile";
import { LiveSocket } from "../src/transport/socket";
import { FakeWebSocket } from "./helpers/fake-websocket";
import { ManualTimers } from "./helpers/manual-timers";

const snapshot = (version: number, extra: Record<string, unknown> = {}) => ({
  type: "snapshot",
  protocol: 2,
  version,
  server_time: 1_000_000,
  state: "running",
  slide: { index: 0, count: 5 },
  question: { block: "", kind: "", deadline: null, revealed: false },
  locked: false,
  results: null,
  me: null,
  teacher: { code: "7KQ2MX", open: false, roster: [], tally: null },
  ...extra,
});
const slide = (version: number, index: number) => ({ type: "event", version, kind: "slide.changed", data: { index } });

let clock = 0;
let timers: ManualTimers;
let socket: LiveSocket;
let client: LiveClient;
let changes: Array<{ state: LiveState; cause: string | null }>;

function connect(): FakeWebSocket {
  FakeWebSocket.reset();
  timers = new ManualTimers();
  socket = new LiveSocket({ url: "ws://x/ws/live/1/", WebSocketImpl: FakeWebSocket, timers, onlineEvents: null });
  client = new LiveClient(socket, { now: () => clock });
  changes = [];
  client.onChange((state, cause) => changes.push({ state, cause: cause ? `${cause.type}${"kind" in cause ? `:${cause.kind}` : ""}` : null }));
  socket.connect();
  FakeWebSocket.last.serverOpen();
  return FakeWebSocket.last;
}

const sentTypes = (ws: FakeWebSocket) => ws.sentJson.map((f) => (f as { type: string }).type);

beforeEach(() => {
  clock = 5_000;
});
afterEach(() => {
  client.destroy();
  socket.close();
});

describe("LiveClient", () => {
  it("takes the snapshot, measures the clock offset and applies events in order", () => {
    const ws = connect();
    clock = 400_000; // this device is 600 s behind the server
    ws.serverSend(snapshot(7));
    expect(client.offset).toBe(600_000);
    ws.serverSend(slide(8, 1));
    ws.serverSend(slide(9, 2));
    expect(client.state).toMatchObject({ version: 9, slide: { index: 2 } });
    expect(changes.map((c) => c.cause)).toEqual(["snapshot", "event:slide.changed", "event:slide.changed"]);
    expect(sentTypes(ws)).toEqual([]);
  });

  it("asks for a snapshot on a sync frame only when it is behind the version named", () => {
    const ws = connect();
    ws.serverSend(snapshot(7));
    ws.serverSend({ type: "sync", version: 7 });
    ws.serverSend({ type: "sync", version: 3 });
    expect(sentTypes(ws)).toEqual([]);
    ws.serverSend({ type: "sync", version: 9 }); // the last events were lost on the way
    expect(sentTypes(ws)).toEqual(["snapshot.get"]);
    ws.serverSend({ type: "sync", version: "9" }); // malformed: dropped
    ws.serverSend(snapshot(9, { slide: { index: 3, count: 5 } }));
    expect(client.state).toMatchObject({ version: 9, slide: { index: 3 } });
    expect(sentTypes(ws)).toEqual(["snapshot.get"]);
  });

  it("ignores stale and duplicate events without telling the page", () => {
    const ws = connect();
    ws.serverSend(snapshot(7));
    ws.serverSend(slide(7, 4));
    ws.serverSend(slide(5, 3));
    expect(client.state?.slide.index).toBe(0);
    expect(changes).toHaveLength(1);
  });

  it("asks for one snapshot on a gap, holds events meanwhile and applies the newer ones after it", () => {
    const ws = connect();
    ws.serverSend(snapshot(7));
    ws.serverSend(slide(9, 2)); // 8 was lost
    ws.serverSend(slide(10, 3)); // still waiting: held, no second request
    expect(sentTypes(ws)).toEqual(["snapshot.get"]);
    expect(client.awaitingSnapshot).toBe(true);
    expect(client.state?.slide.index).toBe(0);
    ws.serverSend(snapshot(9, { slide: { index: 2, count: 5 } }));
    expect(client.awaitingSnapshot).toBe(false);
    expect(client.state).toMatchObject({ version: 10, slide: { index: 3 } });
    expect(sentTypes(ws)).toEqual(["snapshot.get"]);
  });

  it("asks again if the snapshot does not come", () => {
    const ws = connect();
    ws.serverSend(snapshot(7));
    ws.serverSend(slide(9, 2));
    ws.serverSend(slide(11, 2));
    expect(sentTypes(ws)).toEqual(["snapshot.get"]);
    clock += SNAPSHOT_RETRY_MS;
    ws.serverSend(slide(12, 2));
    expect(sentTypes(ws)).toEqual(["snapshot.get", "snapshot.get"]);
  });

  it("holds events that arrive before the first snapshot", () => {
    const ws = connect();
    ws.serverSend(slide(8, 1));
    expect(client.state).toBeNull();
    expect(sentTypes(ws)).toEqual([]); // the server sends a snapshot on every connect anyway
    ws.serverSend(snapshot(7));
    expect(client.state).toMatchObject({ version: 8, slide: { index: 1 } });
  });

  it("re-reads the snapshot after a reconnect and drops events of the old connection", () => {
    const ws = connect();
    ws.serverSend(snapshot(7));
    ws.fail();
    expect(socket.state).toBe("reconnecting");
    timers.runNext(); // the backoff timer fires
    const again = FakeWebSocket.last;
    expect(again).not.toBe(ws);
    again.serverOpen();
    again.serverSend(slide(20, 4)); // cannot happen before the snapshot, but must not corrupt the state
    again.serverSend(snapshot(21, { slide: { index: 3, count: 5 }, locked: true }));
    expect(client.state).toMatchObject({ version: 21, locked: true, slide: { index: 3 } });
  });

  it("applies roster and tally frames and passes acks and errors on", () => {
    const ws = connect();
    const acks: unknown[] = [];
    const errors: unknown[] = [];
    client.onAck((a) => acks.push(a));
    client.onError((e) => errors.push(e));
    ws.serverSend(snapshot(7));
    ws.serverSend({ type: "roster", participants: [{ id: 3, nickname: "윤슬기", status: "connected", hand: null, answered: false }] });
    ws.serverSend({ type: "tally", block: "b1", answered: 1, total: 1, correct: 0, distribution: [] });
    expect(client.state?.teacher?.roster.map((p) => p.nickname)).toEqual(["윤슬기"]);
    expect(client.state?.teacher?.tally?.block).toBe("b1");
    ws.serverSend({ type: "ack", ref: "a", version: 8 });
    ws.serverSend({ type: "error", code: "invalid_state", message: "아직 시작 안 했어요", ref: "b" });
    ws.serverSend({ type: "roster", participants: "broken" });
    ws.serverSend("not json");
    expect(acks).toEqual([{ type: "ack", ref: "a", version: 8 }]);
    expect(errors).toEqual([{ type: "error", code: "invalid_state", message: "아직 시작 안 했어요", ref: "b" }]);
    expect(changes.map((c) => c.cause)).toEqual(["snapshot", "roster", "tally"]);
  });
});

describe("connection badge", () => {
  it.each([
    ["open", true, "open"],
    ["open", false, "open"],
    ["connecting", true, "reconnecting"],
    ["reconnecting", true, "reconnecting"],
    ["reconnecting", false, "offline"],
    ["closed", true, "offline"],
  ] as const)("%s (online %s) -> %s", (state, online, view) => {
    expect(connectionView(state, online)).toBe(view);
  });

  it("follows the socket and the browser's online state", () => {
    FakeWebSocket.reset();
    const s = new LiveSocket({ url: "ws://x/", WebSocketImpl: FakeWebSocket, timers: new ManualTimers(), onlineEvents: null });
    const el = document.createElement("p");
    const win = Object.assign(new EventTarget(), { navigator: { onLine: true } });
    const labels = { conn_connecting: "연결 중…", conn_open: "연결됨", conn_reconnecting: "다시 연결 중…", conn_offline: "오프라인" };
    const stop = bindConnection(el, s, labels, win);
    s.connect();
    expect([el.dataset.state, el.textContent]).toEqual(["reconnecting", "연결 중…"]);
    FakeWebSocket.last.serverOpen();
    expect([el.dataset.state, el.textContent]).toEqual(["open", "연결됨"]);
    FakeWebSocket.last.fail();
    expect([el.dataset.state, el.textContent]).toEqual(["reconnecting", "다시 연결 중…"]);
    win.navigator.onLine = false;
    win.dispatchEvent(new Event("offline"));
    expect([el.dataset.state, el.textContent]).toEqual(["offline", "오프라인"]);
    expect(el.getAttribute("role")).toBe("status");
    stop();
    s.close();
  });
});

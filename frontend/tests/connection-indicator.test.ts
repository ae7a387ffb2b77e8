import { beforeEach, describe, expect, it } from "vitest";
import { LiveSocket, type ConnectionState } from "../src/transport/socket";
import { bindConnectionIndicator, type ConnectionLabels, type StateSource } from "../src/ui/connection-indicator";
import { FakeWebSocket } from "./helpers/fake-websocket";
import { ManualTimers } from "./helpers/manual-timers";

const labels: ConnectionLabels = {
  connecting: "연결 중…",
  open: "연결됨",
  reconnecting: "다시 연결하는 중…",
  closed: "연결 끊김",
};

beforeEach(() => {
  FakeWebSocket.reset();
  document.body.innerHTML = "";
});

describe("bindConnectionIndicator", () => {
  it("marks the element as a polite live region and shows the current state", () => {
    const el = document.createElement("span");
    const socket = new LiveSocket({ url: "ws://x/", WebSocketImpl: FakeWebSocket, onlineEvents: null });
    bindConnectionIndicator(el, socket, labels);
    expect(el.getAttribute("role")).toBe("status");
    expect(el.getAttribute("aria-live")).toBe("polite");
    expect(el.dataset.connectionState).toBe("closed");
    expect(el.getAttribute("data-connection-state")).toBe("closed");
    expect(el.textContent).toBe("연결 끊김");
  });

  it("follows a real socket through its states", () => {
    const el = document.createElement("span");
    const timers = new ManualTimers();
    const socket = new LiveSocket({ url: "ws://x/", WebSocketImpl: FakeWebSocket, timers, onlineEvents: null });
    bindConnectionIndicator(el, socket, labels);
    const seen: Array<[string | undefined, string | null]> = [];
    const record = () => seen.push([el.dataset.connectionState, el.textContent]);

    socket.connect();
    record();
    FakeWebSocket.last.serverOpen();
    record();
    FakeWebSocket.last.serverClose(1006);
    record();
    timers.runNext();
    FakeWebSocket.last.serverClose(4401);
    record();

    expect(seen).toEqual([
      ["connecting", "연결 중…"],
      ["open", "연결됨"],
      ["reconnecting", "다시 연결하는 중…"],
      ["closed", "연결 끊김"],
    ]);
  });

  it("stops updating once unbound", () => {
    const el = document.createElement("span");
    let emit: (s: ConnectionState) => void = () => {};
    const source: StateSource = {
      state: "open",
      onState(listener) {
        emit = listener;
        return () => {
          emit = () => {};
        };
      },
    };
    const unbind = bindConnectionIndicator(el, source, labels);
    expect(el.textContent).toBe("연결됨");
    emit("reconnecting");
    expect(el.dataset.connectionState).toBe("reconnecting");
    unbind();
    emit("closed");
    expect(el.dataset.connectionState).toBe("reconnecting");
  });
});

import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { mountLiveCheck, OUTBOX_KEY, readLabels, type LiveCheck } from "../src/pages/live-check";
import { wsUrl } from "../src/transport/ws-url";
import { FakeWebSocket } from "./helpers/fake-websocket";
import { LABELS, renderLiveCheckPage } from "./helpers/live-check-page";
import { MemoryStorage } from "./helpers/memory-storage";

const q = <T extends Element = HTMLElement>(selector: string): T => {
  const el = document.querySelector<T>(selector);
  if (!el) throw new Error(`missing ${selector}`);
  return el;
};

let mounted: LiveCheck | null = null;
let clock = 1_000_000;
const now = () => clock;

function mount(storage = new MemoryStorage(), href = "https://school.example/check/") {
  const root = renderLiveCheckPage();
  mounted = mountLiveCheck(root, { WebSocketImpl: FakeWebSocket, storage, location: { href }, now });
  return { root, storage };
}

beforeEach(() => {
  FakeWebSocket.reset();
  clock = 1_000_000;
});

afterEach(() => {
  mounted?.destroy();
  mounted = null;
  document.body.innerHTML = "";
  sessionStorage.clear();
});

describe("wsUrl", () => {
  it.each([
    ["https://school.example/check/", "/ws/echo/", "wss://school.example/ws/echo/"],
    ["http://10.0.0.5:8000/check/", "/ws/echo/", "ws://10.0.0.5:8000/ws/echo/"],
    ["http://localhost:8000/a/b#frag", "/ws/echo/", "ws://localhost:8000/ws/echo/"],
    ["https://school.example/", "wss://other.example/ws/", "wss://other.example/ws/"],
  ])("%s + %s -> %s", (href, path, expected) => {
    expect(wsUrl(path, { href })).toBe(expected);
  });
});

describe("readLabels", () => {
  it("reads every label from the JSON script", () => {
    renderLiveCheckPage();
    expect(readLabels(document)).toEqual(LABELS);
  });

  it.each([["{broken"], ['["a"]'], ['{"open": 5}']])("tolerates bad label JSON %s", (json) => {
    renderLiveCheckPage(json);
    const labels = readLabels(document);
    expect(labels.open).toBe("");
    expect(Object.keys(labels).sort()).toEqual(Object.keys(LABELS).sort());
  });
});

describe("mountLiveCheck", () => {
  it("connects to the echo endpoint over wss and marks the page ready", () => {
    const { root } = mount();
    expect(FakeWebSocket.instances).toHaveLength(1);
    expect(FakeWebSocket.last.url).toBe("wss://school.example/ws/echo/");
    expect(root.dataset.ready).toBe("1");
    expect(q("[data-echo-pending]").textContent).toBe("0");
  });

  it("shows the connection state with the page's labels", () => {
    mount();
    const indicator = q("[data-connection-state]");
    expect(indicator.dataset.connectionState).toBe("connecting");
    expect(indicator.textContent).toBe(LABELS.connecting);
    expect(indicator.getAttribute("role")).toBe("status");
    FakeWebSocket.last.serverOpen();
    expect(indicator.dataset.connectionState).toBe("open");
    expect(indicator.textContent).toBe(LABELS.open);
  });

  it("sends a numbered echo on click and logs the round trip when acked", () => {
    const { storage } = mount();
    const ws = FakeWebSocket.last;
    ws.serverOpen();

    q<HTMLButtonElement>("[data-echo-send]").click();
    expect(ws.sentJson).toHaveLength(1);
    const frame = ws.sentJson[0] as { type: string; id: string; payload: { n: number; sent_at: number } };
    expect(frame.type).toBe("echo");
    expect(frame.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(frame.payload).toEqual({ n: 1, sent_at: 1_000_000 });
    expect(q("[data-echo-pending]").textContent).toBe("1");
    expect(storage.getItem(OUTBOX_KEY)).toContain(frame.id);

    clock += 42;
    ws.serverAck(frame.id, { payload: frame.payload, server_time: 1_700_000_000_000 });

    const items = document.querySelectorAll("[data-echo-log] li");
    expect(items).toHaveLength(1);
    expect(items[0]?.textContent).toBe(`${LABELS.acked} #1 — 42 ms`);
    expect((items[0] as HTMLElement).dataset.echoRef).toBe(frame.id);
    expect(q("[data-echo-pending]").textContent).toBe("0");
    expect(storage.getItem(OUTBOX_KEY)).toBeNull();
  });

  it("numbers echoes in sequence and logs acks in arrival order", () => {
    mount();
    const ws = FakeWebSocket.last;
    ws.serverOpen();
    const button = q<HTMLButtonElement>("[data-echo-send]");
    button.click();
    button.click();
    button.click();
    expect(q("[data-echo-pending]").textContent).toBe("3");
    const frames = ws.sentJson as Array<{ id: string; payload: { n: number; sent_at: number } }>;
    expect(frames.map((f) => f.payload.n)).toEqual([1, 2, 3]);

    clock += 5;
    for (const f of [frames[2]!, frames[0]!]) ws.serverAck(f.id, { payload: f.payload });
    const texts = [...document.querySelectorAll("[data-echo-log] li")].map((li) => li.textContent);
    expect(texts).toEqual([`${LABELS.acked} #3 — 5 ms`, `${LABELS.acked} #1 — 5 ms`]);
    expect(q("[data-echo-pending]").textContent).toBe("1");
  });

  it("queues clicks while disconnected and sends them once connected", () => {
    mount();
    const button = q<HTMLButtonElement>("[data-echo-send]");
    button.click();
    button.click();
    expect(q("[data-echo-pending]").textContent).toBe("2");
    FakeWebSocket.last.serverOpen();
    expect((FakeWebSocket.last.sentJson as Array<{ payload: { n: number } }>).map((f) => f.payload.n)).toEqual([1, 2]);
  });

  it("logs a duplicate ack once and ignores acks without an echo payload", () => {
    mount();
    const ws = FakeWebSocket.last;
    ws.serverOpen();
    q<HTMLButtonElement>("[data-echo-send]").click();
    const frame = ws.sentJson[0] as { id: string; payload: unknown };
    ws.serverAck(frame.id, { payload: frame.payload });
    ws.serverAck(frame.id, { payload: frame.payload });
    ws.serverAck("other", { payload: "not an echo" });
    ws.serverSend({ type: "error", code: "unknown_type", message: "?" });
    expect(document.querySelectorAll("[data-echo-log] li")).toHaveLength(1);
  });

  it("restores unacked echoes from storage, re-sends them and continues the numbering", () => {
    const storage = new MemoryStorage();
    storage.setItem(
      OUTBOX_KEY,
      JSON.stringify([{ type: "echo", id: "left-over", payload: { n: 7, sent_at: 999_000 } }]),
    );
    mount(storage);
    expect(q("[data-echo-pending]").textContent).toBe("1");
    const ws = FakeWebSocket.last;
    ws.serverOpen();
    expect(ws.sentIds).toEqual(["left-over"]);
    q<HTMLButtonElement>("[data-echo-send]").click();
    expect((ws.sentJson[1] as { payload: { n: number } }).payload.n).toBe(8);
  });

  it("uses sessionStorage and the page location by default", () => {
    const root = renderLiveCheckPage();
    mounted = mountLiveCheck(root, { WebSocketImpl: FakeWebSocket });
    expect(FakeWebSocket.last.url).toBe("ws://localhost:3000/ws/echo/");
    q<HTMLButtonElement>("[data-echo-send]").click();
    const stored = JSON.parse(sessionStorage.getItem(OUTBOX_KEY) ?? "[]") as Array<{ type: string }>;
    expect(stored.map((m) => m.type)).toEqual(["echo"]);
  });

  it("destroy() closes the socket and stops reacting to clicks", () => {
    const { root } = mount();
    const ws = FakeWebSocket.last;
    ws.serverOpen();
    mounted?.destroy();
    mounted = null;
    expect(ws.closeCalls).toHaveLength(1);
    expect(root.dataset.ready).toBeUndefined();
    q<HTMLButtonElement>("[data-echo-send]").click();
    expect(ws.sent).toEqual([]);
  });
});

import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { FakeWebSocket } from "./helpers/fake-websocket";
import { renderLiveCheckPage } from "./helpers/live-check-page";

beforeEach(() => {
  FakeWebSocket.reset();
  vi.resetModules();
  vi.stubGlobal("WebSocket", FakeWebSocket);
});

afterEach(() => {
  document.body.innerHTML = "";
  sessionStorage.clear();
  history.replaceState(null, "", "/");
});

describe("main entry", () => {
  it("mounts the connection check when its element is on the page", async () => {
    const root = renderLiveCheckPage();
    await import("../src/main");
    expect(root.dataset.ready).toBe("1");
    expect(FakeWebSocket.last.url).toBe("ws://localhost:3000/ws/echo/");
  });

  it("mounts the code login form when it is on the page", async () => {
    history.replaceState(null, "", "/login/code/#ABCD-EFGH");
    document.body.innerHTML = `<form data-code-login><input id="id_code"><button>go</button></form>`;
    await import("../src/main");
    expect(document.querySelector<HTMLInputElement>("#id_code")?.value).toBe("ABCD-EFGH");
    expect(FakeWebSocket.instances).toHaveLength(0);
  });

  it("does nothing on pages without mount points", async () => {
    document.body.innerHTML = `<p>hello</p>`;
    await import("../src/main");
    expect(FakeWebSocket.instances).toHaveLength(0);
  });
});

/**
 * What the console and the student view share: their socket and client, and how a page over
 * them starts (connection badge, listeners, connect, `data-ready`) and ends.
 */
import type { Outbox } from "../transport/outbox";
import { LiveSocket, type WebSocketConstructor } from "../transport/socket";
import { wsUrl } from "../transport/ws-url";
import { LiveClient, type ChangeListener } from "./client";
import { bindConnection, type ConnectionViewLabels } from "./connection";
import type { AckFrame, ErrorFrame } from "./protocol";
import type { SlideLoader } from "./slides";
import { showAlert } from "./view";

export interface LivePage {
  readonly socket: LiveSocket;
  readonly client: LiveClient;
  /** Resolves when the slide being fetched (if any) is shown; for tests. */
  settled(): Promise<void>;
  destroy(): void;
}

export interface LiveConnectionOptions {
  WebSocketImpl?: WebSocketConstructor;
  /** Defaults to window.location. */
  location?: Pick<Location, "href">;
  /** Clock for the countdown and the server clock's offset; defaults to Date.now. */
  now?: () => number;
}

/** The socket to the root's `data-ws-path` (ws: or wss:, like the page) and the client over it. */
export function liveConnection(
  root: HTMLElement,
  options: LiveConnectionOptions,
  outbox: Outbox,
): { socket: LiveSocket; client: LiveClient } {
  const socket = new LiveSocket({
    url: wsUrl(root.dataset.wsPath ?? "", options.location ?? window.location),
    WebSocketImpl: options.WebSocketImpl,
    outbox,
  });
  return { socket, client: new LiveClient(socket, { now: options.now ?? Date.now }) };
}

export interface LivePageParts {
  socket: LiveSocket;
  client: LiveClient;
  labels: ConnectionViewLabels;
  /** The connection badge and the alert region, if the page has them. */
  connection: HTMLElement | null;
  alertRegion: HTMLElement | null;
  onChange: ChangeListener;
  onAck?: (ack: AckFrame) => void;
  onError: (error: ErrorFrame) => void;
  onSocketState: () => void;
  slides: SlideLoader | null;
  /** The page's own end (timers, listeners of its parts), before the client and socket go. */
  teardown: () => void;
}

/** Shows the connection, listens, connects and marks `root` ready; returns the page. */
export function startLivePage(root: HTMLElement, parts: LivePageParts): LivePage {
  const { socket, client, connection, alertRegion } = parts;
  const cleanups: Array<() => void> = [];
  if (connection) cleanups.push(bindConnection(connection, socket, parts.labels));
  cleanups.push(client.onChange(parts.onChange));
  if (parts.onAck) cleanups.push(client.onAck(parts.onAck));
  cleanups.push(client.onError(parts.onError), socket.onState(parts.onSocketState));
  showAlert(alertRegion, "");
  socket.connect();
  root.dataset.ready = "1";
  return {
    socket,
    client,
    settled: () => parts.slides?.settled ?? Promise.resolve(),
    destroy(): void {
      for (const off of cleanups) off();
      parts.teardown();
      client.destroy();
      socket.close();
      delete root.dataset.ready;
    },
  };
}

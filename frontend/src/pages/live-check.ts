import { readLabels as readPageLabels } from "../live/labels";
import { Outbox, type StorageLike } from "../transport/outbox";
import { sessionStore } from "../transport/session-store";
import { LiveSocket, type IncomingMessage, type WebSocketConstructor } from "../transport/socket";
import { wsUrl } from "../transport/ws-url";
import { bindConnectionIndicator } from "../ui/connection-indicator";

/**
 * "Connection check" page: teachers press a button and see whether echo
 * messages make a round trip over a WebSocket on their school's network.
 */

/** sessionStorage key of the unacknowledged echo messages. */
export const OUTBOX_KEY = "baeum.outbox.echo";
export const LABELS_ELEMENT_ID = "live-check-labels";
const DEFAULT_WS_PATH = "/ws/echo/";

const LABEL_KEYS = ["connecting", "open", "reconnecting", "closed", "sent", "acked", "rtt", "busy"] as const;
export type LiveCheckLabels = Record<(typeof LABEL_KEYS)[number], string>;

export interface LiveCheckOptions {
  WebSocketImpl?: WebSocketConstructor;
  /** Defaults to sessionStorage; null keeps the outbox in memory. */
  storage?: StorageLike | null;
  /** Defaults to window.location. */
  location?: Pick<Location, "href">;
  /** Clock for round-trip times; defaults to Date.now. */
  now?: () => number;
}

export interface LiveCheck {
  readonly socket: LiveSocket;
  destroy(): void;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Labels from the page's JSON script; a missing or broken one reads as "". */
export function readLabels(doc: Document): LiveCheckLabels {
  return readPageLabels(doc, LABEL_KEYS, LABELS_ELEMENT_ID);
}

/** The echo counter `n` of a stored or acknowledged message, if it has one. */
function echoNumber(msg: unknown): number | null {
  const payload = isRecord(msg) ? msg["payload"] : undefined;
  const n = isRecord(payload) ? payload["n"] : undefined;
  return typeof n === "number" && Number.isFinite(n) ? n : null;
}

export function mountLiveCheck(root: HTMLElement, options: LiveCheckOptions = {}): LiveCheck {
  const doc = root.ownerDocument;
  const labels = readLabels(doc);
  const now = options.now ?? Date.now;
  const indicator = root.querySelector<HTMLElement>("[data-connection-state]");
  const button = root.querySelector<HTMLElement>("[data-echo-send]");
  const log = root.querySelector<HTMLElement>("[data-echo-log]");
  const pendingOutput = root.querySelector<HTMLElement>("[data-echo-pending]");

  const outbox = new Outbox({
    storage: options.storage !== undefined ? options.storage : sessionStore(),
    key: OUTBOX_KEY,
  });
  const socket = new LiveSocket({
    url: wsUrl(root.dataset.wsPath || DEFAULT_WS_PATH, options.location ?? window.location),
    WebSocketImpl: options.WebSocketImpl,
    outbox,
  });

  // Continue numbering after messages restored from a previous page load.
  let counter = Math.max(0, ...outbox.pending().map((msg) => echoNumber(msg) ?? 0));
  const logged = new Set<string>();

  const renderPending = (): void => {
    if (!pendingOutput) return;
    pendingOutput.textContent = String(outbox.size);
    pendingOutput.title = labels.sent;
  };

  const onAck = (msg: IncomingMessage): void => {
    const ref = msg["ref"];
    if (msg["type"] !== "ack" || typeof ref !== "string") return;
    renderPending();
    const payload = msg["payload"];
    const n = echoNumber(msg);
    const sentAt = isRecord(payload) ? payload["sent_at"] : undefined;
    if (n === null || typeof sentAt !== "number" || logged.has(ref)) return;
    logged.add(ref);
    const rtt = Math.max(0, Math.round(now() - sentAt));
    const item = doc.createElement("li");
    item.dataset.echoRef = ref;
    item.dataset.rttMs = String(rtt);
    item.title = `${labels.rtt} ${rtt} ms`;
    item.textContent = `${labels.acked} #${n} — ${rtt} ms`;
    log?.append(item);
  };

  const onClick = (): void => {
    counter += 1;
    socket.sendReliable({ type: "echo", payload: { n: counter, sent_at: now() } });
    renderPending();
  };

  const unbindIndicator = indicator ? bindConnectionIndicator(indicator, socket, labels) : () => {};
  const unsubscribe = socket.onMessage(onAck);
  button?.addEventListener("click", onClick);
  renderPending();
  socket.connect();
  root.dataset.ready = "1";

  return {
    socket,
    destroy(): void {
      button?.removeEventListener("click", onClick);
      unsubscribe();
      unbindIndicator();
      socket.close();
      delete root.dataset.ready;
    },
  };
}

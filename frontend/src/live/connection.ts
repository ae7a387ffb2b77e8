/** The live pages' connection badge: open, reconnecting, busy or offline, with translated text. */
import type { ConnectionState } from "../transport/socket";

export type ConnectionView = "open" | "reconnecting" | "busy" | "offline";

export interface ConnectionViewLabels {
  conn_connecting: string;
  conn_open: string;
  conn_reconnecting: string;
  conn_offline: string;
  /** "Server busy, retrying…": shown after a busy close (1013); conn_reconnecting when absent or empty. */
  conn_busy?: string;
}

/**
 * What the badge shows: the browser being offline wins over a socket that is still retrying, and
 * a socket retrying after the server said it is busy shows `busy`.
 */
export function connectionView(state: ConnectionState, online: boolean, busy = false): ConnectionView {
  if (state === "open") return "open";
  if (state === "closed" || !online) return "offline";
  return busy && state === "reconnecting" ? "busy" : "reconnecting";
}

export interface ConnectionSource {
  readonly state: ConnectionState;
  /** True while retrying after a busy close (LiveSocket has it). */
  readonly busy?: boolean;
  onState(listener: (state: ConnectionState) => void): () => void;
}

function labelFor(view: ConnectionView, state: ConnectionState, labels: ConnectionViewLabels): string {
  if (view === "busy") return labels.conn_busy || labels.conn_reconnecting;
  if (view === "reconnecting" && state === "connecting") return labels.conn_connecting;
  return labels[`conn_${view}`];
}

/**
 * Keeps `el` showing the connection: `data-state` (open | reconnecting | busy | offline) for styles
 * and tests, the label as text, announced politely. Returns a function that stops updating it.
 */
export function bindConnection(
  el: HTMLElement,
  socket: ConnectionSource,
  labels: ConnectionViewLabels,
  win: (Pick<Window, "addEventListener" | "removeEventListener"> & { navigator?: { onLine?: boolean } }) | null =
    typeof window !== "undefined" ? window : null,
): () => void {
  el.setAttribute("role", "status");
  el.setAttribute("aria-live", "polite");
  const online = (): boolean => win?.navigator?.onLine !== false;
  const render = (): void => {
    const view = connectionView(socket.state, online(), socket.busy === true);
    const text = labelFor(view, socket.state, labels);
    // Unchanged text is not rewritten, so screen readers do not announce it again.
    if (el.dataset.state === view && el.textContent === text) return;
    el.dataset.state = view;
    el.textContent = text;
  };
  render();
  const unsubscribe = socket.onState(render);
  win?.addEventListener("online", render);
  win?.addEventListener("offline", render);
  return () => {
    unsubscribe();
    win?.removeEventListener("online", render);
    win?.removeEventListener("offline", render);
  };
}

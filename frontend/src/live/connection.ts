/** The live pages' connection badge: open, reconnecting or offline, with translated text. */
import type { ConnectionState } from "../transport/socket";

export type ConnectionView = "open" | "reconnecting" | "offline";

export interface ConnectionViewLabels {
  conn_connecting: string;
  conn_open: string;
  conn_reconnecting: string;
  conn_offline: string;
}

/** What the badge shows: the browser being offline wins over a socket that is still retrying. */
export function connectionView(state: ConnectionState, online: boolean): ConnectionView {
  if (state === "open") return "open";
  if (state === "closed" || !online) return "offline";
  return "reconnecting";
}

export interface ConnectionSource {
  readonly state: ConnectionState;
  onState(listener: (state: ConnectionState) => void): () => void;
}

/**
 * Keeps `el` showing the connection: `data-state` (open | reconnecting | offline) for styles and
 * tests, the label as text, announced politely. Returns a function that stops updating it.
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
    const view = connectionView(socket.state, online());
    el.dataset.state = view;
    el.textContent =
      socket.state === "connecting" && view === "reconnecting" ? labels.conn_connecting : labels[`conn_${view}`];
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

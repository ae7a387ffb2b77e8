import type { ConnectionState } from "../transport/socket";

/**
 * Translated text for each state; it comes from the page, never from TS. `busy` ("server busy,
 * retrying") is shown while reconnecting after a busy close (1013); `reconnecting` when absent.
 */
export type ConnectionLabels = Record<ConnectionState, string> & { busy?: string };

/** What the indicator needs from a socket (LiveSocket fits). */
export interface StateSource {
  readonly state: ConnectionState;
  /** True while retrying after a busy close. */
  readonly busy?: boolean;
  onState(listener: (state: ConnectionState) => void): () => void;
}

/**
 * Shows the socket's state in `el`: `data-connection-state` for styling and
 * tests, `data-busy` while the server is busy, the label as text, announced
 * politely to screen readers. Returns a function that stops updating `el`.
 */
export function bindConnectionIndicator(el: HTMLElement, socket: StateSource, labels: ConnectionLabels): () => void {
  el.setAttribute("role", "status");
  el.setAttribute("aria-live", "polite");
  const render = (state: ConnectionState): void => {
    const busy = state === "reconnecting" && socket.busy === true;
    el.dataset.connectionState = state;
    if (busy) el.dataset.busy = "1";
    else delete el.dataset.busy;
    el.textContent = busy ? labels.busy || labels.reconnecting : labels[state];
  };
  render(socket.state);
  return socket.onState(render);
}

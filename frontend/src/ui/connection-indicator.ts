import type { ConnectionState } from "../transport/socket";

/** Translated text for each state; it comes from the page, never from TS. */
export type ConnectionLabels = Record<ConnectionState, string>;

/** What the indicator needs from a socket (LiveSocket fits). */
export interface StateSource {
  readonly state: ConnectionState;
  onState(listener: (state: ConnectionState) => void): () => void;
}

/**
 * Shows the socket's state in `el`: `data-connection-state` for styling and
 * tests, the label as text, announced politely to screen readers.
 * Returns a function that stops updating `el`.
 */
export function bindConnectionIndicator(el: HTMLElement, socket: StateSource, labels: ConnectionLabels): () => void {
  el.setAttribute("role", "status");
  el.setAttribute("aria-live", "polite");
  const render = (state: ConnectionState): void => {
    el.dataset.connectionState = state;
    el.textContent = labels[state];
  };
  render(socket.state);
  return socket.onState(render);
}

/**
 * The student's raise-hand button (an SVG hand and its text: no emoji font needed). A press
 * shows the new state at once and waits for the server: an ack (or a snapshot) settles it, a
 * refusal puts the hand back as it was. It works while screens are locked: the page keeps it
 * outside the locked part and above the lock overlay.
 */
import type { LiveSocket } from "../../transport/socket";
import type { LiveClient } from "../client";
import type { ErrorFrame } from "../protocol";
import type { LiveState } from "../reconcile";
import { element, handIcon, showAlert } from "../view";
import type { StudentLabels } from "./labels";

export interface HandButtonOptions {
  button: HTMLButtonElement | null;
  labels: StudentLabels;
  socket: LiveSocket;
  client: LiveClient;
  alertRegion: HTMLElement | null;
  announce: (text: string) => void;
  finished: () => boolean;
}

export class HandButton {
  /** A raise or lower was sent and not yet answered. */
  private pending = false;
  private readonly onClick = (): void => this.toggle();

  private readonly text: HTMLElement | null = null;

  constructor(private readonly options: HandButtonOptions) {
    const { button } = options;
    if (button) {
      const doc = button.ownerDocument;
      this.text = element(doc, "span", { class: "live-hand-text" }, button.textContent?.trim() ?? "");
      button.replaceChildren(handIcon(doc), this.text);
      button.addEventListener("click", this.onClick);
    }
  }

  render(state: LiveState): void {
    const { button, labels } = this.options;
    if (!button) return;
    const raised = state.me?.hand === true;
    button.setAttribute("aria-pressed", String(raised));
    if (this.text) this.text.textContent = raised ? labels.lower_hand : labels.raise_hand;
    button.disabled = this.pending;
  }

  /** A snapshot tells the hand's state: a raise or lower still unacknowledged is over. */
  onSnapshot(): void {
    this.pending = false;
  }

  /** An ack without a ref answers the hand; true if one was waiting (the page shows it again). */
  onAck(): boolean {
    if (!this.pending) return false;
    this.pending = false;
    return true;
  }

  /** An error without a ref refuses the hand: it goes back as it was; true if it did. */
  onError(error: ErrorFrame): boolean {
    if (!this.pending || error.ref !== null) return false;
    this.pending = false;
    this.options.client.update((state) => (state.me ? { ...state, me: { ...state.me, hand: !state.me.hand } } : state));
    return true;
  }

  destroy(): void {
    this.options.button?.removeEventListener("click", this.onClick);
  }

  private toggle(): void {
    const { client, socket, labels, alertRegion, announce } = this.options;
    const state = client.state;
    if (!state?.me || this.options.finished() || this.pending) return;
    const raised = !state.me.hand;
    if (!socket.send({ type: "hand.raise", raised })) {
      showAlert(alertRegion, labels.not_connected);
      return;
    }
    this.pending = true;
    client.update((s) => (s.me ? { ...s, me: { ...s.me, hand: raised } } : s));
    announce(raised ? labels.hand_raised : labels.hand_lowered);
  }
}

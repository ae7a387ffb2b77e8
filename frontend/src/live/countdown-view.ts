/** The question timer on the console and the student view: "m:ss", then the "time up" label. */
import { formatRemaining } from "./countdown";

/** How often a running countdown is redrawn (ms). */
export const TICK_MS = 250;

export interface CountdownLabels {
  time_left: string;
  time_up: string;
}

/**
 * Shows the time left in `el` (hidden when there is no deadline) and calls `onTick` every TICK_MS
 * while time is running, so the page can show it again; stops once time is up or gone.
 */
export class CountdownView {
  private ticker: ReturnType<typeof setInterval> | null = null;

  constructor(
    private readonly el: HTMLElement | null,
    private readonly labels: CountdownLabels,
    private readonly onTick: () => void,
  ) {}

  /** `left`: milliseconds left, 0 when time is up, null without a deadline. */
  show(left: number | null): void {
    const el = this.el;
    if (el) {
      el.hidden = left === null;
      el.textContent = left === null ? "" : left === 0 ? this.labels.time_up : formatRemaining(left);
      el.setAttribute("aria-label", this.labels.time_left);
      el.dataset.remaining = left === null ? "" : String(Math.ceil(left / 1000));
    }
    if (left !== null && left > 0 && this.ticker === null) {
      this.ticker = setInterval(this.onTick, TICK_MS);
    } else if ((left === null || left === 0) && this.ticker !== null) {
      this.stop();
    }
  }

  stop(): void {
    if (this.ticker !== null) clearInterval(this.ticker);
    this.ticker = null;
  }
}

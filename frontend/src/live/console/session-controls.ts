/**
 * The console's session controls: the state, the join panel, start, end (after a confirmation),
 * lock, the report link, and the slide navigation (previous, next, jump to a slide).
 */
import type { TeacherFrame } from "../protocol";
import type { LiveState } from "../reconcile";
import { hook, listen } from "../view";
import type { Confirm } from "./confirm-dialog";
import type { ConsoleLabels } from "./labels";

export interface SessionControlsOptions {
  root: HTMLElement;
  labels: ConsoleLabels;
  act: (frame: TeacherFrame) => void;
  confirm: Confirm;
  /** The state the console shows now (buttons act on it). */
  state: () => LiveState | null;
}

export class SessionControls {
  readonly reportLink: HTMLAnchorElement | null;
  private readonly root: HTMLElement;
  private readonly stateLabel: HTMLElement | null;
  private readonly code: HTMLElement | null;
  private readonly join: HTMLDetailsElement | null;
  private readonly start: HTMLButtonElement | null;
  private readonly end: HTMLButtonElement | null;
  private readonly lock: HTMLButtonElement | null;
  private readonly prev: HTMLButtonElement | null;
  private readonly next: HTMLButtonElement | null;
  private readonly slideNo: HTMLElement | null;
  private readonly jumpForm: HTMLFormElement | null;
  private readonly jump: HTMLSelectElement | null;
  private readonly cleanups: Array<() => void> = [];
  private joinCollapsed = false;

  constructor(private readonly options: SessionControlsOptions) {
    const { root, labels, act, confirm, state } = options;
    this.root = root;
    this.stateLabel = hook(root, "state-label");
    this.code = hook(root, "code");
    this.join = hook<HTMLDetailsElement>(root, "join");
    this.start = hook<HTMLButtonElement>(root, "start");
    this.end = hook<HTMLButtonElement>(root, "end");
    this.lock = hook<HTMLButtonElement>(root, "lock");
    this.reportLink = hook<HTMLAnchorElement>(root, "report");
    this.prev = hook<HTMLButtonElement>(root, "prev");
    this.next = hook<HTMLButtonElement>(root, "next");
    this.slideNo = hook(root, "slide-no");
    this.jumpForm = hook<HTMLFormElement>(root, "jump-form");
    this.jump = hook<HTMLSelectElement>(root, "jump");

    const on = (el: HTMLElement | null, type: string, handler: (event: Event) => void): void =>
      listen(this.cleanups, el, type, handler);
    on(this.start, "click", () => act({ type: "session.run" }));
    on(this.end, "click", () => {
      void confirm(labels.confirm_end).then((yes) => {
        if (yes) act({ type: "session.end" });
      });
    });
    on(this.lock, "click", () => act({ type: "screen.lock", locked: !(state()?.locked ?? false) }));
    on(this.prev, "click", () => {
      const index = state()?.slide.index;
      if (index !== undefined && index > 0) act({ type: "slide.goto", index: index - 1 });
    });
    on(this.next, "click", () => {
      const slide = state()?.slide;
      if (slide && slide.index < slide.count - 1) act({ type: "slide.goto", index: slide.index + 1 });
    });
    on(this.jumpForm, "submit", (event) => {
      event.preventDefault();
      const index = Number(this.jump?.value);
      if (Number.isInteger(index) && index !== state()?.slide.index) act({ type: "slide.goto", index });
    });
  }

  render(state: LiveState, ended: boolean): void {
    const { labels } = this.options;
    const lobby = state.state === "lobby";
    const running = state.state === "running";
    this.root.dataset.state = ended ? "ended" : state.state;
    if (this.stateLabel) this.stateLabel.textContent = ended ? labels.state_ended : lobby ? labels.state_lobby : labels.state_running;
    if (this.code && state.teacher?.code) this.code.textContent = state.teacher.code;
    if (this.join && !lobby && !this.joinCollapsed) {
      this.join.open = false; // students have joined; the teacher can open it again
      this.joinCollapsed = true;
    }
    if (this.start) {
      this.start.hidden = !lobby || ended;
      this.start.disabled = !lobby || ended;
    }
    if (this.end) {
      this.end.hidden = ended;
      this.end.disabled = ended;
    }
    if (this.reportLink) this.reportLink.hidden = !ended;
    if (this.lock) {
      const locked = state.locked && !ended;
      this.lock.setAttribute("aria-pressed", String(locked));
      this.lock.textContent = locked ? labels.unlock : labels.lock;
      this.lock.disabled = ended;
    }
    const { index, count } = state.slide;
    if (this.slideNo) this.slideNo.textContent = `${index + 1} / ${count}`;
    if (this.prev) this.prev.disabled = !running || index <= 0;
    if (this.next) this.next.disabled = !running || index >= count - 1;
    if (this.jump) {
      if (this.root.ownerDocument.activeElement !== this.jump) this.jump.value = String(index);
      this.jump.disabled = !running;
    }
    this.jumpForm?.querySelector<HTMLButtonElement>("button")?.toggleAttribute("disabled", !running);
  }

  /** The session ended before any state arrived: only the report link is left to offer. */
  renderEndedWithoutState(): void {
    this.root.dataset.state = "ended";
    if (this.reportLink) this.reportLink.hidden = false;
    if (this.end) this.end.hidden = true;
    if (this.start) this.start.hidden = true;
  }

  destroy(): void {
    for (const off of this.cleanups) off();
  }
}

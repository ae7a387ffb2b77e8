import type { Timers } from "../../src/transport/socket";

interface Task {
  fn: () => void;
  ms: number;
}

/** Timers that only fire when the test says so, and remember each delay asked for. */
export class ManualTimers implements Timers {
  /** Every delay passed to setTimeout, in call order (cancelled ones included). */
  readonly delays: number[] = [];
  private readonly tasks = new Map<number, Task>();
  private nextId = 1;

  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.tasks.set(id, { fn, ms });
    this.delays.push(ms);
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.tasks.delete(handle as number);
  }

  /** Timers scheduled and neither fired nor cleared. */
  get pending(): number {
    return this.tasks.size;
  }

  /** Fires the oldest pending timer; returns its delay. */
  runNext(): number {
    const first = this.tasks.entries().next();
    if (first.done) throw new Error("no pending timer");
    const [id, task] = first.value;
    this.tasks.delete(id);
    task.fn();
    return task.ms;
  }
}

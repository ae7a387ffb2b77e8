import type { StorageLike } from "../../src/transport/outbox";

/** A Storage stand-in; `failOn` makes chosen methods throw like a blocked storage. */
export class MemoryStorage implements StorageLike {
  readonly data = new Map<string, string>();
  failOn = new Set<"getItem" | "setItem" | "removeItem">();

  getItem(key: string): string | null {
    if (this.failOn.has("getItem")) throw new DOMException("blocked", "SecurityError");
    return this.data.get(key) ?? null;
  }

  setItem(key: string, value: string): void {
    if (this.failOn.has("setItem")) throw new DOMException("full", "QuotaExceededError");
    this.data.set(key, value);
  }

  removeItem(key: string): void {
    if (this.failOn.has("removeItem")) throw new DOMException("blocked", "SecurityError");
    this.data.delete(key);
  }
}

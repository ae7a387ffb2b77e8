/** A reliable message: a JSON-serialisable object with a client-generated id. */
export type OutboxMessage = { readonly id: string; readonly [key: string]: unknown };

/** The subset of the Web Storage API the outbox needs (sessionStorage fits). */
export interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export interface OutboxOptions {
  /** Where to persist pending messages; omit to keep them in memory only. */
  storage?: StorageLike | null;
  /** Storage key; required for persistence. */
  key?: string;
}

function isMessage(value: unknown): value is OutboxMessage {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const id: unknown = (value as { id?: unknown }).id;
  return typeof id === "string" && id !== "";
}

/**
 * Ordered set of reliable messages that the server has not acknowledged yet.
 * Insertion order is kept (a Map iterates in insertion order), so re-sending
 * after a reconnect preserves the order in which the user acted.
 */
export class Outbox<T extends OutboxMessage = OutboxMessage> {
  private readonly items = new Map<string, T>();
  private readonly storage: StorageLike | null;
  private readonly key: string | null;

  constructor(options: OutboxOptions = {}) {
    this.storage = options.storage && options.key ? options.storage : null;
    this.key = this.storage ? (options.key ?? null) : null;
    this.load();
  }

  get size(): number {
    return this.items.size;
  }

  /** Adds a message. Re-adding an id replaces the message but keeps its place. */
  add(msg: T): void {
    this.items.set(msg.id, msg);
    this.save();
  }

  /** Removes the message with this id; true if it was pending. */
  ack(id: string): boolean {
    const removed = this.items.delete(id);
    if (removed) this.save();
    return removed;
  }

  has(id: string): boolean {
    return this.items.has(id);
  }

  /** Pending messages, oldest first (a copy: callers may not mutate the outbox). */
  pending(): T[] {
    return [...this.items.values()];
  }

  clear(): void {
    this.items.clear();
    this.save();
  }

  private load(): void {
    if (!this.storage || !this.key) return;
    let raw: string | null;
    try {
      raw = this.storage.getItem(this.key);
    } catch {
      return; // Storage can be unavailable (privacy settings): stay in memory.
    }
    if (raw === null) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      parsed = undefined;
    }
    if (!Array.isArray(parsed) || !parsed.every(isMessage)) {
      // Corrupted or foreign data: drop it rather than re-send garbage.
      this.remove();
      return;
    }
    for (const msg of parsed) this.items.set(msg.id, msg as T);
  }

  private save(): void {
    if (!this.storage || !this.key) return;
    if (this.items.size === 0) {
      this.remove();
      return;
    }
    try {
      this.storage.setItem(this.key, JSON.stringify(this.pending()));
    } catch {
      // Quota exceeded or storage disabled: the in-memory outbox still works.
    }
  }

  private remove(): void {
    if (!this.storage || !this.key) return;
    try {
      this.storage.removeItem(this.key);
    } catch {
      // Ignore: nothing else can be done about an unusable storage.
    }
  }
}

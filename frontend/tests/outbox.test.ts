import { describe, expect, it } from "vitest";
import { Outbox } from "../src/transport/outbox";
import { MemoryStorage } from "./helpers/memory-storage";

const KEY = "baeum.outbox.test";

describe("Outbox in memory", () => {
  it("keeps messages in insertion order", () => {
    const box = new Outbox();
    box.add({ id: "b", n: 1 });
    box.add({ id: "a", n: 2 });
    box.add({ id: "c", n: 3 });
    expect(box.size).toBe(3);
    expect(box.pending().map((m) => m.id)).toEqual(["b", "a", "c"]);
  });

  it("ack removes the message and reports whether it was pending", () => {
    const box = new Outbox();
    box.add({ id: "x" });
    box.add({ id: "y" });
    expect(box.ack("x")).toBe(true);
    expect(box.ack("x")).toBe(false);
    expect(box.ack("nope")).toBe(false);
    expect(box.pending()).toEqual([{ id: "y" }]);
    expect(box.size).toBe(1);
    expect(box.has("x")).toBe(false);
    expect(box.has("y")).toBe(true);
  });

  it("re-adding an id replaces the message but keeps its place", () => {
    const box = new Outbox();
    box.add({ id: "1", v: "old" });
    box.add({ id: "2" });
    box.add({ id: "1", v: "new" });
    expect(box.pending()).toEqual([{ id: "1", v: "new" }, { id: "2" }]);
  });

  it("pending() returns a copy", () => {
    const box = new Outbox();
    box.add({ id: "1" });
    box.pending().pop();
    expect(box.size).toBe(1);
  });

  it("clear() empties it", () => {
    const box = new Outbox();
    box.add({ id: "1" });
    box.clear();
    expect(box.size).toBe(0);
  });
});

describe("Outbox persistence", () => {
  it("survives a reload: a new outbox on the same storage restores the order", () => {
    const storage = new MemoryStorage();
    const first = new Outbox({ storage, key: KEY });
    first.add({ id: "1", payload: { n: 1 } });
    first.add({ id: "2", payload: { n: 2 } });
    first.add({ id: "3", payload: { n: 3 } });
    first.ack("2");

    const reloaded = new Outbox({ storage, key: KEY });
    expect(reloaded.pending()).toEqual([
      { id: "1", payload: { n: 1 } },
      { id: "3", payload: { n: 3 } },
    ]);
  });

  it("removes the key once everything is acknowledged", () => {
    const storage = new MemoryStorage();
    const box = new Outbox({ storage, key: KEY });
    box.add({ id: "1" });
    expect(storage.getItem(KEY)).not.toBeNull();
    box.ack("1");
    expect(storage.getItem(KEY)).toBeNull();
  });

  it("keeps different keys apart", () => {
    const storage = new MemoryStorage();
    new Outbox({ storage, key: "a" }).add({ id: "1" });
    expect(new Outbox({ storage, key: "b" }).size).toBe(0);
    expect(new Outbox({ storage, key: "a" }).size).toBe(1);
  });

  it("does not persist without a key", () => {
    const storage = new MemoryStorage();
    new Outbox({ storage }).add({ id: "1" });
    expect(storage.data.size).toBe(0);
  });

  it.each([
    ["not JSON", "{oops"],
    ["an object instead of a list", '{"id":"1"}'],
    ["a list with a non-object", '[{"id":"1"}, 7]'],
    ["a message without id", '[{"id":"1"}, {"type":"echo"}]'],
    ["a message with a numeric id", '[{"id":1}]'],
    ["a message with an empty id", '[{"id":""}]'],
    ["null", "null"],
  ])("ignores and clears corrupted storage: %s", (_label, raw) => {
    const storage = new MemoryStorage();
    storage.setItem(KEY, raw);
    let box: Outbox | undefined;
    expect(() => {
      box = new Outbox({ storage, key: KEY });
    }).not.toThrow();
    expect(box?.size).toBe(0);
    expect(storage.getItem(KEY)).toBeNull();
  });

  it("keeps working in memory when storage throws", () => {
    const storage = new MemoryStorage();
    storage.failOn = new Set(["getItem", "setItem", "removeItem"]);
    const box = new Outbox({ storage, key: KEY });
    expect(() => box.add({ id: "1" })).not.toThrow();
    expect(() => box.add({ id: "2" })).not.toThrow();
    expect(box.ack("1")).toBe(true);
    expect(box.pending()).toEqual([{ id: "2" }]);
  });

  it("keeps working when saving fails (quota exceeded)", () => {
    const storage = new MemoryStorage();
    storage.setItem(KEY, '[{"id":"old"}]');
    storage.failOn = new Set(["setItem"]);
    const box = new Outbox({ storage, key: KEY });
    box.add({ id: "new" });
    expect(box.pending().map((m) => m.id)).toEqual(["old", "new"]);
  });
});

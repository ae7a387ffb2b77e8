import { describe, expect, it } from "vitest";
import { backoffCeiling, backoffDelay, BUSY_BACKOFF, DEFAULT_BACKOFF } from "../src/transport/backoff";

const opts = { baseMs: 500, maxMs: 30_000 };
const always = (value: number) => () => value;

describe("backoffDelay", () => {
  it("defaults to a first retry within 1 s and a cap of 15 s, with full jitter", () => {
    expect(DEFAULT_BACKOFF).toEqual({ baseMs: 1000, maxMs: 15_000, floor: 0 });
    expect(backoffDelay(0, undefined, always(1))).toBe(1000);
    expect(backoffDelay(0, undefined, always(0))).toBe(0);
    expect(backoffDelay(20, undefined, always(1))).toBe(15_000);
  });

  it("after a busy close waits 1-4 s, then longer, up to 30 s, never less than a quarter", () => {
    expect(BUSY_BACKOFF).toEqual({ baseMs: 4000, maxMs: 30_000, floor: 0.25 });
    const lows = [0, 1, 2, 3, 4].map((a) => backoffDelay(a, BUSY_BACKOFF, always(0)));
    const highs = [0, 1, 2, 3, 4].map((a) => backoffDelay(a, BUSY_BACKOFF, always(1)));
    expect(lows).toEqual([1000, 2000, 4000, 7500, 7500]);
    expect(highs).toEqual([4000, 8000, 16_000, 30_000, 30_000]);
    expect(backoffDelay(0, BUSY_BACKOFF, always(0.5))).toBe(2500);
  });

  it("clamps the floor into [0, 1]", () => {
    expect(backoffDelay(0, { baseMs: 1000, maxMs: 1000, floor: 2 }, always(0))).toBe(1000);
    expect(backoffDelay(0, { baseMs: 1000, maxMs: 1000, floor: -1 }, always(0))).toBe(0);
    expect(backoffDelay(0, { baseMs: 1000, maxMs: 1000, floor: Number.NaN }, always(0.5))).toBe(500);
  });

  it("doubles the ceiling per attempt, attempt 0 being the first retry", () => {
    const ceilings = [0, 1, 2, 3, 4, 5].map((attempt) => backoffDelay(attempt, opts, always(1)));
    expect(ceilings).toEqual([500, 1000, 2000, 4000, 8000, 16_000]);
  });

  it("caps the ceiling at maxMs", () => {
    expect(backoffDelay(6, opts, always(1))).toBe(30_000); // 32 000 capped
    expect(backoffDelay(50, opts, always(1))).toBe(30_000);
    expect(backoffDelay(10_000, opts, always(1))).toBe(30_000); // 2^10000 overflows
  });

  it("uses full jitter: the delay scales with random() from 0 up to the ceiling", () => {
    expect(backoffDelay(3, opts, always(0))).toBe(0);
    expect(backoffDelay(3, opts, always(0.5))).toBe(2000);
    expect(backoffDelay(3, opts, always(0.25))).toBe(1000);
    expect(backoffDelay(8, opts, always(0.5))).toBe(15_000);
  });

  it("stays within [0, ceiling] for many random draws", () => {
    let seed = 42;
    const lcg = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const seen = new Set<number>();
    for (let attempt = 0; attempt < 15; attempt++) {
      const ceiling = backoffCeiling(attempt, opts);
      for (let i = 0; i < 200; i++) {
        const delay = backoffDelay(attempt, opts, lcg);
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThanOrEqual(ceiling);
        expect(Number.isInteger(delay)).toBe(true);
        seen.add(delay);
      }
    }
    // Jitter really varies the delay.
    expect(seen.size).toBeGreaterThan(100);
  });

  it("clamps out-of-range random values", () => {
    expect(backoffDelay(1, opts, always(1.7))).toBe(1000);
    expect(backoffDelay(1, opts, always(-3))).toBe(0);
    expect(backoffDelay(1, opts, always(Number.NaN))).toBe(0);
  });

  it("treats negative, fractional or non-finite attempts sanely", () => {
    expect(backoffDelay(-2, opts, always(1))).toBe(500);
    expect(backoffDelay(Number.NaN, opts, always(1))).toBe(500);
    expect(backoffDelay(2.9, opts, always(1))).toBe(2000);
    expect(backoffDelay(Infinity, opts, always(1))).toBe(500);
  });

  it("honours custom options", () => {
    const custom = { baseMs: 100, maxMs: 1000 };
    expect([0, 1, 2, 3, 4, 5].map((a) => backoffDelay(a, custom, always(1)))).toEqual([100, 200, 400, 800, 1000, 1000]);
  });
});

import { describe, expect, it } from "vitest";
import { clockOffset, formatRemaining, remainingMs, serverNow, timestampMs } from "../src/live/countdown";

describe("timestampMs", () => {
  it.each([
    ["2026-11-25T10:00:30+09:00", Date.UTC(2026, 10, 25, 1, 0, 30)],
    ["2026-11-25T01:00:30Z", Date.UTC(2026, 10, 25, 1, 0, 30)],
    ["2026-11-25T01:00:30.123456+00:00", Date.UTC(2026, 10, 25, 1, 0, 30, 123)],
    ["2026-11-25T01:00:30.5Z", Date.UTC(2026, 10, 25, 1, 0, 30, 500)],
    ["2026-11-24T20:30:00-04:30", Date.UTC(2026, 10, 25, 1, 0, 0)],
    ["2026-11-25T10:00:30+0900", Date.UTC(2026, 10, 25, 1, 0, 30)],
    ["2026-11-25 01:00:30", Date.UTC(2026, 10, 25, 1, 0, 30)], // no offset: UTC, never local time
  ])("reads %s", (text, expected) => {
    expect(timestampMs(text)).toBe(expected);
  });

  it("takes ms numbers as they are and refuses anything else", () => {
    expect(timestampMs(1_764_050_000_000)).toBe(1_764_050_000_000);
    expect(timestampMs(Number.NaN)).toBeNull();
    expect(timestampMs(null)).toBeNull();
    expect(timestampMs(undefined)).toBeNull();
    expect(timestampMs("soon")).toBeNull();
    expect(timestampMs("")).toBeNull();
  });
});

describe("remainingMs with a clock offset", () => {
  const deadline = "2026-11-25T01:00:30Z";
  const deadlineMs = Date.UTC(2026, 10, 25, 1, 0, 30);

  it("counts down on the server's clock, not the tablet's", () => {
    // The tablet runs 2 minutes slow: the server said 01:00:00 when the tablet read 00:58:00.
    const serverTime = Date.UTC(2026, 10, 25, 1, 0, 0);
    const localReceived = serverTime - 120_000;
    const offset = clockOffset(serverTime, localReceived);
    expect(offset).toBe(120_000);
    expect(serverNow(localReceived, offset)).toBe(serverTime);
    expect(remainingMs(deadline, localReceived, offset)).toBe(30_000);
    expect(remainingMs(deadline, localReceived + 10_000, offset)).toBe(20_000);
    // Without the offset this tablet would think 2 and a half minutes remain.
    expect(remainingMs(deadline, localReceived, 0)).toBe(150_000);
  });

  it("handles a fast tablet clock too and never goes below zero", () => {
    const serverTime = deadlineMs - 5_000;
    const local = serverTime + 60_000; // one minute fast
    const offset = clockOffset(serverTime, local);
    expect(remainingMs(deadline, local, offset)).toBe(5_000);
    expect(remainingMs(deadline, local + 9_000, offset)).toBe(0);
  });

  it("is null without a deadline", () => {
    expect(remainingMs(null, 0, 0)).toBeNull();
  });
});

describe("formatRemaining", () => {
  it.each([
    [0, "0:00"],
    [1, "0:01"],
    [999, "0:01"],
    [1000, "0:01"],
    [1001, "0:02"],
    [59_000, "0:59"],
    [60_000, "1:00"],
    [125_000, "2:05"],
    [-5, "0:00"],
  ])("%d ms -> %s", (ms, text) => {
    expect(formatRemaining(ms)).toBe(text);
  });
});

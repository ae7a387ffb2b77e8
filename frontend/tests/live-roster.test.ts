import { describe, expect, it } from "vitest";
import type { RosterEntry } from "../src/live/protocol";
import { handQueue, isAbsent, isParticipantId, presenceCounts, sortRoster } from "../src/live/roster";
import { person } from "./helpers/live-pages";


describe("handQueue", () => {
  it("lists raised hands, first raised first, across time zones and formats", () => {
    const roster = [
      person(1, "가", { hand: "2026-11-25T10:00:05+09:00" }),
      person(2, "나"),
      person(3, "다", { hand: "2026-11-25T01:00:01Z" }),
      person(4, "라", { hand: Date.UTC(2026, 10, 25, 1, 0, 3) }),
      person(5, "마", { hand: "2026-11-25T01:00:01.500000+00:00", status: "gone" }),
    ];
    expect(handQueue(roster).map((p) => p.id)).toEqual([3, 5, 4, 1]);
  });

  it("breaks ties by id and puts unreadable times last", () => {
    const roster = [
      person(9, "a", { hand: "garbled" }),
      person(7, "b", { hand: "2026-11-25T01:00:00Z" }),
      person(2, "c", { hand: "2026-11-25T01:00:00Z" }),
    ];
    expect(handQueue(roster).map((p) => p.id)).toEqual([2, 7, 9]);
  });

  it("does not reorder its input", () => {
    const roster = [person(2, "b", { hand: "2026-11-25T01:00:09Z" }), person(1, "a", { hand: "2026-11-25T01:00:00Z" })];
    handQueue(roster);
    expect(roster.map((p) => p.id)).toEqual([2, 1]);
  });

  it("is empty when no hand is up", () => {
    expect(handQueue([person(1, "a"), person(2, "b")])).toEqual([]);
  });
});

describe("sortRoster and presenceCounts", () => {
  it("orders by nickname in Korean order (Hangul first), numbers naturally, then id", () => {
    const roster = [person(4, "학생10"), person(1, "김하늘"), person(3, "학생2"), person(2, "김하늘"), person(5, "Amy"), person(6, "가람")];
    expect(sortRoster(roster).map((p) => p.id)).toEqual([6, 1, 2, 3, 4, 5]);
  });

  it("counts presence and answers", () => {
    const roster = [
      person(1, "a", { answered: true }),
      person(2, "b", { status: "reconnecting" }),
      person(3, "c", { status: "gone", answered: true }),
      person(4, "d"),
    ];
    expect(presenceCounts(roster)).toEqual({ connected: 2, reconnecting: 1, gone: 1, absent: 0, total: 4, answered: 2 });
  });
});

/** A class member who has not joined, as the server lists them (status "absent", id = -(user id)). */
const absent = (userId: number, nickname: string): RosterEntry =>
  ({ id: -userId, nickname, status: "absent", hand: null, answered: false }) as unknown as RosterEntry;

describe("class members who have not joined", () => {
  it("come after those who joined, each part by nickname", () => {
    const roster = [absent(40, "가람"), person(2, "하늘"), absent(41, "Amy"), person(1, "나래")];
    expect(sortRoster(roster).map((p) => p.nickname)).toEqual(["나래", "하늘", "가람", "Amy"]);
    expect(isAbsent(roster[0]!)).toBe(true);
    expect(isAbsent(roster[1]!)).toBe(false);
  });

  it("are counted apart from those who joined, and never queue a hand", () => {
    const roster = [absent(40, "가람"), { ...absent(41, "Amy"), hand: "2026-11-25T01:00:00Z" }, person(1, "나래", { hand: 5 })];
    expect(presenceCounts(roster)).toEqual({ connected: 1, reconnecting: 0, gone: 0, absent: 2, total: 1, answered: 0 });
    expect(handQueue(roster).map((p) => p.id)).toEqual([1]);
  });

  it("have no participant id a frame may name", () => {
    expect([5, 0, -5, 1.5, Number.NaN].map(isParticipantId)).toEqual([true, false, false, false, false]);
  });
});

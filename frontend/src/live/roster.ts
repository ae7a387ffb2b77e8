/** View models over the roster frame: the hand-raise queue and the roster's order and counts. */
import { timestampMs } from "./countdown";
import type { RosterEntry } from "./protocol";

const collator = new Intl.Collator(["ko", "en"], { numeric: true, sensitivity: "base" });

/**
 * A class member who has not joined (yet): the server lists them with `status: "absent"` and
 * `id = -(user id)`. Nothing may be sent about them (no participant exists to act on).
 */
export function isAbsent(entry: RosterEntry): boolean {
  return (entry.status as string) === "absent" || entry.id < 0;
}

/** Whether a frame may name this participant id (absent class members have negative ids). */
export function isParticipantId(id: number): boolean {
  return Number.isInteger(id) && id > 0;
}

/** Raised hands, first raised first; ties (and unreadable times, last) by participant id. */
export function handQueue(roster: readonly RosterEntry[]): RosterEntry[] {
  const time = (entry: RosterEntry): number => timestampMs(entry.hand) ?? Number.POSITIVE_INFINITY;
  return roster
    .filter((entry) => entry.hand !== null && !isAbsent(entry))
    .sort((a, b) => {
      const ta = time(a);
      const tb = time(b);
      if (ta !== tb) return ta < tb ? -1 : 1;
      return a.id - b.id;
    });
}

/**
 * The roster in a stable order, so rows do not jump: those who joined first, then the class
 * members not joined; each part by nickname (Korean collation), then id.
 */
export function sortRoster(roster: readonly RosterEntry[]): RosterEntry[] {
  return [...roster].sort(
    (a, b) => Number(isAbsent(a)) - Number(isAbsent(b)) || collator.compare(a.nickname, b.nickname) || a.id - b.id,
  );
}

export interface PresenceCounts {
  connected: number;
  reconnecting: number;
  gone: number;
  /** Class members who have not joined (not counted in `total`). */
  absent: number;
  /** Those who joined (whatever their presence now). */
  total: number;
  answered: number;
}

export function presenceCounts(roster: readonly RosterEntry[]): PresenceCounts {
  const counts: PresenceCounts = { connected: 0, reconnecting: 0, gone: 0, absent: 0, total: 0, answered: 0 };
  for (const entry of roster) {
    if (isAbsent(entry)) {
      counts.absent += 1;
      continue;
    }
    counts.total += 1;
    if (entry.status === "connected" || entry.status === "reconnecting" || entry.status === "gone") counts[entry.status] += 1;
    if (entry.answered) counts.answered += 1;
  }
  return counts;
}

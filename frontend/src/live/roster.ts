/** View models over the roster frame: the hand-raise queue and the roster's order and counts. */
import { timestampMs } from "./countdown";
import type { PresenceStatus, RosterEntry } from "./protocol";

const collator = new Intl.Collator(["ko", "en"], { numeric: true, sensitivity: "base" });

/** Raised hands, first raised first; ties (and unreadable times, last) by participant id. */
export function handQueue(roster: readonly RosterEntry[]): RosterEntry[] {
  const time = (entry: RosterEntry): number => timestampMs(entry.hand) ?? Number.POSITIVE_INFINITY;
  return roster
    .filter((entry) => entry.hand !== null)
    .sort((a, b) => {
      const ta = time(a);
      const tb = time(b);
      if (ta !== tb) return ta < tb ? -1 : 1;
      return a.id - b.id;
    });
}

/** The roster in a stable order (by nickname, Korean collation; then id), so rows do not jump. */
export function sortRoster(roster: readonly RosterEntry[]): RosterEntry[] {
  return [...roster].sort((a, b) => collator.compare(a.nickname, b.nickname) || a.id - b.id);
}

export type PresenceCounts = Record<PresenceStatus, number> & { total: number; answered: number };

export function presenceCounts(roster: readonly RosterEntry[]): PresenceCounts {
  const counts: PresenceCounts = { connected: 0, reconnecting: 0, gone: 0, total: roster.length, answered: 0 };
  for (const entry of roster) {
    counts[entry.status] += 1;
    if (entry.answered) counts.answered += 1;
  }
  return counts;
}

/** Reconnect delay policy: exponential growth capped at `maxMs`, with full jitter. */
export interface BackoffOptions {
  /** Ceiling of the first retry's delay, in milliseconds. */
  baseMs: number;
  /** Upper bound of any delay, in milliseconds. */
  maxMs: number;
}

export const DEFAULT_BACKOFF: Readonly<BackoffOptions> = Object.freeze({ baseMs: 500, maxMs: 30_000 });

/** Largest delay allowed for `attempt`: min(maxMs, baseMs * 2^attempt). */
export function backoffCeiling(attempt: number, opts: BackoffOptions = DEFAULT_BACKOFF): number {
  const n = Number.isFinite(attempt) && attempt > 0 ? Math.floor(attempt) : 0;
  const base = Math.max(0, opts.baseMs);
  const max = Math.max(0, opts.maxMs);
  // 2 ** n overflows to Infinity for huge n, and Math.min still gives `max`.
  return Math.min(max, base * 2 ** n);
}

/**
 * Delay before reconnect attempt `attempt` (0 = first retry), drawn uniformly
 * from [0, ceiling] ("full jitter"), so a classroom of clients that lost the
 * server at the same moment does not come back at the same moment.
 * `random` must return a number in [0, 1]; out-of-range values are clamped.
 */
export function backoffDelay(
  attempt: number,
  opts: BackoffOptions = DEFAULT_BACKOFF,
  random: () => number = Math.random,
): number {
  const ceiling = backoffCeiling(attempt, opts);
  const r = random();
  const unit = Number.isFinite(r) ? Math.min(1, Math.max(0, r)) : 0;
  return Math.floor(unit * ceiling);
}

/**
 * Reconnect delay policy: exponential growth capped at `maxMs`, with jitter.
 *
 * Think of a thousand tablets that lost the same worker at the same moment: each one draws its
 * delay at random from [floor, ceiling], so they come back spread over the window instead of all
 * at once ("full jitter", AWS Architecture Blog, "Exponential Backoff And Jitter"). The window
 * doubles with every failed attempt up to `maxMs`; the first retry's window is `baseMs` (1 s).
 */
export interface BackoffOptions {
  /** Ceiling of the first retry's delay, in milliseconds. */
  baseMs: number;
  /** Upper bound of any delay, in milliseconds. */
  maxMs: number;
  /**
   * Share of the ceiling that is always waited, in [0, 1]: 0 is full jitter (a delay anywhere in
   * [0, ceiling]); 0.25 waits at least a quarter of the ceiling. Defaults to 0.
   */
  floor?: number;
}

/** After a dropped connection: first retry within 0–1 s, then 0–2 s, 0–4 s … up to 0–15 s. */
export const DEFAULT_BACKOFF: Readonly<BackoffOptions> = Object.freeze({ baseMs: 1_000, maxMs: 15_000, floor: 0 });

/**
 * After the server said it is busy (close 1013): wait longer and never come straight back:
 * 1–4 s, then 2–8 s, 4–16 s, 7.5–30 s and so on.
 */
export const BUSY_BACKOFF: Readonly<BackoffOptions> = Object.freeze({ baseMs: 4_000, maxMs: 30_000, floor: 0.25 });

/** Largest delay allowed for `attempt`: min(maxMs, baseMs * 2^attempt). */
export function backoffCeiling(attempt: number, opts: BackoffOptions = DEFAULT_BACKOFF): number {
  const n = Number.isFinite(attempt) && attempt > 0 ? Math.floor(attempt) : 0;
  const base = Math.max(0, opts.baseMs);
  const max = Math.max(0, opts.maxMs);
  // 2 ** n overflows to Infinity for huge n, and Math.min still gives `max`.
  return Math.min(max, base * 2 ** n);
}

const unitInterval = (value: number | undefined): number =>
  typeof value === "number" && Number.isFinite(value) ? Math.min(1, Math.max(0, value)) : 0;

/**
 * Delay before reconnect attempt `attempt` (0 = first retry), drawn uniformly from
 * [floor * ceiling, ceiling]. `random` must return a number in [0, 1]; out-of-range values are
 * clamped.
 */
export function backoffDelay(
  attempt: number,
  opts: BackoffOptions = DEFAULT_BACKOFF,
  random: () => number = Math.random,
): number {
  const ceiling = backoffCeiling(attempt, opts);
  const floor = unitInterval(opts.floor);
  const unit = unitInterval(random());
  return Math.floor(ceiling * (floor + (1 - floor) * unit));
}

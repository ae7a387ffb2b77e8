/**
 * Question timers. The server sends deadlines on its own clock; a tablet's clock can be minutes
 * off, so the countdown uses the offset measured from the last snapshot's `server_time`.
 */
import type { ServerTimestamp } from "./protocol";

const ISO =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/**
 * A server timestamp in ms since the epoch, or null if it cannot be read. ISO text may carry any
 * number of fraction digits (Python writes microseconds) and any UTC offset; text without an
 * offset is read as UTC, never as the tablet's local time.
 */
export function timestampMs(value: ServerTimestamp | null | undefined): number | null {
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  if (typeof value !== "string") return null;
  const m = ISO.exec(value.trim());
  if (!m) return null;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const ms = frac ? Math.floor(Number(`0.${frac}`) * 1000) : 0;
  let utc = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s ?? 0), ms);
  if (zone && zone.toUpperCase() !== "Z") {
    const sign = zone.startsWith("-") ? -1 : 1;
    const digits = zone.slice(1).replace(":", "");
    const minutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || 0);
    utc -= sign * minutes * 60_000;
  }
  return Number.isFinite(utc) ? utc : null;
}

/** How far the server's clock is ahead of ours (ms), from a `server_time` received at `receivedAt`. */
export function clockOffset(serverTime: number, receivedAt: number): number {
  return serverTime - receivedAt;
}

/** The server's clock now, estimated from our clock and the offset. */
export function serverNow(localNow: number, offset: number): number {
  return localNow + offset;
}

/** Milliseconds left before `deadline` (never negative), or null when there is no deadline. */
export function remainingMs(deadline: ServerTimestamp | null, localNow: number, offset: number): number | null {
  const end = timestampMs(deadline);
  if (end === null) return null;
  return Math.max(0, end - serverNow(localNow, offset));
}

/** "m:ss", rounding up so "0:00" shows only once time is really up. */
export function formatRemaining(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const minutes = Math.floor(total / 60);
  const seconds = total % 60;
  return `${minutes}:${String(seconds).padStart(2, "0")}`;
}

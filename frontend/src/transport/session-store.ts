/** The tab's sessionStorage, or null where the browser blocks storage (outboxes then live in memory). */
export function sessionStore(): Storage | null {
  try {
    return window.sessionStorage; // Throws when storage is blocked.
  } catch {
    return null;
  }
}

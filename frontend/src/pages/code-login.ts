/**
 * Student login-code page. QR cards link to `/login/code/#ABCD-EFGH`: the code
 * rides in the fragment, so it never reaches server logs. Copy it into the
 * form, drop it from the address bar and history, and let the student press
 * the button (no auto-submit: they should see what they are signing in with).
 */

export interface CodeLoginEnv {
  location: Pick<Location, "hash" | "pathname" | "search">;
  history: Pick<History, "replaceState" | "state">;
}

/** The code carried by a URL fragment: without "#", percent-decoded, trimmed. */
export function codeFromHash(hash: string): string {
  const raw = hash.startsWith("#") ? hash.slice(1) : hash;
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    decoded = raw; // Malformed escapes: use the text as typed.
  }
  return decoded.trim();
}

/** Fills the code input from the fragment; true if it did. */
export function mountCodeLogin(
  form: HTMLFormElement,
  env: CodeLoginEnv = { location: window.location, history: window.history },
): boolean {
  const input = form.querySelector<HTMLInputElement>("#id_code");
  const code = codeFromHash(env.location.hash);
  if (!input || code === "") return false;
  input.value = code;
  env.history.replaceState(env.history.state, "", env.location.pathname + env.location.search);
  form
    .querySelector<HTMLElement>('button:not([type]), button[type="submit"], input[type="submit"]')
    ?.focus();
  return true;
}

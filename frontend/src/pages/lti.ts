/**
 * The LTI pages' small behaviours (ADR 0010), each bound to a data attribute:
 * - `form[data-auto-submit]`: the Deep Linking return posts itself to the LMS (its button stays for no-JS);
 * - `[data-lti-close]`: after dynamic registration, tell the LMS's window to close the registration
 *   (1EdTech Dynamic Registration: `{subject: "org.imsglobal.lti.close"}`);
 * - `[data-lti-cookie-check]`: in the LMS's frame, go on to the LMS only if the probe cookie the
 *   login just set is kept here; otherwise show the "open in a new window" offer.
 */

export const PROBE_COOKIE = "baeum_lti_probe";

export function autoSubmit(doc: Document): void {
  doc.querySelector<HTMLFormElement>("form[data-auto-submit]")?.submit();
}

export function closeRegistration(win: Window): void {
  (win.opener ?? win.parent).postMessage({ subject: "org.imsglobal.lti.close" }, "*");
}

export function cookieKept(cookies: string): boolean {
  return cookies.split(/;\s*/).includes(`${PROBE_COOKIE}=1`);
}

/** Goes on to the LMS (returns true) or shows the offer of a new window (false). */
export function checkCookies(root: HTMLElement, doc: Document, go: (url: string) => void): boolean {
  const target = doc.getElementById("lti-auth-url")?.textContent;
  if (target && cookieKept(doc.cookie)) {
    go(JSON.parse(target) as string);
    return true;
  }
  root.querySelector<HTMLElement>("[data-lti-checking]")?.setAttribute("hidden", "");
  root.querySelector<HTMLElement>("[data-lti-blocked]")?.removeAttribute("hidden");
  return false;
}

export function mountLti(doc: Document, win: Window): void {
  autoSubmit(doc);
  if (doc.querySelector("[data-lti-close]")) closeRegistration(win);
  const check = doc.querySelector<HTMLElement>("[data-lti-cookie-check]");
  if (check) checkCookies(check, doc, (url) => win.location.replace(url));
}

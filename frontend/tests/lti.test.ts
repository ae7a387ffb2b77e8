import { afterEach, describe, expect, it, vi } from "vitest";
import { autoSubmit, checkCookies, closeRegistration, cookieKept, mountLti } from "../src/pages/lti";

afterEach(() => {
  document.body.innerHTML = "";
  document.cookie = "baeum_lti_probe=; expires=Thu, 01 Jan 1970 00:00:00 GMT";
  vi.restoreAllMocks();
});

function checkPage(): HTMLElement {
  document.body.innerHTML = `
    <section data-lti-cookie-check>
      <p data-lti-checking>Opening…</p>
      <div data-lti-blocked hidden><a href="/lti/login/?new_window=1">Open in a new window</a></div>
    </section>
    <script id="lti-auth-url" type="application/json">"https://lms.example/auth?state=s\\u0026nonce=n"</script>`;
  return document.querySelector("[data-lti-cookie-check]")!;
}

describe("the login's cookie check in the LMS's frame", () => {
  it("goes on to the LMS when the probe cookie is kept", () => {
    const root = checkPage();
    document.cookie = "baeum_lti_probe=1";
    const go = vi.fn();
    expect(checkCookies(root, document, go)).toBe(true);
    expect(go).toHaveBeenCalledWith("https://lms.example/auth?state=s&nonce=n");
    expect(root.querySelector("[data-lti-blocked]")!.hasAttribute("hidden")).toBe(true);
  });

  it("offers a new window when the cookie was not kept", () => {
    const root = checkPage();
    const go = vi.fn();
    expect(checkCookies(root, document, go)).toBe(false);
    expect(go).not.toHaveBeenCalled();
    expect(root.querySelector("[data-lti-blocked]")!.hasAttribute("hidden")).toBe(false);
    expect(root.querySelector("[data-lti-checking]")!.hasAttribute("hidden")).toBe(true);
  });

  it("reads only its own cookie, whole", () => {
    expect(cookieKept("a=1; baeum_lti_probe=1")).toBe(true);
    expect(cookieKept("x_baeum_lti_probe=1; baeum_lti_probe=10")).toBe(false);
  });
});

describe("auto-submit and the registration's close message", () => {
  it("submits the deep linking return form", () => {
    document.body.innerHTML = `<form method="post" action="https://lms.example/dl" data-auto-submit><input name="JWT" value="t"></form>`;
    const submit = vi.spyOn(HTMLFormElement.prototype, "submit").mockImplementation(() => undefined);
    autoSubmit(document);
    expect(submit).toHaveBeenCalledTimes(1);
  });

  it("posts org.imsglobal.lti.close to the window that opened or framed it", () => {
    const post = vi.fn();
    closeRegistration({ opener: null, parent: { postMessage: post } } as unknown as Window);
    expect(post).toHaveBeenCalledWith({ subject: "org.imsglobal.lti.close" }, "*");
  });

  it("does nothing on a page without these parts", () => {
    document.body.innerHTML = "<p>plain</p>";
    const post = vi.fn();
    mountLti(document, { opener: null, parent: { postMessage: post }, location: { replace: vi.fn() } } as unknown as Window);
    expect(post).not.toHaveBeenCalled();
  });
});

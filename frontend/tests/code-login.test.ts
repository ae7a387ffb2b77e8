import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { codeFromHash, mountCodeLogin } from "../src/pages/code-login";

function renderForm(): { form: HTMLFormElement; input: HTMLInputElement; button: HTMLButtonElement } {
  document.body.innerHTML = `
    <form method="post" data-code-login>
      <label for="id_code">로그인 코드</label>
      <input id="id_code" name="code" type="text" autocomplete="off">
      <button type="submit">로그인</button>
    </form>`;
  return {
    form: document.querySelector("form")!,
    input: document.querySelector("#id_code")!,
    button: document.querySelector("button")!,
  };
}

beforeEach(() => {
  history.replaceState(null, "", "/");
});

afterEach(() => {
  document.body.innerHTML = "";
});

describe("codeFromHash", () => {
  it.each([
    ["#ABCD-EFGH", "ABCD-EFGH"],
    ["ABCD-EFGH", "ABCD-EFGH"],
    ["#AB%20CD", "AB CD"],
    ["#%ED%95%9C%EA%B8%80", "한글"],
    ["#%E0%A4%A", "%E0%A4%A"], // malformed escape: kept as typed
    ["#  ABCD  ", "ABCD"],
    ["#", ""],
    ["", ""],
  ])("%j -> %j", (hash, expected) => {
    expect(codeFromHash(hash)).toBe(expected);
  });
});

describe("mountCodeLogin", () => {
  it("fills the code from the QR link, drops the hash and focuses the button", () => {
    history.replaceState({ keep: 1 }, "", "/login/code/#ABCD-EFGH");
    const { form, input, button } = renderForm();
    const submitted = vi.fn((e: Event) => e.preventDefault());
    form.addEventListener("submit", submitted);

    expect(mountCodeLogin(form)).toBe(true);

    expect(input.value).toBe("ABCD-EFGH");
    expect(location.hash).toBe("");
    expect(location.href).toBe("http://localhost:3000/login/code/");
    expect(history.state).toEqual({ keep: 1 });
    expect(document.activeElement).toBe(button);
    expect(submitted).not.toHaveBeenCalled();
  });

  it("keeps the query string", () => {
    history.replaceState(null, "", "/login/code/?next=%2Fclass%2F#WXYZ-1234");
    const { form, input } = renderForm();
    mountCodeLogin(form);
    expect(input.value).toBe("WXYZ-1234");
    expect(location.pathname + location.search + location.hash).toBe("/login/code/?next=%2Fclass%2F");
  });

  it("decodes percent-encoded codes", () => {
    history.replaceState(null, "", "/login/code/#AB%2DCD");
    const { form, input } = renderForm();
    mountCodeLogin(form);
    expect(input.value).toBe("AB-CD");
  });

  it("leaves the page alone without a hash", () => {
    history.replaceState(null, "", "/login/code/");
    const { form, input, button } = renderForm();
    input.value = "typed";
    const replace = vi.spyOn(history, "replaceState");
    expect(mountCodeLogin(form)).toBe(false);
    expect(input.value).toBe("typed");
    expect(replace).not.toHaveBeenCalled();
    expect(document.activeElement).not.toBe(button);
  });

  it("leaves the hash alone when the form has no code input", () => {
    history.replaceState(null, "", "/login/code/#ABCD");
    document.body.innerHTML = `<form data-code-login><button>go</button></form>`;
    expect(mountCodeLogin(document.querySelector("form")!)).toBe(false);
    expect(location.hash).toBe("#ABCD");
  });

  it("works with an injected location and history", () => {
    const { form, input } = renderForm();
    const replaceState = vi.fn();
    const ok = mountCodeLogin(form, {
      location: { hash: "#QRCODE-1", pathname: "/login/code/", search: "" },
      history: { state: null, replaceState },
    });
    expect(ok).toBe(true);
    expect(input.value).toBe("QRCODE-1");
    expect(replaceState).toHaveBeenCalledWith(null, "", "/login/code/");
  });
});

import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { confirmWithDialog, dialogConfirm } from "../src/live/console/confirm-dialog";
import { $, renderConsolePage } from "./helpers/live-pages";

const dialog = () => $<HTMLDialogElement>("confirm");

/** What a browser does when Escape is pressed in a modal dialog: a cancelable `cancel` event on it. */
function pressEscape(): Event {
  document.activeElement?.dispatchEvent(new KeyboardEvent("keydown", { key: "Escape", bubbles: true }));
  const cancel = new Event("cancel", { cancelable: true });
  dialog().dispatchEvent(cancel);
  return cancel;
}

let opener: HTMLButtonElement;

beforeEach(() => {
  renderConsolePage();
  opener = $<HTMLButtonElement>("end");
  opener.focus();
});

afterEach(() => {
  document.body.innerHTML = "";
});

describe("confirmWithDialog", () => {
  it("asks with the message, the safe choice focused", () => {
    void confirmWithDialog(dialog(), "수업을 끝낼까요?");
    expect(dialog().open).toBe(true);
    expect(dialog().querySelector("[data-live-confirm-text]")?.textContent).toBe("수업을 끝낼까요?");
    expect(document.activeElement).toBe($("confirm-cancel"));
  });

  it("resolves true on OK, closes, and gives the focus back", async () => {
    const answer = confirmWithDialog(dialog(), "윤슬기 학생을 내보낼까요?");
    $("confirm-ok").click();
    await expect(answer).resolves.toBe(true);
    expect(dialog().open).toBe(false);
    expect(document.activeElement).toBe(opener);
  });

  it("resolves false on Cancel", async () => {
    const answer = confirmWithDialog(dialog(), "수업을 끝낼까요?");
    $("confirm-cancel").click();
    await expect(answer).resolves.toBe(false);
    expect(dialog().open).toBe(false);
    expect(document.activeElement).toBe(opener);
  });

  it("resolves false on Escape, keeping the dialog's own closing in hand, and gives the focus back", async () => {
    const answer = confirmWithDialog(dialog(), "수업을 끝낼까요?");
    const cancel = pressEscape();
    await expect(answer).resolves.toBe(false);
    expect(cancel.defaultPrevented).toBe(true);
    expect(dialog().open).toBe(false);
    expect(document.activeElement).toBe(opener);
  });

  it("forgets an answered question: the next one is answered by its own buttons only", async () => {
    const first = confirmWithDialog(dialog(), "첫 번째");
    $("confirm-ok").click();
    await expect(first).resolves.toBe(true);
    const second = confirmWithDialog(dialog(), "두 번째");
    $("confirm-cancel").click();
    await expect(second).resolves.toBe(false);
    const settled = vi.fn();
    void confirmWithDialog(dialog(), "세 번째").then(settled);
    await Promise.resolve();
    expect(settled).not.toHaveBeenCalled();
    expect(dialog().querySelector("[data-live-confirm-text]")?.textContent).toBe("세 번째");
  });

  it("opens the dialog without showModal (older browsers) and closes it the same way", async () => {
    const el = dialog();
    Object.defineProperty(el, "showModal", { value: undefined, configurable: true });
    Object.defineProperty(el, "close", { value: undefined, configurable: true });
    const answer = confirmWithDialog(el, "수업을 끝낼까요?");
    expect(el.hasAttribute("open")).toBe(true);
    $("confirm-ok").click();
    await expect(answer).resolves.toBe(true);
    expect(el.hasAttribute("open")).toBe(false);
  });
});

describe("dialogConfirm", () => {
  it("uses the page's dialog when there is one", async () => {
    const ask = dialogConfirm(dialog());
    const answer = ask("수업을 끝낼까요?");
    expect(dialog().open).toBe(true);
    $("confirm-ok").click();
    await expect(answer).resolves.toBe(true);
  });

  it("falls back to the browser's confirm() without a dialog", async () => {
    const browserConfirm = vi.fn((_message?: string) => false);
    vi.stubGlobal("confirm", browserConfirm);
    await expect(dialogConfirm(null)("수업을 끝낼까요?")).resolves.toBe(false);
    expect(browserConfirm).toHaveBeenCalledWith("수업을 끝낼까요?");
  });
});

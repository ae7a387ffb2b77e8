import { describe, expect, it, vi } from "vitest";
import { mountPrintButtons } from "../src/pages/print";

describe("mountPrintButtons", () => {
  it("prints when a data-print button is clicked, and ignores other buttons", () => {
    document.body.innerHTML = '<button data-print>Print</button><button id="other">Other</button>';
    const print = vi.fn();
    expect(mountPrintButtons(document, print)).toBe(1);
    document.querySelector<HTMLButtonElement>("#other")!.click();
    expect(print).not.toHaveBeenCalled();
    document.querySelector<HTMLButtonElement>("[data-print]")!.click();
    expect(print).toHaveBeenCalledTimes(1);
  });
});

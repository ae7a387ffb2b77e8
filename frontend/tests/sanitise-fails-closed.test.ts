// Runs in the default environment, happy-dom, where DOMPurify cannot work: happy-dom's
// Node.prototype.nodeName getter returns "" and its NodeIterator stops at a removed node
// (https://github.com/capricorn86/happy-dom/issues/2182), so DOMPurify would keep scripts.
// Tests of pages that show server HTML therefore run in jsdom (`@vitest-environment jsdom`).
import { expect, it } from "vitest";
import { sanitise } from "../src/ui/sanitise";

it("never passes a script or a handler on, even in a DOM where DOMPurify cannot work", () => {
  let shown: string;
  try {
    const box = document.createElement("div");
    box.append(sanitise('<p>a</p><script>alert(1)</script><img src="x" onerror="alert(2)">'));
    shown = box.innerHTML;
  } catch (error) {
    shown = `refused: ${(error as Error).message}`;
  }
  expect(shown).not.toMatch(/<script|onerror/);
  expect(shown).toMatch(/^refused: |^<p>a<\/p><img src="x">$/);
});

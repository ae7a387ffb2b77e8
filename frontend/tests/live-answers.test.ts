import { describe, expect, it } from "vitest";
import { answerView, setFormEnabled } from "../src/live/answers";
import type { AnswerSubmitFrame } from "../src/live/protocol";

function form(kind: string, inner: string): HTMLFormElement {
  document.body.innerHTML = `<form data-activity data-block="b1" data-kind="${kind}">${inner}<button type="submit">확인</button><div class="feedback"></div></form>`;
  return document.querySelector("form")!;
}
const choices = (type: string, texts = ["1/2", "1/4", "3/4"]) =>
  texts.map((t, i) => `<label class="choice"><input type="${type}" name="answer" value="${i}"> <span>${t}</span></label>`).join("");

describe("setFormEnabled", () => {
  it("disables and enables every control and says so", () => {
    const f = form("poll", choices("radio"));
    setFormEnabled(f, false);
    expect(Array.from(f.querySelectorAll<HTMLInputElement | HTMLButtonElement>("input, button")).every((c) => c.disabled)).toBe(true);
    expect(f.getAttribute("aria-disabled")).toBe("true");
    setFormEnabled(f, true);
    expect(Array.from(f.querySelectorAll<HTMLInputElement | HTMLButtonElement>("input, button")).some((c) => c.disabled)).toBe(false);
    expect(f.hasAttribute("aria-disabled")).toBe(false);
  });
});

describe("answerView", () => {
  const frame = (id: string, block: string, answer: unknown): AnswerSubmitFrame => ({ type: "answer.submit", id, block, answer });

  it("prefers the server's stored answer, then the outbox, then a refusal", () => {
    const saved = { b1: { answer: "0.75", correct: null } };
    const pending = [frame("u1", "b1", "0.7"), frame("u2", "b2", [1]), frame("u3", "b2", [2])];
    const errors = new Map([
      ["b2", "too late"],
      ["b3", "닫힌 문제예요"],
    ]);
    expect(answerView("b1", saved, pending, errors)).toEqual({ state: "acked", answer: "0.75" });
    expect(answerView("b2", saved, pending, errors)).toEqual({ state: "pending", answer: [2] });
    expect(answerView("b3", saved, pending, errors)).toEqual({ state: "error", message: "닫힌 문제예요" });
    expect(answerView("b4", undefined, pending, errors)).toEqual({ state: null });
  });
});

import { describe, expect, it } from "vitest";
import { answerView, describeAnswer, isEmptyAnswer, prefill, setFormEnabled } from "../src/live/answers";
import type { AnswerSubmitFrame } from "../src/live/protocol";
import { collectAnswer } from "../src/pages/lesson";

function form(kind: string, inner: string): HTMLFormElement {
  document.body.innerHTML = `<form data-activity data-block="b1" data-kind="${kind}">${inner}<button type="submit">확인</button><div class="feedback"></div></form>`;
  return document.querySelector("form")!;
}
const choices = (type: string, texts = ["1/2", "1/4", "3/4"]) =>
  texts.map((t, i) => `<label class="choice"><input type="${type}" name="answer" value="${i}"> <span>${t}</span></label>`).join("");
const trueFalse = '<label><input type="radio" name="answer" value="true"> 참</label><label><input type="radio" name="answer" value="false"> 거짓</label>';

describe("prefill", () => {
  it.each([
    ["multiple_choice", choices("checkbox"), [0, 2]],
    ["multiple_choice", choices("radio"), [1]],
    ["true_false", trueFalse, false],
    ["true_false", trueFalse, true],
    ["poll", choices("radio"), 2],
    ["numeric", '<input type="text" name="answer">', "0.75"],
    ["short_answer", '<input type="text" name="answer">', "광합성"],
    ["open_response", '<textarea name="answer"></textarea>', "잎에서\n만들어요"],
  ])("puts a %s answer back so collectAnswer reads the same (%j)", (kind, inner, answer) => {
    const f = form(kind, inner);
    expect(prefill(f, answer)).toBe(true);
    expect(collectAnswer(f)).toEqual(answer);
  });

  it("unchecks choices that are not part of the answer", () => {
    const f = form("multiple_choice", choices("checkbox"));
    f.querySelectorAll<HTMLInputElement>("input").forEach((input) => (input.checked = true));
    prefill(f, [1]);
    expect(collectAnswer(f)).toEqual([1]);
  });

  it("shows a numeric answer stored as a number", () => {
    const f = form("numeric", '<input type="text" name="answer">');
    expect(prefill(f, 0.75)).toBe(true);
    expect(collectAnswer(f)).toBe("0.75");
  });

  it.each([
    ["multiple_choice", choices("checkbox"), 1],
    ["true_false", trueFalse, "true"],
    ["poll", choices("radio"), [1]],
    ["poll", choices("radio"), 1.5],
    ["numeric", '<input type="text" name="answer">', ["0.75"]],
    ["numeric", "", "0.75"],
  ])("refuses a %s answer of the wrong shape", (kind, inner, answer) => {
    const f = form(kind, inner);
    const before = collectAnswer(f);
    expect(prefill(f, answer)).toBe(false);
    expect(collectAnswer(f)).toEqual(before);
  });
});

describe("isEmptyAnswer", () => {
  it.each([
    [null, true],
    [undefined, true],
    ["", true],
    ["   ", true],
    [[], true],
    ["0", false],
    [0, false],
    [false, false],
    [[0], false],
  ])("%j -> %s", (answer, empty) => {
    expect(isEmptyAnswer(answer)).toBe(empty);
  });
});

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

describe("describeAnswer", () => {
  const labels = { true: "참", false: "거짓" };

  it("shows display text as is and booleans with the labels", () => {
    expect(describeAnswer(null, "numeric", "0.75 m", labels)).toBe("0.75 m");
    expect(describeAnswer(null, "true_false", true, labels)).toBe("참");
    expect(describeAnswer(null, "numeric", null, labels)).toBe("");
  });

  it("maps raw choice indexes to the choice texts", () => {
    const f = form("multiple_choice", choices("checkbox"));
    expect(describeAnswer(f, "multiple_choice", [0, 2], labels)).toBe("1/2, 3/4");
    expect(describeAnswer(f, "poll", 1, labels)).toBe("1/4");
    expect(describeAnswer(null, "multiple_choice", [0, 2], labels)).toBe("0, 2");
  });
});

import { describe, expect, it } from "vitest";
import { ACTIVITIES, ACTIVITY_KINDS, activityFor, activityOf } from "../src/activities";

/** The markup of courses/templates/courses/blocks/<kind>.html, reduced to what the scripts read. */
function form(kind: string, inner: string): HTMLFormElement {
  document.body.innerHTML = `<form class="activity" data-activity data-block="b1" data-kind="${kind}" novalidate>${inner}<button type="submit">확인</button><div class="feedback"></div></form>`;
  return document.querySelector("form")!;
}
const choices = (type: string, texts = ["1/2", "1/4", "3/4"]) =>
  texts.map((t, i) => `<label class="choice"><input type="${type}" name="answer" value="${i}"> <span>${t}</span></label>`).join("");
const trueFalse =
  '<label class="choice"><input type="radio" name="answer" value="true"> <span>True (O)</span></label>' +
  '<label class="choice"><input type="radio" name="answer" value="false"> <span>False (X)</span></label>';
const textInput = '<input type="text" id="answer-b1" name="answer" maxlength="200">';
const textarea = '<textarea id="answer-b1" name="answer" rows="4"></textarea>';
const labels = { true: "참", false: "거짓" };

const check = (f: HTMLFormElement, ...values: string[]): void => {
  for (const input of Array.from(f.querySelectorAll<HTMLInputElement>('input[name="answer"]'))) input.checked = values.includes(input.value);
};
const collect = (f: HTMLFormElement): unknown => activityOf(f).collect(f);

describe("the registry", () => {
  it("has one entry per kind the server knows, in the server's order", () => {
    expect(ACTIVITY_KINDS).toEqual([
      "multiple_choice",
      "true_false",
      "short_answer",
      "numeric",
      "poll",
      "open_response",
      "external_activity",
    ]);
    expect(Object.keys(ACTIVITIES).sort()).toEqual([...ACTIVITY_KINDS].sort());
  });

  it("reads an external tool's stored score as given / maximum, and collects nothing", () => {
    const entry = ACTIVITIES.external_activity;
    expect(entry.describe(null, { score_given: 2, score_maximum: 3 }, { true: "참", false: "거짓" })).toBe("2 / 3");
    expect(entry.describe(null, "2", { true: "참", false: "거짓" })).toBe("");
    expect(entry.isEmpty(entry.collect(form("external_activity", "")))).toBe(true);
  });

  it("finds a form's entry by its data-kind", () => {
    expect(activityOf(form("poll", choices("radio")))).toBe(ACTIVITIES.poll);
    expect(activityFor("true_false")).toBe(ACTIVITIES.true_false);
  });

  it("reads a kind it does not know (a newer server) as one free-text field", () => {
    const f = form("drawing", textInput);
    f.querySelector("input")!.value = "그림";
    expect(activityFor("drawing")).toBe(ACTIVITIES.short_answer);
    expect(activityFor(undefined)).toBe(ACTIVITIES.short_answer);
    expect(collect(f)).toBe("그림");
  });
});

describe("multiple_choice", () => {
  const mc = ACTIVITIES.multiple_choice;

  it("collects the chosen indexes as a list, with checkboxes or radio buttons", () => {
    const f = form("multiple_choice", choices("checkbox"));
    expect(collect(f)).toEqual([]);
    check(f, "0", "2");
    expect(collect(f)).toEqual([0, 2]);
    const radio = form("multiple_choice", choices("radio"));
    check(radio, "1");
    expect(collect(radio)).toEqual([1]);
  });

  it("is empty with nothing chosen", () => {
    expect(mc.isEmpty([])).toBe(true);
    expect(mc.isEmpty(null)).toBe(true);
    expect(mc.isEmpty([0])).toBe(false);
  });

  it("prefills a stored answer (and unchecks the rest) so that collect reads it back", () => {
    const f = form("multiple_choice", choices("checkbox"));
    check(f, "0", "1", "2");
    expect(mc.prefill(f, [1])).toBe(true);
    expect(collect(f)).toEqual([1]);
    expect(mc.prefill(f, [0, 2])).toBe(true);
    expect(collect(f)).toEqual([0, 2]);
  });

  it("refuses a stored answer that is not a list", () => {
    const f = form("multiple_choice", choices("checkbox"));
    check(f, "2");
    expect(mc.prefill(f, 1)).toBe(false);
    expect(collect(f)).toEqual([2]);
  });

  it("describes indexes with the choice texts of the form's labels", () => {
    const f = form("multiple_choice", choices("checkbox"));
    expect(mc.describe(f, [0, 2], labels)).toBe("1/2, 3/4");
    expect(mc.describe(f, 1, labels)).toBe("1/4");
    expect(mc.describe(f, [7], labels)).toBe("7");
    expect(mc.describe(null, [0, 2], labels)).toBe("0, 2");
    expect(mc.describe(f, null, labels)).toBe("");
  });

  it("shows the server's wording of an answer as it is, even when it looks like an index", () => {
    const f = form("multiple_choice", choices("radio", ["1", "2", "3"]));
    expect(mc.describe(f, "2", labels)).toBe("2"); // the text of choice 1, not choice index 2
    expect(mc.describe(f, "1/2, 3/4", labels)).toBe("1/2, 3/4");
  });
});

describe("true_false", () => {
  const tf = ACTIVITIES.true_false;

  it("collects a boolean, or null with nothing chosen", () => {
    const f = form("true_false", trueFalse);
    expect(collect(f)).toBeNull();
    check(f, "false");
    expect(collect(f)).toBe(false);
    check(f, "true");
    expect(collect(f)).toBe(true);
  });

  it("is empty only without a choice (false is an answer)", () => {
    expect(tf.isEmpty(null)).toBe(true);
    expect(tf.isEmpty(false)).toBe(false);
    expect(tf.isEmpty(true)).toBe(false);
  });

  it("prefills booleans and refuses anything else", () => {
    const f = form("true_false", trueFalse);
    expect(tf.prefill(f, false)).toBe(true);
    expect(collect(f)).toBe(false);
    expect(tf.prefill(f, true)).toBe(true);
    expect(collect(f)).toBe(true);
    expect(tf.prefill(f, "false")).toBe(false);
    expect(collect(f)).toBe(true);
  });

  it("describes booleans in the page's words and the server's wording as it is", () => {
    const f = form("true_false", trueFalse);
    expect(tf.describe(f, true, labels)).toBe("참");
    expect(tf.describe(f, false, labels)).toBe("거짓");
    expect(tf.describe(f, "참", labels)).toBe("참");
    expect(tf.describe(f, undefined, labels)).toBe("");
  });
});

describe("poll", () => {
  const poll = ACTIVITIES.poll;

  it("collects the index of the chosen option, or null", () => {
    const f = form("poll", choices("radio"));
    expect(collect(f)).toBeNull();
    check(f, "1");
    expect(collect(f)).toBe(1);
  });

  it("is empty only without a choice (option 0 is an answer)", () => {
    expect(poll.isEmpty(null)).toBe(true);
    expect(poll.isEmpty(0)).toBe(false);
  });

  it("prefills a whole index and refuses lists and fractions", () => {
    const f = form("poll", choices("radio"));
    expect(poll.prefill(f, 2)).toBe(true);
    expect(collect(f)).toBe(2);
    expect(poll.prefill(f, [1])).toBe(false);
    expect(poll.prefill(f, 1.5)).toBe(false);
    expect(collect(f)).toBe(2);
  });

  it("describes an index with the option's text", () => {
    const f = form("poll", choices("radio", ["쉬워요", "어려워요"]));
    expect(poll.describe(f, 1, labels)).toBe("어려워요");
    expect(poll.describe(f, "쉬워요", labels)).toBe("쉬워요");
  });
});

describe.each([
  ["short_answer", textInput, "광합성"],
  ["numeric", '<input type="text" inputmode="decimal" id="answer-b1" name="answer" maxlength="40">', "0.75"],
  ["open_response", textarea, "잎에서\n만들어요"],
] as const)("%s", (kind, inner, typed) => {
  const activity = ACTIVITIES[kind];

  it("collects the field's text", () => {
    const f = form(kind, inner);
    expect(collect(f)).toBe("");
    activity.prefill(f, typed);
    expect(collect(f)).toBe(typed);
  });

  it("is empty when only blanks were typed", () => {
    expect(activity.isEmpty("")).toBe(true);
    expect(activity.isEmpty("  \n ")).toBe(true);
    expect(activity.isEmpty(null)).toBe(true);
    expect(activity.isEmpty("0")).toBe(false);
  });

  it("prefills text and numbers, and refuses lists or a form without a field", () => {
    const f = form(kind, inner);
    expect(activity.prefill(f, 0.75)).toBe(true);
    expect(collect(f)).toBe("0.75");
    expect(activity.prefill(f, ["x"])).toBe(false);
    expect(collect(f)).toBe("0.75");
    expect(activity.prefill(form(kind, ""), typed)).toBe(false);
  });

  it("describes text as it is and a list of accepted answers joined", () => {
    expect(activity.describe(null, "0.75 m", labels)).toBe("0.75 m");
    expect(activity.describe(null, ["광합성", "photosynthesis"], labels)).toBe("광합성, photosynthesis");
    expect(activity.describe(null, null, labels)).toBe("");
  });
});

// @vitest-environment jsdom
import "./helpers/standards-mode";
import { describe, expect, it, vi } from "vitest";
import katex from "katex";
import { mountLesson, showVerdict, submitAnswer, type LessonLabels } from "../src/pages/lesson";
import { renderMath } from "../src/ui/math";

const labels: LessonLabels = {
  correct: "정답!",
  incorrect: "아쉬워요.",
  recorded: "저장했어요.",
  answer: "정답",
  error: "저장하지 못했어요.",
  signin: "로그인하세요.",
  checking: "확인 중…",
  true: "참",
  false: "거짓",
};

function form(kind: string, inner: string): HTMLFormElement {
  document.body.innerHTML = `<form data-activity data-block="b1" data-kind="${kind}">${inner}<button type="submit">확인</button><div class="feedback"></div></form>`;
  return document.querySelector("form")!;
}

const choices = (type: string, checked: number[]) =>
  ["1/2", "1/4", "3/4"]
    .map((t, i) => `<label><input type="${type}" name="answer" value="${i}"${checked.includes(i) ? " checked" : ""}> ${t}</label>`)
    .join("");

describe("showVerdict", () => {
  it("reveals the correct choice text and the explanation after a wrong answer", () => {
    const f = form("multiple_choice", choices("radio", [0]));
    showVerdict(f, { correct: false, score: 0, max_score: 1, attempts: 1, reveal: { correct: [2], explanation: "<p>셋 중 <b>셋</b></p>" } }, labels);
    expect(f.dataset.result).toBe("incorrect");
    expect(f.querySelector(".feedback .bad")?.textContent).toBe("아쉬워요.");
    expect(f.querySelector(".reveal")?.textContent).toBe("정답: 3/4");
    expect(f.querySelector(".explanation b")?.textContent).toBe("셋");
  });

  it("reveals true/false in the page's words and accepted answers as a list, with a safe explanation", () => {
    const tf = form("true_false", '<label><input type="radio" name="answer" value="true" checked> 참 (O)</label><label><input type="radio" name="answer" value="false"> 거짓 (X)</label>');
    showVerdict(tf, { correct: false, score: 0, max_score: 1, attempts: 3, reveal: { correct: false, explanation: '<p onclick="x()">왜냐하면<img src="x" onerror="x()"></p>' } }, labels);
    expect(tf.querySelector(".reveal")?.textContent).toBe("정답: 거짓");
    expect(tf.querySelector(".explanation")?.innerHTML).toBe('<p>왜냐하면<img src="x"></p>');
    const short = form("short_answer", '<input name="answer" value="광합">');
    showVerdict(short, { correct: false, score: 0, max_score: 1, attempts: 3, reveal: { correct: ["광합성", "photosynthesis"] } }, labels);
    expect(short.querySelector(".reveal")?.textContent).toBe("정답: 광합성, photosynthesis");
  });

  it("says saved for activities without a right answer", () => {
    const f = form("poll", choices("radio", [1]));
    showVerdict(f, { correct: null, score: 0, max_score: 0, attempts: 1, reveal: {} }, labels);
    expect(f.dataset.result).toBe("recorded");
    expect(f.querySelector(".reveal")).toBeNull();
  });
});

describe("submitAnswer", () => {
  it("posts JSON with the CSRF token and shows the verdict", async () => {
    const f = form("numeric", '<input name="answer" value="0.75">');
    const doc = { cookie: "a=1; csrftoken=tok%3D" } as Document;
    const fetchImpl = vi.fn(async () => new Response(JSON.stringify({ correct: true, score: 1, max_score: 1, attempts: 1, reveal: { correct: "0.75" } }), { status: 200 }));
    await submitAnswer(f, "/library/lessons/5/answers/", labels, fetchImpl, doc);
    const [url, init] = fetchImpl.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe("/library/lessons/5/answers/");
    expect((init.headers as Record<string, string>)["X-CSRFToken"]).toBe("tok=");
    expect(JSON.parse(init.body as string)).toEqual({ block: "b1", answer: "0.75" });
    expect(f.dataset.result).toBe("correct");
  });

  it("shows the server's message for an invalid answer and keeps what was typed", async () => {
    const f = form("numeric", '<input name="answer" value="abc">');
    const fetchImpl = vi.fn(async () => new Response(JSON.stringify({ error: { code: "invalid_answer", message: "숫자를 입력하세요." } }), { status: 400 }));
    await submitAnswer(f, "/x/", labels, fetchImpl, { cookie: "" } as Document);
    expect(f.dataset.result).toBe("error");
    expect(f.querySelector(".feedback")?.textContent).toBe("숫자를 입력하세요.");
    expect(f.querySelector<HTMLInputElement>('[name="answer"]')?.value).toBe("abc");
  });

  it("asks to sign in on 401 and reports network failures", async () => {
    const f = form("short_answer", '<input name="answer" value="분수">');
    await submitAnswer(f, "/x/", labels, vi.fn(async () => new Response("{}", { status: 401 })), { cookie: "" } as Document);
    expect(f.querySelector(".feedback")?.textContent).toBe("로그인하세요.");
    await submitAnswer(f, "/x/", labels, vi.fn(async () => { throw new TypeError("offline"); }), { cookie: "" } as Document);
    expect(f.querySelector(".feedback")?.textContent).toBe("저장하지 못했어요.");
    expect(f.querySelector("button")?.disabled).toBe(false);
  });
});

describe("renderMath and mountLesson", () => {
  it("renders LaTeX with KaTeX and wires every activity", () => {
    document.body.innerHTML = `<script type="application/json" id="lesson-labels">${JSON.stringify(labels)}</script>
      <article data-lesson="1" data-answer-url="/a/"><div data-latex="\\frac{3}{4}" data-display="1"></div>
      <form data-activity data-block="b" data-kind="short_answer"><input name="answer"><button type="submit">ok</button><div class="feedback"></div></form></article>`;
    const article = document.querySelector<HTMLElement>("article")!;
    expect(mountLesson(article, vi.fn())).toBe(1);
    expect(article.querySelector(".katex")).not.toBeNull();
    expect(article.dataset.ready).toBe("1");
    expect(renderMath(document.createElement("div"))).toBe(0);
  });

  it("leaves the source visible when KaTeX cannot render", () => {
    const div = document.createElement("div");
    div.innerHTML = '<div data-latex="\\frac{1}{2}"><code>\\frac{1}{2}</code></div>';
    vi.spyOn(katex, "render").mockImplementation(() => {
      throw new Error("cannot render");
    });
    expect(() => renderMath(div)).not.toThrow();
    expect(div.querySelector("code")).not.toBeNull();
  });
});

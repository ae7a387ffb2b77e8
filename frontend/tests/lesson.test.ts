import { describe, expect, it, vi } from "vitest";

// KaTeX checks the document mode when it loads; real pages have <!doctype html>.
vi.hoisted(() => {
  Object.defineProperty(document, "compatMode", { value: "CSS1Compat", configurable: true });
});

import katex from "katex";
import { collectAnswer, mountLesson, renderMath, sanitise, showVerdict, submitAnswer, type LessonLabels } from "../src/pages/lesson";

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

describe("collectAnswer", () => {
  it("shapes each kind as the server expects", () => {
    expect(collectAnswer(form("multiple_choice", choices("checkbox", [0, 2])))).toEqual([0, 2]);
    expect(collectAnswer(form("poll", choices("radio", [1])))).toBe(1);
    expect(collectAnswer(form("poll", choices("radio", [])))).toBeNull();
    expect(collectAnswer(form("true_false", '<input type="radio" name="answer" value="false" checked>'))).toBe(false);
    expect(collectAnswer(form("numeric", '<input name="answer" value="3/4">'))).toBe("3/4");
    expect(collectAnswer(form("open_response", '<textarea name="answer">생각</textarea>'))).toBe("생각");
  });
});

describe("showVerdict", () => {
  it("reveals the correct choice text and the explanation after a wrong answer", () => {
    const f = form("multiple_choice", choices("radio", [0]));
    showVerdict(f, { correct: false, score: 0, max_score: 1, attempts: 1, reveal: { correct: [2], explanation: "<p>셋 중 <b>셋</b></p>" } }, labels);
    expect(f.dataset.result).toBe("incorrect");
    expect(f.querySelector(".feedback .bad")?.textContent).toBe("아쉬워요.");
    expect(f.querySelector(".reveal")?.textContent).toBe("정답: 3/4");
    expect(f.querySelector(".explanation b")?.textContent).toBe("셋");
  });

  it("says saved for activities without a right answer", () => {
    const f = form("poll", choices("radio", [1]));
    showVerdict(f, { correct: null, score: 0, max_score: 0, attempts: 1, reveal: {} }, labels);
    expect(f.dataset.result).toBe("recorded");
    expect(f.querySelector(".reveal")).toBeNull();
  });
});

describe("sanitise", () => {
  it("drops scripts, handlers and javascript: links", () => {
    const div = document.createElement("div");
    div.append(sanitise('<p onclick="x()">a<script>alert(1)</script><a href="javascript:alert(1)">b</a></p>'));
    expect(div.innerHTML).toBe("<p>a<a>b</a></p>");
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

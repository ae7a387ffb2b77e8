// @vitest-environment jsdom
// DOMPurify needs a DOM that behaves like a browser's: jsdom (see tests/sanitise-fails-closed.test.ts).
import { describe, expect, it } from "vitest";
import { EMBED_HOSTS, IFRAME_ATTRIBUTES, isAllowedEmbed, sanitise } from "../src/ui/sanitise";

/** The sanitised markup, serialised. */
function clean(html: string): string {
  const box = document.createElement("div");
  box.append(sanitise(html));
  return box.innerHTML;
}

/** A parsed copy of the sanitised markup, to query. */
function cleanBox(html: string): HTMLElement {
  const box = document.createElement("div");
  box.append(sanitise(html));
  return box;
}

const youtube =
  '<iframe src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ" title="분수 영상" loading="lazy" ' +
  'allow="encrypted-media; picture-in-picture" allowfullscreen="" referrerpolicy="strict-origin-when-cross-origin"></iframe>';

// courses/templates/courses/blocks/multiple_choice.html, activity_meta.html and activity_foot.html as rendered.
const multipleChoice = `<form class="activity" data-activity="" data-block="3f2a" data-kind="multiple_choice" novalidate="">
  <fieldset>
    <legend class="prompt"><p>3/4와 <b>같은</b> 수는?</p></legend>
    <p class="hint">맞는 답을 모두 고르세요.</p>
    <label class="choice"><input type="checkbox" name="answer" value="0" checked=""> <span>0.75</span></label>
    <label class="choice"><input type="checkbox" name="answer" value="1"> <span>0.34</span></label>
  </fieldset>
  <p class="activity-meta">2 points <a class="code" href="/standards/12/" title="Fractions: equivalence">4수01-10</a></p>
  <div class="activity-actions">
  <button type="submit" class="button primary">정답 확인</button>
  <div class="feedback" role="status" aria-live="polite"><p class="ok">정답!</p></div>
</div>
</form>`;

// numeric.html: a text input with its label, described by the prompt.
const numeric = `<form class="activity" data-activity="" data-block="9c1d" data-kind="numeric" novalidate="">
  <div class="prompt" id="prompt-9c1d"><p>3/4를 소수로?</p></div>
  <label class="visually-hidden" for="answer-9c1d">답</label>
  <span class="numeric-input"><input type="text" inputmode="decimal" id="answer-9c1d" name="answer" maxlength="40" autocomplete="off" aria-describedby="prompt-9c1d" value="0.7"> <span class="unit">m</span></span>
  <textarea id="note-9c1d" name="note" rows="4" maxlength="5000" required="" hidden="">메모</textarea>
</form>`;

// math.html, image.html (Wagtail's <img>) and a table from rich text.
const math = '<div class="block-math display" data-latex="\\frac{3}{4} = 0.75" data-display="1"><code>\\frac{3}{4} = 0.75</code></div>';
const figure =
  '<figure class="block-image"><img alt="피자 네 조각" height="600" src="/media/images/pizza.max-1200x900.png" width="800" loading="lazy" ' +
  'srcset="/media/images/pizza.png 1x, /media/images/pizza@2x.png 2x" sizes="100vw"><figcaption>피자</figcaption></figure>';
const table = "<table><thead><tr><th>분수</th><th>소수</th></tr></thead><tbody><tr><td>3/4</td><td>0.75</td></tr></tbody></table>";

describe("sanitise: what is removed", () => {
  it("removes scripts and styles with their content", () => {
    expect(clean("<p>a<script>alert(1)</script>b</p><style>body { display: none }</style>")).toBe("<p>ab</p>");
  });

  it("removes inline event handlers", () => {
    expect(clean('<p onclick="x()" onmouseover="y()">a</p><img src="/a.png" onerror="z()" alt="">')).toBe('<p>a</p><img src="/a.png" alt="">');
  });

  it.each([
    ["javascript: in href", '<a href="javascript:alert(1)">x</a>', "<a>x</a>"],
    ["javascript: with blanks and case", '<a href=" JaVaScRiPt:alert(1)">x</a>', "<a>x</a>"],
    ["data: in href", '<a href="data:text/html,<script>alert(1)</script>">x</a>', "<a>x</a>"],
    ["data: in an image's src", '<img src="data:image/svg+xml;base64,PHN2Zz4=" alt="a">', '<img alt="a">'],
    ["javascript: in src", '<img src="javascript:alert(1)" alt="a">', '<img alt="a">'],
    ["javascript: as a form's action", '<form action="javascript:alert(1)"><button>b</button></form>', "<form><button>b</button></form>"],
    ["a button's formaction", '<form><button formaction="javascript:alert(1)">b</button></form>', "<form><button>b</button></form>"],
  ])("removes %s", (_name, html, expected) => {
    expect(clean(html)).toBe(expected);
  });

  it.each([
    ["from a host not in the list", '<iframe src="https://evil.example/embed/1"></iframe>'],
    ["over http:", '<iframe src="http://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"></iframe>'],
    ["with a relative src", '<iframe src="/embed/1"></iframe>'],
    ["with a protocol-relative src", '<iframe src="//player.vimeo.com/video/1"></iframe>'],
    ["on another port of an allowed host", '<iframe src="https://player.vimeo.com:8443/video/1"></iframe>'],
    ["on a look-alike host", '<iframe src="https://www.youtube-nocookie.com.evil.example/embed/1"></iframe>'],
    ["with a javascript: src", '<iframe src="javascript:alert(1)"></iframe>'],
    ["with srcdoc and no src", '<iframe srcdoc="<script>alert(1)</script>"></iframe>'],
    ["without src", "<iframe></iframe>"],
  ])("removes an iframe %s", (_name, html) => {
    expect(clean(`<p>vor</p>${html}<p>nach</p>`)).toBe("<p>vor</p><p>nach</p>");
  });

  it("keeps only the safe attributes of an allowed iframe: no srcdoc, handlers, ids or styles", () => {
    const iframe = cleanBox(
      '<iframe src="https://player.vimeo.com/video/76979871" srcdoc="<b>x</b>" onload="x()" id="v" style="position:fixed" name="top" width="640" height="360" class="video" sandbox="allow-scripts allow-same-origin"></iframe>',
    ).querySelector("iframe")!;
    expect(iframe.getAttributeNames().sort()).toEqual(["class", "height", "sandbox", "src", "width"]);
    expect(iframe.getAttribute("src")).toBe("https://player.vimeo.com/video/76979871");
  });
});

describe("sanitise: what the server renders stays", () => {
  it("keeps an allowed YouTube embed as the video block renders it", () => {
    expect(clean(`<figure class="block-video"><div class="video-frame">${youtube}</div><figcaption>분수</figcaption></figure>`)).toBe(
      `<figure class="block-video"><div class="video-frame">${youtube}</div><figcaption>분수</figcaption></figure>`,
    );
  });

  it("keeps the video block's fallback link, which opens in a new tab", () => {
    const link = '<a href="https://example.org/video" target="_blank" rel="noopener noreferrer">영상 열기</a>';
    expect(clean(link)).toBe(link);
  });

  it("keeps a multiple choice block: form, data-kind, inputs, checked state, meta link and feedback", () => {
    expect(clean(multipleChoice)).toBe(multipleChoice);
    const form = cleanBox(multipleChoice).querySelector<HTMLFormElement>("form[data-activity][data-block]")!;
    expect(form.dataset.kind).toBe("multiple_choice");
    expect(Array.from(form.querySelectorAll<HTMLInputElement>('input[name="answer"]')).map((i) => [i.type, i.value, i.checked])).toEqual([
      ["checkbox", "0", true],
      ["checkbox", "1", false],
    ]);
  });

  it("keeps a numeric block: label for, id, inputmode, maxlength, autocomplete, aria, value, hidden, required", () => {
    expect(clean(numeric)).toBe(numeric);
  });

  it("keeps a form's action unless it is javascript:", () => {
    const search = '<form action="/library/search/" method="get"><input type="search" name="q"></form>';
    expect(clean(search)).toBe(search);
  });

  it("keeps math placeholders for KaTeX, images with their sizes, figures and tables", () => {
    expect(clean(math)).toBe(math);
    expect(clean(figure)).toBe(figure);
    expect(clean(table)).toBe(table);
    const placeholder = cleanBox(math).querySelector<HTMLElement>("[data-latex]")!;
    expect(placeholder.dataset.latex).toBe("\\frac{3}{4} = 0.75");
    expect(placeholder.dataset.display).toBe("1");
  });

  it("keeps a whole live slide as classrooms/live_slide.html renders it", () => {
    const slide = `<section class="live-slide" data-slide-index="1" aria-labelledby="live-slide-title">
  <h2 id="live-slide-title"><span class="slide-no">2/3</span> 문제</h2>
  <div class="block-text"><p>다음을 풀어 보세요.</p></div>${math}${multipleChoice}</section>`;
    expect(clean(slide)).toBe(slide);
  });
});

describe("the embed rule", () => {
  it("is one list of https hosts, the ones the video block emits", () => {
    expect(EMBED_HOSTS).toEqual(["www.youtube-nocookie.com", "player.vimeo.com"]);
    expect(isAllowedEmbed("https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ")).toBe(true);
    expect(isAllowedEmbed(" https://player.vimeo.com/video/1 ")).toBe(true);
    expect(isAllowedEmbed("https://www.youtube.com/embed/dQw4w9WgXcQ")).toBe(false);
    expect(isAllowedEmbed("https://user@player.vimeo.com/video/1")).toBe(false);
    expect(isAllowedEmbed(null)).toBe(false);
  });

  it("allows Baeum's own tool launch path and nothing that only looks like it", () => {
    expect(isAllowedEmbed("/lti/platform/launch/12/0f3c-aa/")).toBe(true);
    expect(isAllowedEmbed("/lti/platform/launch/12/0f3c-aa/?session=4")).toBe(true);
    expect(isAllowedEmbed("/lti/platform/launch/../../accounts/logout/")).toBe(false);
    expect(isAllowedEmbed("/lti/platform/launch//evil.example/")).toBe(false);
    expect(isAllowedEmbed("https://evil.example/lti/platform/launch/1/a/")).toBe(false);
    expect(isAllowedEmbed("/lti/platform/auth/")).toBe(false);
    expect(isAllowedEmbed("javascript:/lti/platform/launch/1/a/")).toBe(false);
  });

  it("keeps a tool launch's frame only sandboxed, and never allowed to navigate the lesson page", () => {
    const launch = "/lti/platform/launch/12/0f3c-aa/";
    // courses/templates/courses/blocks/external_activity.html as rendered
    const sandbox = "allow-scripts allow-forms allow-same-origin allow-popups allow-popups-to-escape-sandbox allow-downloads";
    const framed = cleanBox(`<iframe class="tool-frame" src="${launch}" title="분수" height="640" loading="lazy" sandbox="${sandbox}"></iframe>`);
    expect(framed.querySelector("iframe")?.getAttribute("sandbox")).toBe(sandbox);
    for (const bad of ["", ` sandbox="allow-scripts allow-top-navigation"`, ` sandbox="allow-scripts ALLOW-TOP-NAVIGATION-BY-USER-ACTIVATION"`]) {
      expect(clean(`<p>a</p><iframe src="${launch}"${bad}></iframe>`)).toBe("<p>a</p>");
    }
  });

  it("lets an iframe keep only these attributes", () => {
    expect([...IFRAME_ATTRIBUTES].sort()).toEqual(
      ["allow", "allowfullscreen", "class", "height", "loading", "referrerpolicy", "sandbox", "src", "title", "width"].sort(),
    );
  });
});

"""The demo tool's HTML pages: Korean first (English beside what an admin reads), clearly labelled as
a demo content provider, usable on a 390 px wide phone. Every value is escaped here."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from .exercises import Exercise, Marked

BANNER_KO = "데모 콘텐츠 제공자 — 연습용 도구입니다"
BANNER_EN = "Demo content provider — a practice tool, not a real publisher"
RIGHT = ' <strong class="ok">✓ 정답</strong>'

STYLE = """
*{box-sizing:border-box}
body{margin:0;font:16px/1.55 system-ui,-apple-system,"Noto Sans KR","Apple SD Gothic Neo",sans-serif;
color:#1d2430;background:#f6f7f9}
.banner{background:#fff4d6;border-bottom:1px solid #e8d08a;padding:.5rem 1rem;font-size:.9rem}
.banner small{display:block;color:#6b5a1e}
main{max-width:40rem;margin:0 auto;padding:1rem}
h1{font-size:1.35rem;margin:.5rem 0}
h2{font-size:1.1rem;margin:1.25rem 0 .5rem}
.muted{color:#5b6472;font-size:.9rem}
.card{background:#fff;border:1px solid #dde1e7;border-radius:.6rem;padding:1rem;margin:.75rem 0}
fieldset{border:0;margin:0;padding:0}
legend{font-weight:600;margin-bottom:.5rem}
label.choice{display:flex;gap:.6rem;align-items:center;min-height:2.75rem;padding:.4rem .6rem;
border:1px solid #dde1e7;border-radius:.5rem;margin:.35rem 0;background:#fff}
button{font:inherit;min-height:2.75rem;padding:.5rem 1.1rem;border-radius:.5rem;border:1px solid #2457c5;
background:#2457c5;color:#fff;width:100%;margin-top:.5rem}
button.secondary{background:#fff;color:#2457c5}
.ok{color:#146c2e}.bad{color:#a3261b}
.alert{border-radius:.5rem;padding:.75rem 1rem;margin:.75rem 0}
.alert.success{background:#e6f4ea;border:1px solid #9fd3ae}
.alert.error{background:#fdecea;border:1px solid #f0a8a0}
.alert.info{background:#eaf1fd;border:1px solid #a9c1ef}
pre{white-space:pre-wrap;word-break:break-word;background:#f1f3f6;padding:.5rem;border-radius:.4rem;font-size:.85rem}
table{width:100%;border-collapse:collapse}td,th{text-align:left;padding:.4rem;border-bottom:1px solid #e6e9ee}
code{word-break:break-all}
"""


# Ask the platform's frame to fit the page (the lti.frameResize message LMSs listen for); nothing
# happens when the page is not in a frame.
RESIZE = (
    "<script>(function(){if(window.parent===window)return;var last=0;function fit(){"
    "var h=Math.ceil(document.body.getBoundingClientRect().height)+32;if(h===last)return;last=h;"
    'window.parent.postMessage({subject:"lti.frameResize",height:h},"*");}'
    'fit();window.addEventListener("load",fit);window.addEventListener("resize",fit);})();</script>'
)


def page(title: str, body: str) -> str:
    return (
        '<!doctype html><html lang="ko"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)} · 데모 콘텐츠</title><style>{STYLE}</style></head><body>"
        f'<div class="banner" role="note"><strong id="demo-label">{BANNER_KO}</strong>'
        f'<small lang="en">{BANNER_EN}</small></div>'
        f"<main>{body}</main>{RESIZE}</body></html>"
    )


def error_page(korean: str, english: str, detail: str = "") -> str:
    more = f'<pre id="detail">{escape(detail[:4000])}</pre>' if detail else ""
    return page(
        "오류",
        f'<div class="alert error" role="alert"><h1>{escape(korean)}</h1>'
        f'<p lang="en">{escape(english)}</p>{more}</div>',
    )


def home_page(exercises: Sequence[Exercise], base_url: str, registrations: int) -> str:
    items = "".join(
        f'<li><strong>{escape(e.title)}</strong> <span class="muted">{escape(e.subject)} · '
        f"{e.max_score}문항 · <code>{escape(e.id)}</code></span></li>"
        for e in exercises
    )
    urls = "".join(
        f"<tr><th>{escape(label)}</th><td><code>{escape(base_url + path)}</code></td></tr>"
        for label, path in (
            ("OIDC login", "/login"),
            ("Redirect / launch", "/launch"),
            ("Deep Linking", "/launch"),
            ("JWKS", "/jwks"),
            ("Dynamic registration", "/register"),
        )
    )
    return page(
        "배움 데모 콘텐츠",
        '<h1>배움 데모 콘텐츠 <span class="muted" lang="en">(Demo content)</span></h1>'
        "<p>LTI 1.3 도구입니다. 배움 같은 학습 플랫폼의 수업 안에서 열려요. "
        "이 주소를 직접 열면 연습을 풀 수 없어요.</p>"
        f'<div class="card"><h2>연습 문제</h2><ul>{items}</ul></div>'
        f'<div class="card"><h2>도구 주소 <span class="muted" lang="en">(tool URLs)</span></h2>'
        f"<table>{urls}</table>"
        f'<p class="muted">등록된 플랫폼 {registrations}곳 <span lang="en">({registrations} platform '
        "registration(s))</span></p></div>",
    )


def _choices(exercise: Exercise, show_answers: bool) -> str:
    blocks = []
    for number, question in enumerate(exercise.questions, start=1):
        options = "".join(
            f'<label class="choice"><input type="radio" name="q{number}" value="{index}" required'
            f"{' disabled' if show_answers else ''}>"
            f"{escape(choice)}{RIGHT if show_answers and index == question.answer else ''}"
            "</label>"
            for index, choice in enumerate(question.choices)
        )
        blocks.append(
            f'<fieldset class="card"><legend>{number}. {escape(question.prompt)}</legend>{options}</fieldset>'
        )
    return "".join(blocks)


def _heading(exercise: Exercise) -> str:
    return (
        f'<p class="muted">{escape(exercise.subject)}</p><h1 id="exercise" data-exercise="{escape(exercise.id)}">'
        f"{escape(exercise.title)}</h1><p>{escape(exercise.text)}</p>"
    )


def exercise_page(exercise: Exercise, launch_id: str, answer_url: str, note: str = "") -> str:
    hint = f'<div class="alert info">{escape(note)}</div>' if note else ""
    return page(
        exercise.title,
        f"{_heading(exercise)}{hint}"
        f'<form method="post" action="{escape(answer_url)}" id="answers">'
        f'<input type="hidden" name="launch_id" value="{escape(launch_id)}">'
        f'{_choices(exercise, show_answers=False)}<button type="submit">제출하기</button></form>',
    )


@dataclass(frozen=True)
class ScoreReport:
    kind: str  # success (sent) | info (scored, nothing to send) | error (the platform refused)
    message_ko: str
    message_en: str
    detail: str = ""


def result_page(exercise: Exercise, marked: Marked, report: ScoreReport, launch_id: str, answer_url: str) -> str:
    rows = "".join(
        f'<li class="{"ok" if right else "bad"}">{number}번: {"맞았어요" if right else "틀렸어요"}</li>'
        for number, right in enumerate(marked.correct, start=1)
    )
    detail = f'<pre id="detail">{escape(report.detail[:4000])}</pre>' if report.detail else ""
    return page(
        exercise.title,
        f"{_heading(exercise)}"
        f'<div class="alert {escape(report.kind)}" role="status" id="score-status" data-kind="{escape(report.kind)}">'
        f"<strong>{escape(report.message_ko)}</strong>"
        f'<p lang="en" class="muted">{escape(report.message_en)}</p>{detail}</div>'
        f'<div class="card"><h2>채점 결과: <span id="score">{marked.score}/{marked.maximum}</span></h2>'
        f"<ul>{rows}</ul></div>"
        f'<form method="post" action="{escape(answer_url)}">'
        f'<input type="hidden" name="launch_id" value="{escape(launch_id)}">'
        f"<h2>다시 풀기</h2>{_choices(exercise, show_answers=False)}"
        '<button type="submit">다시 제출하기</button></form>',
    )


@dataclass(frozen=True)
class RosterEntry:
    label: str  # the name the platform sent, or a neutral label
    has_name: bool
    role: str
    status: str


def instructor_page(exercise: Exercise, roster: Sequence[RosterEntry] | None, roster_error: str = "") -> str:
    if roster_error:
        people = f'<div class="alert error" role="alert" id="roster-error">{escape(roster_error)}</div>'
    elif roster is None:
        people = '<p class="muted" id="roster-none">이 플랫폼은 명단 서비스(NRPS)를 보내지 않았어요.</p>'
    else:
        rows = "".join(
            f'<tr class="member"><td class="{"name" if entry.has_name else "anonymous"}">{escape(entry.label)}</td>'
            f"<td>{escape(entry.role)}</td><td>{escape(entry.status)}</td></tr>"
            for entry in roster
        )
        people = (
            f'<p class="muted">플랫폼의 명단 서비스(NRPS)로 읽은 {len(roster)}명 '
            "(이름은 플랫폼이 보낸 경우에만 보여요)</p>"
            f'<table id="roster"><tr><th>이름</th><th>역할</th><th>상태</th></tr>{rows}</table>'
        )
    return page(
        exercise.title,
        f'{_heading(exercise)}<div class="alert info">선생님 화면: 정답이 표시돼요. 학생은 풀고 제출하면 점수가 '
        f"플랫폼으로 가요.</div>{_choices(exercise, show_answers=True)}"
        f'<div class="card"><h2>반 명단</h2>{people}</div>',
    )


def picker_page(
    exercises: Sequence[Exercise], launch_id: str, action: str, multiple: bool, title: str = "", error: str = ""
) -> str:
    kind = "checkbox" if multiple else "radio"
    options = "".join(
        f'<label class="choice"><input type="{kind}" name="exercise" value="{escape(e.id)}">'
        f'<span><strong>{escape(e.title)}</strong><br><span class="muted">{escape(e.subject)} · '
        f"{e.max_score}문항 · 만점 {e.max_score}점</span></span></label>"
        for e in exercises
    )
    alert = f'<div class="alert error" role="alert">{escape(error)}</div>' if error else ""
    how = "여러 개를 고를 수 있어요." if multiple else "하나만 고를 수 있어요."
    return page(
        "콘텐츠 고르기",
        f'<h1>수업에 넣을 연습 고르기</h1><p class="muted">{escape(title)} {how}</p>{alert}'
        f'<form method="post" action="{escape(action)}" id="picker">'
        f'<input type="hidden" name="launch_id" value="{escape(launch_id)}">'
        f'<fieldset class="card"><legend>연습 문제</legend>{options}</fieldset>'
        '<button type="submit" name="action" value="add">수업에 넣기</button>'
        '<button type="submit" name="action" value="cancel" class="secondary" formnovalidate>취소</button></form>',
    )


def deep_link_return_page(library_form_html: str, count: int) -> str:
    """The Deep Linking response: pylti1p3's auto-submitting form, with a button for when scripts
    do not run (the `form` attribute ties it to the library's form)."""
    return page(
        "플랫폼으로 돌아가는 중",
        f"<h1>고른 연습 {count}개를 수업으로 보내는 중…</h1>{library_form_html}"
        '<button type="submit" form="lti13_deep_link_auto_submit">계속하기</button>',
    )


def registered_page(platform_name: str, client_id: str, deployment_id: str) -> str:
    """Dynamic registration done: tells the platform's window (`opener`, or the parent frame) to close."""
    message = json.dumps({"subject": "org.imsglobal.lti.close"})
    return page(
        "등록 완료",
        f'<div class="alert success" role="status" id="registered"><h1>등록했어요</h1>'
        f'<p lang="en">Registered with {escape(platform_name)}.</p>'
        f'<p>client_id <code id="client-id">{escape(client_id)}</code><br>'
        f'deployment_id <code id="deployment-id">{escape(deployment_id)}</code></p>'
        '<p>이 창은 닫아도 돼요. <span lang="en">You may close this window.</span></p></div>'
        f'<script>(window.opener || window.parent).postMessage({message}, "*");</script>',
    )

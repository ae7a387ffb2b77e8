import pytest
from django.core.exceptions import ValidationError

from courses.blocks import MathBlock, MultipleChoiceBlock, embed_url, latex_problem

pytestmark = pytest.mark.usefixtures("in_english")


@pytest.mark.parametrize(
    ("latex", "problem"),
    [
        ("\\frac{3}{4}", ""),
        ("\\begin{aligned} a &= b \\\\ c &= d \\end{aligned}", ""),
        ("\\frac{3}{4", "An opening brace { is not closed."),
        ("x}", "A closing brace } has no opening brace {."),
        ("\\begin{cases} x", "\\begin and \\end environments do not match."),
        ("\\href{javascript:alert(1)}{x}", "Links, files and macro definitions are not allowed in formulas."),
        ("\\def\\x{1}", "Links, files and macro definitions are not allowed in formulas."),
        ("x" * 2001, "Formulas are limited to 2000 characters."),
    ],
)
def test_malformed_latex_is_explained(latex, problem):
    assert latex_problem(latex) == problem


def test_math_block_refuses_malformed_latex_with_the_reason():
    block = MathBlock()
    with pytest.raises(ValidationError) as info:
        block.clean(block.to_python({"latex": "\\frac{1}{", "display": True}))
    assert "not closed" in str(info.value.block_errors["latex"])  # type: ignore[attr-defined]


def test_multiple_choice_needs_a_correct_choice_and_multi_flag():
    block = MultipleChoiceBlock()
    base = {"prompt": "<p>?</p>", "points": 1, "standards": [], "explanation": ""}
    with pytest.raises(ValidationError):
        block.clean(
            block.to_python(
                {
                    **base,
                    "multiple": False,
                    "choices": [{"text": "a", "correct": False}, {"text": "b", "correct": False}],
                }
            )
        )
    with pytest.raises(ValidationError):
        block.clean(
            block.to_python(
                {**base, "multiple": False, "choices": [{"text": "a", "correct": True}, {"text": "b", "correct": True}]}
            )
        )
    ok = block.clean(
        block.to_python(
            {**base, "multiple": True, "choices": [{"text": "a", "correct": True}, {"text": "b", "correct": True}]}
        )
    )
    assert ok["multiple"] is True


def test_video_embeds_only_known_hosts_without_network():
    assert (
        embed_url("https://www.youtube.com/watch?v=dQw4w9WgXcQ") == "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"
    )
    assert embed_url("https://vimeo.com/123456") == "https://player.vimeo.com/video/123456"
    assert embed_url("https://example.com/video.mp4") == ""


def test_imported_rich_text_is_whitelisted_like_the_editor_does():
    from courses.blocks import clean_raw_block

    dirty = '<p onclick="steal()">분수<script>alert(1)</script><a href="javascript:alert(1)">링크</a></p>'
    assert clean_raw_block("text", dirty) == "<p>분수alert(1)<a>링크</a></p>"
    cleaned = clean_raw_block("numeric", {"prompt": "<p>3/4<img src=x onerror=alert(1)></p>", "answer": "0.75"})
    assert cleaned == {"prompt": "<p>3/4</p>", "answer": "0.75"}

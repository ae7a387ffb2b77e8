"""The activity registry is the one place that knows each kind of question: the lesson stream, the
checker, the secret fields, scoring and display all come from its entries."""

from __future__ import annotations

import pytest
from django.utils import translation

from courses import activities
from courses.pages import LessonPage


def test_the_lesson_stream_offers_exactly_the_registered_activities_after_the_content_blocks():
    children = LessonPage._meta.get_field("body").stream_block.child_blocks
    names = list(children)
    assert names[-len(activities.KINDS) :] == list(activities.KINDS)
    for name, kind in activities.KINDS.items():
        assert type(children[name]) is kind.block
    assert not set(names[: -len(activities.KINDS)]) & set(activities.KINDS)


def _field_names(block) -> set[str]:
    names = set()
    for name, child in block.child_blocks.items():
        names.add(name)
        inner = getattr(child, "child_block", None)  # a list of structs (the choices)
        if inner is not None and hasattr(inner, "child_blocks"):
            names |= set(inner.child_blocks)
    return names


@pytest.mark.parametrize("name", list(activities.KINDS))
def test_each_kind_declares_real_fields_and_points_only_where_it_scores(name):
    kind = activities.KINDS[name]
    block = kind.block()
    assert kind.secret_fields <= _field_names(block)
    assert ("points" in block.child_blocks) == kind.scored
    assert not (kind.checked and not kind.scored)
    assert kind.label


def test_without_secrets_strips_every_secret_field_at_any_depth():
    value = {
        "prompt": "<p>?</p>",
        "choices": [{"text": "1/4", "correct": False}, {"text": "3/4", "correct": True}],
        "explanation": "<p>because</p>",
    }
    assert activities.without_secrets("multiple_choice", value) == {
        "prompt": "<p>?</p>",
        "choices": [{"text": "1/4"}, {"text": "3/4"}],
    }
    assert activities.without_secrets("text", "<p>not an activity</p>") == "<p>not an activity</p>"


CHOICES = [{"text": "1/4", "correct": False}, {"text": "3/4", "correct": True}, {"text": "2/4", "correct": True}]
EDITOR_CHOICES = [{"type": "item", "value": c, "id": str(i)} for i, c in enumerate(CHOICES)]


@pytest.mark.parametrize(
    ("kind", "value", "stored", "shown", "key"),
    [
        ("multiple_choice", {"choices": CHOICES}, [0, 2], "1/4, 2/4", "3/4, 2/4"),
        ("multiple_choice", {"choices": EDITOR_CHOICES}, [1], "3/4", "3/4, 2/4"),
        ("multiple_choice", {"choices": CHOICES}, [7], "8", "3/4, 2/4"),
        ("true_false", {"answer": True}, False, "False", "True"),
        (
            "short_answer",
            {"accepted_answers": ["단위분수", "unit fraction"]},
            "단위 분수",
            "단위 분수",
            "단위분수, unit fraction",
        ),
        ("numeric", {"answer": "0.75", "unit": "m"}, "0.75", "0.75", "0.75 m"),
        ("poll", {"options": ["네", "아니요"]}, 1, "아니요", ""),
        ("open_response", {}, "분수는 나눈 것", "분수는 나눈 것", ""),
        ("open_response", {}, None, "", ""),
        ("numeric", {"answer": "2"}, {"odd": "shape"}, '{"odd": "shape"}', "2"),
    ],
)
def test_one_display_text_for_answers_and_keys(kind, value, stored, shown, key):
    with translation.override("en"):
        assert activities.answer_text(kind, value, stored) == shown
        assert activities.correct_text(kind, value) == key


def test_the_browser_contract_lists_every_kind():
    contract = {entry["kind"]: entry for entry in activities.browser_contract()}
    assert [entry["kind"] for entry in activities.browser_contract()] == list(activities.KINDS)
    assert contract["poll"] == {"kind": "poll", "scored": False, "checked": False}
    assert contract["open_response"] == {"kind": "open_response", "scored": True, "checked": False}

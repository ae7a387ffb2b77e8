from decimal import Decimal

import pytest

from courses.activities import check
from courses.checking import normalise_text, parse_number
from edu.errors import DomainError

pytestmark = pytest.mark.usefixtures("in_english")

NUMERIC = {"answer": Decimal("0.75"), "tolerance": Decimal("0"), "unit": "", "points": 2}


@pytest.mark.parametrize("given", ["0.75", " .75 ", "3/4", "６/８", "0,75".replace(",", "."), 0.75])
def test_numeric_accepts_equivalent_forms(given):
    verdict = check("numeric", NUMERIC, given)
    assert verdict.correct is True and verdict.score == 2


def test_numeric_tolerance_and_unit():
    value = {"answer": Decimal("12.5"), "tolerance": Decimal("0.1"), "unit": "cm", "points": 1}
    assert check("numeric", value, "12.6cm").correct is True
    assert check("numeric", value, "12.4 cm").correct is True
    verdict = check("numeric", value, "12.7")
    assert verdict.correct is False and verdict.score == 0 and verdict.reveal["correct"] == "12.5 cm"


@pytest.mark.parametrize("bad", ["", "abc", "1/0", "3/4/5", True, None, [1]])
def test_numeric_refuses_what_is_not_a_number(bad):
    with pytest.raises(DomainError):
        check("numeric", NUMERIC, bad)


def test_units_in_korean_and_any_case():
    for unit, given in [("㎝", "5㎝"), ("㎝", "5 cm"), ("cm", "5 CM"), ("kg", "5㎏"), ("원", "5 원")]:
        value = {"answer": Decimal("5"), "tolerance": Decimal("0"), "unit": unit, "points": 1}
        assert check("numeric", value, given).correct is True, (unit, given)


def test_parse_number_keeps_precision():
    assert parse_number("1/3") == Decimal(1) / Decimal(3)
    assert parse_number("-2") == Decimal(-2)


def test_short_answer_forgives_width_spacing_and_case():
    value = {"accepted_answers": ["단위분수", "unit fraction"], "case_sensitive": False, "points": 1}
    for given in ["단위분수", " 단위 분수 ", "Unit Fraction", "ｕｎｉｔ ｆｒａｃｔｉｏｎ"]:
        assert check("short_answer", value, given).correct is True, given
    assert check("short_answer", value, "진분수").correct is False
    assert check("short_answer", {**value, "case_sensitive": True}, "Unit Fraction").correct is False
    assert normalise_text("Ａ  b") == "a b"


def test_multiple_choice_single_and_multi():
    single = {"choices": [{"correct": False}, {"correct": True}], "multiple": False, "points": 1}
    assert check("multiple_choice", single, 1).correct is True
    assert check("multiple_choice", single, [0]).correct is False
    with pytest.raises(DomainError, match="only one"):
        check("multiple_choice", single, [0, 1])
    multi = {"choices": [{"correct": True}, {"correct": False}, {"correct": True}], "multiple": True, "points": 2}
    assert check("multiple_choice", multi, [2, 0]).score == 2
    assert check("multiple_choice", multi, [0]).correct is False
    for bad in [[], [5], ["1"], [True], "x"]:
        with pytest.raises(DomainError):
            check("multiple_choice", multi, bad)


def test_true_false_poll_open():
    assert check("true_false", {"answer": True, "points": 1}, True).correct is True
    with pytest.raises(DomainError):
        check("true_false", {"answer": True, "points": 1}, "true")
    assert check("poll", {"options": ["a", "b"]}, 1).correct is None
    with pytest.raises(DomainError):
        check("poll", {"options": ["a", "b"]}, 2)
    verdict = check("open_response", {"points": 3}, "  전체를 똑같이 나눈 것 ")
    assert verdict.correct is None and verdict.max_score == 3 and verdict.stored == "전체를 똑같이 나눈 것"
    with pytest.raises(DomainError):
        check("open_response", {"points": 3}, "x" * 5001)
    with pytest.raises(DomainError):
        check("text", {}, "x")


def test_messages_are_korean_by_default():
    from django.utils import translation

    with translation.override("ko"), pytest.raises(DomainError, match="숫자를 입력하세요"):
        check("numeric", NUMERIC, "abc")

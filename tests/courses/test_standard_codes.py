import pytest

from courses import standard_codes


@pytest.mark.parametrize(
    ("code", "grade", "subject", "area", "number"),
    [
        ("[4수01-01]", 4, "수", 1, 1),
        ("[10공수1-01-01]", 10, "공수1", 1, 1),
        ("[12미적Ⅰ01-01]", 12, "미적I", 1, 1),
        ("[12영I-01-05]", 12, "영I", 1, 5),
        ("[9사(지리)01-03]", 9, "사(지리)", 1, 3),
        ("［４수01-05］", 4, "수", 1, 5),
    ],
)
def test_codes_parse_loosely(code, grade, subject, area, number):
    parsed = standard_codes.parse(code)
    assert parsed.is_parsed
    assert (parsed.grade, parsed.subject, parsed.area, parsed.number) == (grade, subject, area, number)
    assert parsed.verbatim == code.strip()


@pytest.mark.parametrize("code", ["", "성취기준", "[수01-01]", "[4수0101]", "[4-01-01]"])
def test_unparseable_codes_stay_opaque(code):
    parsed = standard_codes.parse(code)
    assert not parsed.is_parsed
    assert parsed.verbatim == code
    assert parsed.grade is None


def test_normalised_key_unifies_spellings():
    assert standard_codes.normalise("[12미적Ⅰ01-01]") == standard_codes.normalise("12미적I01-01") == "12미적I01-01"
    assert standard_codes.looks_like_code("[4수01-05]") and standard_codes.looks_like_code("4수01")
    assert not standard_codes.looks_like_code("분수") and not standard_codes.looks_like_code("2024")

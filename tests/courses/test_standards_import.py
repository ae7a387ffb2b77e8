import io
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from courses.curriculum import AchievementStandard, Subject
from courses.standards_import import ImportFileError, standards_import
from tests.factories import CSV_ROWS, write_csv

ROOT = Path(__file__).resolve().parents[2]
CORE = ROOT / "courses" / "fixtures" / "k-curriculum-2022" / "standards_core.csv"
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]


def test_the_core_file_imports_every_row_and_again_changes_nothing():
    first = standards_import(CORE)
    assert (first.created, len(first.rejected), first.opaque_codes) == (1591, 0, 0)
    assert AchievementStandard.objects.count() == 1591
    assert Subject.objects.filter(grade_band="초3-4", name="수학").exists()
    second = standards_import(CORE)
    assert (second.created, second.updated, second.unchanged) == (0, 0, 1591)
    fraction = AchievementStandard.objects.get(code="[4수01-10]")
    assert (fraction.grade, fraction.subject_abbrev, fraction.area_number, fraction.number) == (4, "수", 1, 10)
    assert fraction.area.name == "수와 연산"


UPSTREAM_HEADER = (
    "code,subject_group,subject,school_level,grade_group,curriculum_category,area,content,keywords,"
    "explanation,application_notes,source_book,source_doc\n"
)
UPSTREAM_ROWS = """[12미적Ⅰ01-01],수학,미적분Ⅰ,고등학교,고선택,일반선택,함수의 극한과 연속,함수의 극한을 이해한다.,극한,"해설, 여러 줄
이어지는 설명",,별책8,수학과
[12영I-01-05],영어,영어Ⅰ,고등학교,고선택,일반선택,듣기,말이나 대화의 세부 정보를 파악할 수 있다.,,,,별책14,영어과
[9정01-01],정보,정보(중학교 공통),중학교,중1-3,공통,컴퓨팅 시스템,컴퓨팅 시스템의 구성을 이해한다.,,,,별책10,정보과
[9정01-01],기술·가정,기술·가정(중학교 공통),중학교,중1-3,공통,기술,같은 코드가 다른 과목에서 쓰인다.,,,,별책10,기술과
[직업01-01],전문교과,공업 일반,고등학교,기타,전문,공업,코드 형식이 다른 성취기준.,,,,별책,전문교과
"""


def test_the_full_upstream_format_imports_too(tmp_path):
    path = write_csv(tmp_path / "standards.csv", UPSTREAM_ROWS, UPSTREAM_HEADER)
    report = standards_import(path)
    assert (report.created, len(report.rejected), report.opaque_codes) == (5, 0, 1)
    assert AchievementStandard.objects.filter(code="[9정01-01]").count() == 2
    opaque = AchievementStandard.objects.get(code="[직업01-01]")
    assert opaque.grade is None and opaque.key == "직업01-01"
    calculus = AchievementStandard.objects.get(code="[12미적Ⅰ01-01]")
    assert calculus.key == "12미적I01-01" and calculus.grade == 12


def test_a_rejected_row_rolls_the_whole_file_back_with_line_numbers(tmp_path):
    rows = (
        CSV_ROWS
        + '[4수01-99],[4수01-99],수학,수학,초등학교,초3-4,공통,수와 연산,""\n'
        + ",,수학,수학,초등학교,초3-4,공통,,x\n"
    )
    report = standards_import(write_csv(tmp_path / "bad.csv", rows))
    assert report.rolled_back
    assert [(item.line, item.reason) for item in report.rejected] == [
        (6, "the content column is empty"),
        (7, "the code column is empty"),
    ]
    assert AchievementStandard.objects.count() == 0


def test_skip_invalid_imports_the_good_rows(tmp_path):
    rows = CSV_ROWS + CSV_ROWS.splitlines()[0] + "\n"
    report = standards_import(write_csv(tmp_path / "dup.csv", rows), skip_invalid=True)
    assert report.created == 4
    assert [item.line for item in report.rejected] == [6]
    assert "already appears on line 2" in report.rejected[0].reason


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            b"code,subject\n[4\xec\x88\x9801-01],x\n",
            "Missing columns: subject_group, school_level, grade_group, area, content.",
        ),
        (b"\xff\xfe\x00garbage", "not UTF-8"),
    ],
)
def test_broken_files_are_refused_whole(tmp_path, content, message):
    path = tmp_path / "broken.csv"
    path.write_bytes(content)
    with pytest.raises(ImportFileError, match=message):
        standards_import(path)
    assert AchievementStandard.objects.count() == 0


def test_command_reports_counts_and_fails_on_bad_rows(tmp_path, capsys):
    call_command("import_standards", str(write_csv(tmp_path / "ok.csv")))
    assert "4 created, 0 updated, 0 unchanged, 0 rejected" in capsys.readouterr().out
    bad = write_csv(tmp_path / "bad.csv", CSV_ROWS + "x,y\n")
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_standards", str(bad))
    assert AchievementStandard.objects.count() == 4


def test_command_shows_progress_on_a_long_file(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "import_standards", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "--skip-invalid" in result.stdout
    out = io.StringIO()
    call_command("import_standards", str(CORE), stdout=out)
    assert "… 500/1591 rows" in out.getvalue() and "1591 created" in out.getvalue()

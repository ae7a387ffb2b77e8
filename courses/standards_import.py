"""Import achievement standards from the k-curriculum-2022 CSV format (core extract or the full
upstream ``data/standards.csv``: extra columns are ignored).

All or nothing: the import runs in one transaction, and unless ``skip_invalid`` is set any rejected
row rolls the whole file back. Re-importing the same file changes nothing (idempotent).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from courses import standard_codes
from courses.curriculum import AchievementStandard, Area, CurriculumRevision, Subject

REQUIRED_COLUMNS = ("code", "subject_group", "subject", "school_level", "grade_group", "area", "content")
MAX_CODE_LENGTH = 60
REVISION_NAMES = {"2022": "2022 개정 교육과정", "2015": "2015 개정 교육과정"}


class ImportFileError(Exception):
    """The file as a whole cannot be imported (not CSV, wrong columns, bad encoding)."""


@dataclass
class Rejected:
    line: int
    reason: str


@dataclass
class ImportReport:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    opaque_codes: int = 0
    subjects: int = 0
    rejected: list[Rejected] = field(default_factory=list)
    rolled_back: bool = False


@dataclass(frozen=True)
class _Row:
    line: int
    code: str
    subject_group: str
    subject: str
    school_level: str
    grade_band: str
    category: str
    area: str
    content: str


def read_rows(path: Path) -> tuple[list[_Row], list[Rejected]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError(_("The file is not UTF-8 text (byte %(pos)d).") % {"pos": exc.start}) from None
    except OSError as exc:
        raise ImportFileError(_("Cannot read the file: %(error)s") % {"error": exc.strerror}) from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [name.strip() for name in (reader.fieldnames or [])]
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    if missing:
        raise ImportFileError(_("Missing columns: %(columns)s.") % {"columns": ", ".join(missing)})
    reader.fieldnames = header
    rows: list[_Row] = []
    rejected: list[Rejected] = []
    try:
        for record in reader:
            line = reader.line_num
            if None in record:
                rejected.append(Rejected(line, _("more fields than the header has")))
                continue
            values = {key: (value or "").strip() for key, value in record.items()}
            problem = _row_problem(values)
            if problem:
                rejected.append(Rejected(line, problem))
                continue
            rows.append(
                _Row(
                    line=line,
                    code=values["code"],
                    subject_group=values["subject_group"],
                    subject=values["subject"],
                    school_level=values["school_level"],
                    grade_band=values["grade_group"],
                    category=values.get("curriculum_category", ""),
                    area=values["area"],
                    content=values["content"],
                )
            )
    except csv.Error as exc:
        raise ImportFileError(
            _("Line %(line)d is not valid CSV: %(error)s") % {"line": reader.line_num, "error": exc}
        ) from None
    return rows, rejected


def _row_problem(values: dict[str, str]) -> str:
    for column in ("code", "subject", "grade_group", "content"):
        if not values.get(column):
            return _("the %(column)s column is empty") % {"column": column}
    if len(values["code"]) > MAX_CODE_LENGTH:
        return _("the code is longer than %(max)d characters") % {"max": MAX_CODE_LENGTH}
    return ""


def standards_import(
    path: Path,
    *,
    revision_code: str = "2022",
    skip_invalid: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    rows, rejected = read_rows(path)
    report = ImportReport(rows=len(rows) + len(rejected), rejected=rejected)
    duplicates = _duplicates(rows)
    report.rejected.extend(duplicates)
    report.rejected.sort(key=lambda item: item.line)
    if report.rejected and not skip_invalid:
        report.rolled_back = True
        return report
    bad_lines = {item.line for item in duplicates}
    with transaction.atomic():
        _apply(
            rows=[row for row in rows if row.line not in bad_lines],
            revision_code=revision_code,
            report=report,
            progress=progress,
        )
    return report


def _duplicates(rows: Iterable[_Row]) -> list[Rejected]:
    seen: dict[tuple[str, str], int] = {}
    found: list[Rejected] = []
    for row in rows:
        key = (row.code, row.subject)
        if key in seen:
            found.append(
                Rejected(
                    row.line,
                    _("%(code)s (%(subject)s) already appears on line %(first)d")
                    % {"code": row.code, "subject": row.subject, "first": seen[key]},
                )
            )
        else:
            seen[key] = row.line
    return found


def _apply(
    *, rows: list[_Row], revision_code: str, report: ImportReport, progress: Callable[[int, int], None] | None
) -> None:
    revision, _created = CurriculumRevision.objects.get_or_create(
        code=revision_code, defaults={"name": REVISION_NAMES.get(revision_code, revision_code)}
    )
    subjects = {(s.grade_band, s.name): s for s in Subject.objects.filter(revision=revision)}
    areas = {(a.subject_id, a.name): a for a in Area.objects.filter(subject__revision=revision)}
    existing = {(s.code, s.subject_id): s for s in AchievementStandard.objects.filter(revision=revision)}
    to_create: list[AchievementStandard] = []
    to_update: list[AchievementStandard] = []
    for index, row in enumerate(rows, start=1):
        subject = subjects.get((row.grade_band, row.subject))
        if subject is None:
            subject = Subject.objects.create(
                revision=revision,
                name=row.subject,
                subject_group=row.subject_group,
                school_level=row.school_level,
                grade_band=row.grade_band,
                category=row.category,
            )
            subjects[(row.grade_band, row.subject)] = subject
        area = None
        if row.area:
            area = areas.get((subject.pk, row.area))
            if area is None:
                area = areas[(subject.pk, row.area)] = Area.objects.create(subject=subject, name=row.area)
        parsed = standard_codes.parse(row.code)
        report.opaque_codes += not parsed.is_parsed
        standard = existing.get((row.code, subject.pk))
        if standard is None:
            standard = AchievementStandard(revision=revision, subject=subject, area=area, content=row.content)
            standard.apply_code(row.code)
            to_create.append(standard)
        elif standard.content != row.content or standard.area_id != (area.pk if area else None):
            standard.content, standard.area = row.content, area
            to_update.append(standard)
        else:
            report.unchanged += 1
        if progress and (index % 250 == 0 or index == len(rows)):
            progress(index, len(rows))
    AchievementStandard.objects.bulk_create(to_create, batch_size=500)
    AchievementStandard.objects.bulk_update(to_update, ["content", "area"], batch_size=500)
    report.created, report.updated = len(to_create), len(to_update)
    report.subjects = len(subjects)

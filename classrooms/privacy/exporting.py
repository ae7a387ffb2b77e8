"""The contents of a student's export: what Baeum holds about them, as JSON for machines and CSV
(UTF-8 with a BOM, cells made safe for Excel) for people. Never the login-code digest or password."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Callable, Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

from classrooms.live.models import LiveResponse, Participant
from classrooms.models import Membership
from courses.answers import LessonAnswer
from edu.accounts.models import User
from edu.records.models import LearningRecord
from edu.registry import Registry
from edu.spreadsheets import csv_safe

README = """\
Baeum 학생 자료 내보내기 / Baeum student data export

account.json          계정: 아이디, 이름, 학생 번호, 역할, 가입일 (비밀번호와 로그인 코드는 포함하지 않습니다)
                      Account: username, display name, student number, role, date joined (no password or login code)
classes.json          소속 학급과 학교, 역할, 가입일 / Classes, schools, role and date joined
answers.csv, .json    스스로 학습한 수업의 모든 답 / Every answer in self-paced lessons
live.csv, live.json   실시간 수업 참여와 그 답 / Every live session joined and its answers
learning_record.json  학습 기록 (선생님의 피드백 포함) / The learning record, with the teacher's feedback
external_tools.json   외부 도구가 아는 가명 ID와 도구가 보낸 최근 점수 (도구의 성적 열마다)
                      The pseudonymous IDs external tools know, and their latest score per tool column

CSV 파일은 Excel에서 바로 열리도록 UTF-8(BOM)으로 저장되어 있습니다.
CSV files are UTF-8 with a BOM so that Excel reads Hangul correctly.
"""

Progress = Callable[[int], None]

# Parts of the export that higher layers hold (what external tools know and sent: ``lti``), each
# registered from its AppConfig.ready(): (file name, a function of the student giving JSON data).
ExportPart = tuple[str, Callable[[User], Any]]
export_parts: Registry[ExportPart] = Registry("parts of a student's export from higher layers")


def _plain(value: Any) -> Any:
    """JSON for values Django gives us (decimals, datetimes)."""
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _json(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=2, default=_plain).encode()


def _csv(header: list[str], rows: Iterable[Iterable[Any]]) -> bytes:
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow(
            [csv_safe(_plain(cell) if not isinstance(cell, list | dict) else _json(cell).decode()) for cell in row]
        )
    return out.getvalue().encode()


def account(student: User) -> dict[str, Any]:
    return {
        "username": student.username,
        "display_name": student.display_name,
        "student_number": student.student_number,
        "role": student.role,
        "date_joined": student.date_joined,
    }


def classes(student: User) -> list[dict[str, Any]]:
    memberships = Membership.objects.filter(user=student).select_related("classroom__school").order_by("joined_at")
    return [
        {
            "class": str(m.classroom),
            "school": m.classroom.school.name,
            "school_year": m.classroom.school_year,
            "role": m.role,
            "joined": m.joined_at,
        }
        for m in memberships
    ]


ANSWER_FIELDS = ["lesson", "block_id", "kind", "answer", "correct", "score", "attempts", "updated_at"]


def answers(student: User) -> list[dict[str, Any]]:
    rows = LessonAnswer.objects.filter(user=student).select_related("lesson").order_by("lesson_id", "block_id")
    return [
        {
            "lesson": a.lesson.title,
            "block_id": a.block_id,
            "kind": a.kind,
            "answer": a.answer,
            "correct": a.correct,
            "score": a.score,
            "attempts": a.attempts,
            "updated_at": a.updated_at,
        }
        for a in rows
    ]


LIVE_FIELDS = ["session", "lesson", "date", "block_id", "answer", "correct", "score", "created_at"]


def live(student: User) -> list[dict[str, Any]]:
    participants = Participant.objects.filter(user=student).select_related("session__lesson").order_by("joined_at")
    responses: dict[int, list[LiveResponse]] = {}
    for response in LiveResponse.objects.filter(participant__in=participants).order_by("created_at"):
        responses.setdefault(response.participant_id, []).append(response)
    return [
        {
            "session": p.session.code,
            "lesson": p.session.lesson.title,
            "date": p.session.created_at,
            "nickname": p.nickname,
            "responses": [
                {
                    "block_id": r.block_id,
                    "answer": r.answer,
                    "correct": r.correct,
                    "score": r.score,
                    "created_at": r.created_at,
                }
                for r in responses.get(p.pk, [])
            ],
        }
        for p in participants
    ]


RECORD_FIELDS = [
    "source", "lesson_title", "block_id", "kind", "prompt", "standards", "answer", "correct",
    "score", "max_score", "attempt", "status", "feedback", "reviewed_at", "answered_at",
]  # fmt: skip


def learning_record(student: User) -> list[dict[str, Any]]:
    rows = LearningRecord.objects.filter(student=student).order_by("answered_at").values(*RECORD_FIELDS)
    return list(rows)


def build_zip(student: User, target: Path, progress: Progress) -> None:
    """Write the export of ``student`` to ``target`` (a ZIP), reporting progress from 10 to 90."""
    live_rows = live(student)
    answer_rows = answers(student)
    parts: list[tuple[str, Callable[[], bytes]]] = [
        ("README.txt", lambda: README.encode()),
        ("account.json", lambda: _json(account(student))),
        ("classes.json", lambda: _json(classes(student))),
        ("answers.json", lambda: _json(answer_rows)),
        ("answers.csv", lambda: _csv(ANSWER_FIELDS, ([row[f] for f in ANSWER_FIELDS] for row in answer_rows))),
        ("live.json", lambda: _json(live_rows)),
        (
            "live.csv",
            lambda: _csv(
                LIVE_FIELDS,
                (
                    [
                        p["session"],
                        p["lesson"],
                        p["date"],
                        r["block_id"],
                        r["answer"],
                        r["correct"],
                        r["score"],
                        r["created_at"],
                    ]
                    for p in live_rows
                    for r in p["responses"]
                ),
            ),
        ),
        ("learning_record.json", lambda: _json(learning_record(student))),
        *((name, lambda read=read: _json(read(student))) for name, read in export_parts),
    ]
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for done, (name, content) in enumerate(parts, start=1):
            archive.writestr(name, content())
            progress(10 + 80 * done // len(parts))

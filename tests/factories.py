"""Shared factories for every test: the personas (a teacher, a co-teacher, an unrelated teacher,
students in and out of the class) and a small real library. Everything is created through the real
services, never by mocking our own components. Fixtures in the conftest files call these."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path

from classrooms.models import Classroom, School
from classrooms.services import StudentEntry, classroom_create, co_teacher_add, school_member_add, students_add
from courses.curriculum import AchievementStandard
from courses.pages import CoursePage, LessonPage, LessonStandard, UnitPage
from courses.services import library_root_ensure
from courses.standards_import import standards_import
from edu.accounts.models import Role, User

PASSWORD = "correct horse battery staple 7"


def make_teacher(username: str, school: School, name: str = "") -> User:
    user = User.objects.create_user(
        username=username, password=PASSWORD, role=Role.TEACHER, display_name=name or username
    )
    school_member_add(school=school, user=user)
    return user


@dataclass
class Personas:
    school: School
    other_school: School
    teacher: User
    co_teacher: User
    unrelated_teacher: User
    classroom: Classroom
    other_classroom: Classroom
    student: User
    student_code: str
    outsider: User
    outsider_code: str


def build_personas() -> Personas:
    school = School.objects.create(name="한빛초등학교")
    other_school = School.objects.create(name="다른중학교")
    teacher = make_teacher("teacher", school, "김선생")
    co_teacher = make_teacher("coteacher", school, "박선생")
    unrelated = make_teacher("unrelated", school, "최선생")
    classroom = classroom_create(teacher=teacher, name="4학년 2반", grade=4, subject="수학")
    co_teacher_add(classroom=classroom, username=co_teacher.username)
    other_classroom = classroom_create(teacher=unrelated, name="4학년 3반", grade=4)
    [card] = students_add(classroom=classroom, entries=[StudentEntry("이서연", 7)])
    [outsider_card] = students_add(classroom=other_classroom, entries=[StudentEntry("정하은", 3)])
    return Personas(
        school=school,
        other_school=other_school,
        teacher=teacher,
        co_teacher=co_teacher,
        unrelated_teacher=unrelated,
        classroom=classroom,
        other_classroom=other_classroom,
        student=User.objects.get(pk=card.user_id),
        student_code=card.code,
        outsider=User.objects.get(pk=outsider_card.user_id),
        outsider_code=outsider_card.code,
    )


CSV_HEADER = "key,code,subject_group,subject,school_level,grade_group,curriculum_category,area,content\n"
CSV_ROWS = """\
[4수01-09],[4수01-09],수학,수학,초등학교,초3-4,공통,수와 연산,"양의 등분할을 통하여 분수의 필요성을 인식하고, 분수를 이해하고 읽고 쓸 수 있다."
[4수01-10],[4수01-10],수학,수학,초등학교,초3-4,공통,수와 연산,"단위분수, 진분수, 가분수, 대분수를 알고, 그 관계를 이해한다."
[4수01-15],[4수01-15],수학,수학,초등학교,초3-4,공통,수와 연산,분모가 같은 분수의 덧셈과 뺄셈의 계산 원리를 이해하고 그 계산을 할 수 있다.
[4과01-01],[4과01-01],과학,과학,초등학교,초3-4,공통,운동과 에너지,물체의 무게를 비교하는 방법을 설명할 수 있다.
"""


def write_csv(path: Path, rows: str = CSV_ROWS, header: str = CSV_HEADER) -> Path:
    path.write_text(header + rows, encoding="utf-8")
    return path


def block(kind: str, value: object) -> dict:
    return {"type": kind, "value": value, "id": str(uuid.uuid4())}


def lesson_body(standard_id: int, extra_text_blocks: int = 0) -> list[dict]:
    body = [
        block("text", "<p>피자 한 판을 똑같이 4조각으로 나누었어요.</p>"),
        block("math", {"latex": "\\frac{3}{4}", "display": True}),
        block("slide_break", {"title": "문제를 풀어 봐요"}),
        block(
            "numeric",
            {
                "prompt": "<p>3/4를 소수로 쓰면?</p>",
                "answer": "0.75",
                "tolerance": "0",
                "unit": "",
                "points": 2,
                "standards": [standard_id],
                "explanation": "<p>3÷4=0.75</p>",
            },
        ),
        block(
            "multiple_choice",
            {
                "prompt": "<p>가장 큰 분수는?</p>",
                "choices": [
                    {"text": "1/4", "correct": False},
                    {"text": "2/4", "correct": False},
                    {"text": "3/4", "correct": True},
                ],
                "multiple": False,
                "points": 1,
                "standards": [standard_id],
                "explanation": "",
            },
        ),
        block(
            "true_false",
            {
                "prompt": "<p>1/2은 2/4와 같다.</p>",
                "answer": True,
                "points": 1,
                "standards": [standard_id],
                "explanation": "",
            },
        ),
        block(
            "short_answer",
            {
                "prompt": "<p>분자가 1인 분수를 무엇이라 하나요?</p>",
                "accepted_answers": ["단위분수", "unit fraction"],
                "case_sensitive": False,
                "points": 1,
                "standards": [standard_id],
                "explanation": "",
            },
        ),
        block("poll", {"prompt": "<p>분수가 재미있나요?</p>", "options": ["네", "보통", "아니요"]}),
        block(
            "open_response",
            {
                "prompt": "<p>분수를 설명해 보세요.</p>",
                "points": 3,
                "standards": [standard_id],
                "sample_answer": "<p>전체를 똑같이 나눈 것</p>",
            },
        ),
    ]
    for i in range(extra_text_blocks):  # alternate text and scored activities tagged with a standard
        if i % 2:
            body.append(
                block(
                    "numeric",
                    {
                        "prompt": f"<p>{i}+1은?</p>",
                        "answer": str(i + 1),
                        "tolerance": "0",
                        "unit": "",
                        "points": 1,
                        "standards": [standard_id],
                        "explanation": "",
                    },
                )
            )
        else:
            body.append(block("text", f"<p>보충 설명 {i}</p>"))
    return body


@dataclass
class Library:
    course: CoursePage
    unit: UnitPage
    lesson: LessonPage
    standard: AchievementStandard

    def activity_id(self, kind: str) -> str:
        return next(b.id for b in self.lesson.body if b.block_type == kind)


def make_lesson(unit: UnitPage, title: str, standard: AchievementStandard, extra_text_blocks: int = 0) -> LessonPage:
    lesson = LessonPage(title=title, summary="분수의 뜻을 알아요.", body=lesson_body(standard.pk, extra_text_blocks))
    lesson.standard_links = [LessonStandard(standard=standard)]
    unit.add_child(instance=lesson)
    lesson.save_revision().publish()
    lesson.refresh_from_db()
    return lesson


def make_course_unit(
    course_title: str, course_slug: str, unit_title: str, unit_slug: str
) -> tuple[CoursePage, UnitPage]:
    """A published 4th-grade maths course with one published unit, under the library root."""
    root = library_root_ensure()
    course = CoursePage(title=course_title, slug=course_slug, grade=4, subject_name="수학")
    root.add_child(instance=course)
    course.save_revision().publish()
    unit = UnitPage(title=unit_title, slug=unit_slug)
    course.add_child(instance=unit)
    unit.save_revision().publish()
    return course, unit


def build_library(tmp_path: Path, extra_text_blocks: int = 0) -> Library:
    """Four real standards, "초등 4학년 수학 › 분수" and one published lesson."""
    report = standards_import(write_csv(tmp_path / "standards.csv"))
    assert report.created == 4
    course, unit = make_course_unit("초등 4학년 수학", "e4-math", "분수", "fractions")
    standard = AchievementStandard.objects.get(code="[4수01-10]")
    lesson = make_lesson(unit, "분수란 무엇일까요?", standard, extra_text_blocks)
    return Library(course=course, unit=unit, lesson=lesson, standard=standard)


def ensure_wagtail_roots() -> None:
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import Collection, Locale, Page

    Locale.objects.get_or_create(language_code="ko")
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    if Page.get_first_root_node() is None:
        Page.add_root(instance=Page(title="Root", slug="root", content_type=ContentType.objects.get_for_model(Page)))

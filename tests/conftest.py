"""Shared personas: a teacher, a co-teacher, an unrelated teacher, students in and out of the class.

Everything is created through the real services, never by mocking our own components.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from classrooms.models import Classroom, School
from classrooms.services import StudentEntry, classroom_create, co_teacher_add, school_member_add, students_add
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


@pytest.fixture
def personas(db: None) -> Personas:
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


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings) -> None:  # type: ignore[no-untyped-def]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    """Throttle counters live in the cache; each test starts from a clean one."""
    from django.core.cache import cache

    from classrooms import live

    cache.clear()
    live.forget_cached()  # lesson outlines and revealed results are keyed by ids a new test reuses


def stop_process(process, timeout: float = 20) -> None:  # type: ignore[no-untyped-def]
    """Terminate a child process we started, killing it if it does not exit in time."""
    import subprocess

    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def use_english(client) -> None:  # type: ignore[no-untyped-def]
    """What the language switcher does: the language cookie (the browser's Accept-Language is ignored)."""
    from django.conf import settings

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def pytest_collection_modifyitems(config, items) -> None:  # type: ignore[no-untyped-def]
    """Browser journeys run last. Playwright's sync API keeps an event loop running in the main
    thread for as long as its session-scoped browser lives, and asyncio tests after it could not
    start their own loop."""
    items.sort(key=lambda item: "/e2e/" in str(item.path).replace("\\", "/"))

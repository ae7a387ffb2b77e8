"""Idempotent demo data: one school, two teachers, three classes (초4, 중1, 고1) of 25 students.

Demo students get deterministic login codes (derived from their username) so the printed demo
logins work after every run. Never load demo data into a real school's installation.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from classrooms.models import Classroom, MemberRole, Membership, School, SchoolMembership
from edu import codes
from edu.accounts import login_codes
from edu.accounts.models import Role, User

DEMO_PASSWORD = "baeum-demo-2026"  # noqa: S105 - printed demo login, documented in README
SURNAMES = "김이박최정강조윤장임한오서신권황안송류홍"
GIVEN = [
    "민준",
    "서연",
    "지호",
    "하은",
    "도윤",
    "서윤",
    "예준",
    "지우",
    "시우",
    "하린",
    "주원",
    "수아",
    "지훈",
    "지유",
    "건우",
    "채원",
    "우진",
    "윤서",
    "선우",
    "다은",
    "현우",
    "예린",
    "준서",
    "소율",
    "유준",
]
CLASSES = [
    # (name, grade, subject, teacher username)
    ("4학년 2반", 4, "", "teacher"),
    ("1학년 3반", 7, "수학", "teacher"),
    ("1학년 1반", 10, "과학", "teacher2"),
]
TEACHERS = [("teacher", "김선생"), ("teacher2", "이선생")]
STUDENTS_PER_CLASS = 25


def _demo_answer(kind: str, value: dict[str, Any], *, right: bool) -> Any:
    """A plausible answer to one activity of a demo lesson (right or wrong), or None to skip it."""
    from courses.activities import list_items

    if kind == "multiple_choice":
        choices = list_items(value.get("choices"))
        picks = [i for i, c in enumerate(choices) if isinstance(c, dict) and bool(c.get("correct")) == right]
        return picks[:1] if picks else None
    if kind == "true_false":
        return bool(value.get("answer")) == right
    if kind == "short_answer":
        accepted = list_items(value.get("accepted_answers"))
        return str(accepted[0]) if right and accepted else "모르겠어요"
    if kind == "numeric":
        return str(value.get("answer")) if right else "0"
    if kind == "poll":
        return 0 if list_items(value.get("options")) else None
    if kind == "open_response":
        return "배운 내용을 제 말로 정리해 보았어요."
    return None


def demo_code(username: str) -> str:
    digest = hashlib.sha256(f"baeum-demo:{username}".encode()).digest()
    raw = "".join(codes.ALPHABET[b % len(codes.ALPHABET)] for b in digest[: login_codes.LENGTH])
    return f"{raw[:4]}-{raw[4:]}"


class Command(BaseCommand):
    help = "Create (or refresh) the demo school, teachers, classes and students, and print demo logins."

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            school, _ = School.objects.get_or_create(name="배움시범학교")
            admin = self._staff("admin", "관리자", Role.SCHOOL_ADMIN, school, superuser=True)
            teachers = {username: self._staff(username, name, Role.TEACHER, school) for username, name in TEACHERS}
            printed: list[tuple[str, str, str]] = []
            for index, (name, grade, subject, teacher) in enumerate(CLASSES):
                classroom, _ = Classroom.objects.get_or_create(
                    school=school,
                    name=name,
                    school_year=Classroom._meta.get_field("school_year").get_default(),
                    defaults={"grade": grade, "subject": subject},
                )
                Membership.objects.get_or_create(
                    classroom=classroom, user=teachers[teacher], defaults={"role": MemberRole.TEACHER}
                )
                for number in range(1, STUDENTS_PER_CLASS + 1):
                    student = self._student(classroom, index, number, school)
                    if number <= 2:
                        printed.append((str(classroom), student.display_name, demo_code(student.username)))
        from courses.demo_library import load as load_library
        from courses.services import teacher_folder_ensure

        load_library(log=lambda message: self.stdout.write("  " + message))
        for staff in teachers.values():
            teacher_folder_ensure(staff)
        self._assignments(teachers)
        self._print(admin, teachers, printed)

    def _assignments(self, teachers: dict[str, User]) -> None:
        """Each class gets its grade's first library lesson as homework due in three days, and a
        few students have already worked on it (students 1–3 are left for the sign-in demos), so
        the gradebook shows every status."""
        from classrooms.assignments.models import Assignment
        from classrooms.assignments.services import assignment_create
        from courses.outline import raw_activities
        from courses.pages import LessonPage
        from courses.selectors import library_lessons
        from courses.services import answer_submit

        now = timezone.now()
        for name, grade, _subject, teacher in CLASSES:
            classroom = Classroom.objects.get(name=name, school__name="배움시범학교")
            lesson = library_lessons().filter(grade=grade).order_by("path").first()
            if lesson is None or Assignment.objects.filter(classroom=classroom, lesson=lesson).exists():
                continue
            assignment_create(
                teacher=teachers[teacher],
                classroom=classroom,
                lesson=lesson,
                opens_at=now - timedelta(days=1),
                due_at=now + timedelta(days=3),
            )
            page = LessonPage.objects.get(pk=lesson.pk)
            found = raw_activities(page)
            students = User.objects.filter(memberships__classroom=classroom, student_number__gt=3).order_by(
                "student_number"
            )
            for student in students[:12]:
                number = student.student_number or 0
                for activity in found[: len(found) if number % 3 else len(found) // 2]:
                    given = _demo_answer(activity.kind, activity.value, right=number % 4 != 0)
                    if given is not None:
                        answer_submit(user=student, lesson=page, block_id=activity.block_id, answer=given)

    def _staff(self, username: str, name: str, role: str, school: School, superuser: bool = False) -> User:
        user, _ = User.objects.get_or_create(username=username, defaults={"role": role, "display_name": name})
        user.role, user.display_name = role, name
        user.is_staff = user.is_superuser = superuser
        user.set_password(DEMO_PASSWORD)
        user.save()
        SchoolMembership.objects.update_or_create(user=user, defaults={"school": school})
        return user

    def _student(self, classroom: Classroom, class_index: int, number: int, school: School) -> User:
        username = f"demo-s{class_index + 1}-{number:02d}"
        name = (
            SURNAMES[(number * 7 + class_index * 3) % len(SURNAMES)]
            + GIVEN[(number - 1 + class_index * 5) % len(GIVEN)]
        )
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"role": Role.STUDENT, "display_name": name, "student_number": number},
        )
        if created:
            user.set_unusable_password()
        user.login_code_digest = login_codes.digest(demo_code(username))
        user.login_code_issued_at = user.login_code_issued_at or timezone.now()
        user.save()
        SchoolMembership.objects.update_or_create(user=user, defaults={"school": school})
        Membership.objects.get_or_create(classroom=classroom, user=user, defaults={"role": MemberRole.STUDENT})
        return user

    def _print(self, admin: User, teachers: dict[str, User], students: list[tuple[str, str, str]]) -> None:
        out = self.stdout
        out.write(self.style.SUCCESS("Demo data ready (데모 데이터 준비 완료)."))
        out.write("  Teachers (교사) — password / 비밀번호: " + DEMO_PASSWORD)
        for username, user in teachers.items():
            out.write(f"    {username:<10} {user.display_name}")
        out.write(f"  Admin (관리자): {admin.username} / {DEMO_PASSWORD}  (Django admin /django-admin/, Wagtail /cms/)")
        out.write("  Students (학생) — sign in at /accounts/login/code/ with a login code (로그인 코드):")
        for classroom, name, code in students:
            out.write(f"    {code}  {name} ({classroom})")

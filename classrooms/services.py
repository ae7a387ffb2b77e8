"""Named operations on schools and classes. Views, commands and tasks call these."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from classrooms.models import Classroom, MemberRole, Membership, School, SchoolMembership, new_join_code
from classrooms.selectors import school_for_user
from edu import codes
from edu.accounts.models import Role, User
from edu.accounts.services import login_code_issue, student_create
from edu.errors import DomainError


@dataclass(frozen=True)
class StudentEntry:
    display_name: str
    student_number: int | None = None


@dataclass(frozen=True)
class LoginCard:
    user_id: int
    display_name: str
    student_number: int | None
    code: str


def school_member_add(*, school: School, user: User) -> SchoolMembership:
    membership, _created = SchoolMembership.objects.update_or_create(user=user, defaults={"school": school})
    return membership


def classroom_create(
    *, teacher: User, name: str, grade: int, subject: str = "", school_year: int | None = None
) -> Classroom:
    school = school_for_user(teacher)
    if school is None:
        raise DomainError("no_school", _("Your account is not linked to a school yet. Ask your school admin."))
    classroom = Classroom(school=school, name=name, grade=grade, subject=subject)
    if school_year is not None:
        classroom.school_year = school_year
    duplicate = _("Your school already has a class with this name this year.")
    if Classroom.objects.filter(school=school, school_year=classroom.school_year, name=name).exists():
        raise DomainError("duplicate_class", duplicate)
    classroom.full_clean(exclude=["join_code"], validate_constraints=False)
    for _attempt in range(5):
        classroom.join_code = new_join_code()
        try:
            with transaction.atomic():
                classroom.save(force_insert=True)
                Membership.objects.create(classroom=classroom, user=teacher, role=MemberRole.TEACHER)
                return classroom
        except IntegrityError:
            classroom.pk = None
            if Classroom.objects.filter(school=school, school_year=classroom.school_year, name=name).exists():
                raise DomainError("duplicate_class", duplicate) from None
    raise DomainError("retry", _("Could not create the class. Please try again."))


def students_add(*, classroom: Classroom, entries: list[StudentEntry]) -> list[LoginCard]:
    """Create student accounts in ``classroom``; all or nothing. Returns their login cards."""
    if not entries:
        raise DomainError("no_students", _("Enter at least one name."))
    names = [entry.display_name for entry in entries]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise DomainError("repeated_names", _("Listed more than once: %(names)s.") % {"names": ", ".join(repeated)})
    taken = set(
        Membership.objects.filter(classroom=classroom, role=MemberRole.STUDENT).values_list(
            "user__display_name", flat=True
        )
    )
    clashes = [entry.display_name for entry in entries if entry.display_name in taken]
    if clashes:
        raise DomainError(
            "name_taken",
            _("Already in this class: %(names)s. Add a letter or number to tell them apart (e.g. 김민준B).")
            % {"names": ", ".join(clashes)},
        )
    cards: list[LoginCard] = []
    with transaction.atomic():
        for entry in entries:
            user, code = student_create(display_name=entry.display_name, student_number=entry.student_number)
            SchoolMembership.objects.create(user=user, school=classroom.school)
            Membership.objects.create(classroom=classroom, user=user, role=MemberRole.STUDENT)
            cards.append(LoginCard(user.pk, user.display_name, user.student_number, code))
    return cards


def login_cards_reissue(*, classroom: Classroom, student_ids: list[int] | None = None) -> list[LoginCard]:
    """New login codes for the class's students (or the given ones); their old cards stop working."""
    students = User.objects.filter(
        memberships__classroom=classroom, memberships__role=MemberRole.STUDENT, role=Role.STUDENT
    ).order_by(F("student_number").asc(nulls_last=True), "display_name")
    if student_ids is not None:
        students = students.filter(pk__in=student_ids)
    with transaction.atomic():
        return [
            LoginCard(student.pk, student.display_name, student.student_number, login_code_issue(student))
            for student in students
        ]


def classroom_join(*, user: User, code: str) -> Classroom:
    """A student joins a class with its join code. The code is shown to the whole class, so it can
    never grant more than the student role: teachers are added by a teacher of the class."""
    if user.is_teacher:
        raise DomainError(
            "teacher_join", _("Teachers cannot join with a class code. Ask a teacher of the class to add you.")
        )
    classroom = Classroom.objects.select_related("school").filter(join_code=codes.normalise(code)).first()
    if classroom is None:
        raise DomainError("unknown_code", _("No class has this code. Check the code on the board and try again."))
    user_school = school_for_user(user)
    if user_school is not None and user_school.pk != classroom.school_id:
        raise DomainError("other_school", _("This class belongs to another school."))
    if Membership.objects.filter(classroom=classroom, user=user).exists():
        raise DomainError("already_member", _("You are already in this class."))
    with transaction.atomic():
        if user_school is None:
            SchoolMembership.objects.create(user=user, school=classroom.school)
        Membership.objects.create(classroom=classroom, user=user, role=MemberRole.STUDENT)
    return classroom


def co_teacher_add(*, classroom: Classroom, username: str) -> User:
    """Add a teacher of the same school as a co-teacher (done by a teacher of the class)."""
    teacher = User.objects.filter(
        username=username.strip(),
        role__in=[Role.TEACHER, Role.SCHOOL_ADMIN],
        is_active=True,
        school_membership__school=classroom.school,
    ).first()
    if teacher is None:
        raise DomainError("unknown_teacher", _("No teacher of your school has this username."))
    _membership, created = Membership.objects.get_or_create(
        classroom=classroom, user=teacher, defaults={"role": MemberRole.TEACHER}
    )
    if not created:
        raise DomainError("already_member", _("This teacher is already in the class."))
    return teacher


def student_update(*, classroom: Classroom, student_id: int, display_name: str, student_number: int | None) -> User:
    """Correct a student's name or number; names stay unique within the class."""
    membership = (
        Membership.objects.select_related("user")
        .filter(classroom=classroom, user_id=student_id, role=MemberRole.STUDENT)
        .first()
    )
    if membership is None:
        raise DomainError("not_in_class", _("This student is not in this class."))
    clash = (
        Membership.objects.filter(classroom=classroom, role=MemberRole.STUDENT, user__display_name=display_name)
        .exclude(user_id=student_id)
        .exists()
    )
    if clash:
        raise DomainError(
            "name_taken",
            _("Already in this class: %(names)s. Add a letter or number to tell them apart (e.g. 김민준B).")
            % {"names": display_name},
        )
    student = membership.user
    student.display_name, student.student_number = display_name, student_number
    student.save(update_fields=["display_name", "student_number"])
    return student


def student_remove(*, classroom: Classroom, student_id: int) -> None:
    """Take a student out of a class. A student left in no class is deactivated and their login
    code voided, so a forgotten card cannot be used."""
    with transaction.atomic():
        deleted, _rows = Membership.objects.filter(
            classroom=classroom, user_id=student_id, role=MemberRole.STUDENT
        ).delete()
        if not deleted:
            raise DomainError("not_in_class", _("This student is not in this class."))
        if not Membership.objects.filter(user_id=student_id).exists():
            User.objects.filter(pk=student_id, role=Role.STUDENT).update(is_active=False, login_code_digest="")

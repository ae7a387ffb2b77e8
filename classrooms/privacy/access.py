"""Who may act for a student's privacy rights: a school admin of the student's school, or a teacher
of one of the student's classes ("stewards"). Everyone else gets 404, whether the student exists or
not, so the URL never reveals an account."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from classrooms.models import Classroom, MemberRole, Membership, SchoolMembership
from classrooms.privacy.models import StudentExport
from edu.accounts.access import AnyUser
from edu.accounts.models import Role, User


def is_steward(user: AnyUser, student: User) -> bool:
    """The rule itself (without the lookup), for rows already loaded."""
    if not (isinstance(user, User) and user.is_authenticated and user.is_teacher) or user.pk == student.pk:
        return False
    if user.role == Role.SCHOOL_ADMIN:
        school_ids = SchoolMembership.objects.filter(user_id__in=[user.pk, student.pk]).values_list(
            "user_id", "school_id"
        )
        schools = dict(school_ids)
        if user.pk in schools and schools.get(student.pk) == schools[user.pk]:
            return True
    student_classes = Membership.objects.filter(user_id=student.pk, role=MemberRole.STUDENT).values("classroom_id")
    return Membership.objects.filter(
        user_id=user.pk, role=MemberRole.TEACHER, classroom_id__in=student_classes
    ).exists()


def student_for_steward(user: AnyUser, student_id: int) -> User:
    """The student ``user`` may export or erase, or 404 for anyone else (and for no such student)."""
    if not (isinstance(user, User) and user.is_teacher):
        raise Http404
    student = User.objects.filter(pk=student_id, role=Role.STUDENT).first()
    if student is None or not is_steward(user, student):
        raise Http404
    return student


def steward_classrooms(user: User, student: User) -> QuerySet[Classroom]:
    """The student's classes that ``user`` teaches (where to go back to after erasure)."""
    return Classroom.objects.filter(memberships__user_id=student.pk, memberships__role=MemberRole.STUDENT).filter(
        pk__in=Membership.objects.filter(user_id=user.pk, role=MemberRole.TEACHER).values("classroom_id")
    )


def export_for_steward(user: AnyUser, export_id: int) -> StudentExport:
    """An export ``user`` may see: they requested it or steward its student; otherwise 404. An
    expired export is deleted (file and row) when touched and answers 404 too."""
    from classrooms.privacy.services import export_delete

    export = StudentExport.objects.select_related("student").filter(pk=export_id).first()
    if export is None or not isinstance(user, User) or not user.is_authenticated:
        raise Http404
    if not is_steward(user, export.student):  # the requester included: stewardship can end
        raise Http404
    if export.is_expired:
        export_delete(export)
        raise Http404
    return export

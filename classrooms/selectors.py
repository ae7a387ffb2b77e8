"""Reads that need care (prefetching, ordering, counting) in one place."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Count, F, Q, QuerySet

from classrooms.models import Classroom, MemberRole, Membership, School, SchoolMembership
from edu.accounts.models import User

if TYPE_CHECKING:
    from classrooms.live_models import LiveSession


def school_for_user(user: User) -> School | None:
    membership = SchoolMembership.objects.select_related("school").filter(user=user).first()
    return membership.school if membership else None


def classrooms_for_home(user: User) -> QuerySet[Classroom]:
    """The user's classes with their student count and the user's role in each, for one query."""
    return (
        Classroom.objects.filter(memberships__user=user)
        .annotate(
            student_count=Count("memberships", filter=Q(memberships__role=MemberRole.STUDENT), distinct=True),
        )
        .select_related("school")
        .order_by("-school_year", "grade", "name")
    )


def classroom_roster(classroom: Classroom) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(classroom=classroom)
        .select_related("user")
        .order_by("role", F("user__student_number").asc(nulls_last=True), "user__display_name")
    )


def teachers_of(classroom: Classroom) -> QuerySet[User]:
    return User.objects.filter(memberships__classroom=classroom, memberships__role=MemberRole.TEACHER)


def live_sessions_for_home(user: User) -> QuerySet[LiveSession]:
    """Unfinished live sessions of the user's classes (and a teacher's own open sessions)."""
    from classrooms.live_models import LiveSession, SessionState

    mine = Q(classroom__memberships__user=user)
    if user.is_teacher:
        mine |= Q(teacher=user)
    return (
        LiveSession.objects.filter(mine)
        .exclude(state=SessionState.ENDED)
        .select_related("lesson", "classroom")
        .distinct()
        .order_by("-created_at")
    )


def live_session_of_lesson_for_student(user: User, lesson_id: int) -> LiveSession | None:
    """The unfinished live session of this lesson that this student is in (their class's, or an open
    one they joined), if any. While it runs, the lesson page and its answer checking would let a
    student read ahead and try answers before answering live."""
    from classrooms.live_models import LiveSession, SessionState

    if user.is_teacher:
        return None
    theirs = Q(classroom__memberships__user=user, classroom__memberships__role=MemberRole.STUDENT) | Q(
        classroom__isnull=True, participants__user=user
    )
    return (
        LiveSession.objects.filter(theirs, lesson_id=lesson_id)
        .exclude(state=SessionState.ENDED)
        .order_by("-created_at")
        .first()
    )

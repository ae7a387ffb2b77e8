"""The audited access helpers: every view and consumer asks these, never its own query.

They answer "not found" (Http404) for a class the user may not see, so a URL never reveals
whether a class exists. Role checks that are not about one class raise PermissionDenied (403).
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from classrooms.models import Classroom, MemberRole
from edu.accounts.access import AnyUser
from edu.accounts.models import User


def classrooms_visible_to(user: AnyUser) -> QuerySet[Classroom]:
    if not user.is_authenticated:
        return Classroom.objects.none()
    return Classroom.objects.filter(memberships__user=user)


def classroom_for_user(user: AnyUser, classroom_id: int) -> Classroom:
    """A class ``user`` belongs to in any role, or 404."""
    classroom = classrooms_visible_to(user).select_related("school").filter(pk=classroom_id).first()
    if classroom is None:
        raise Http404
    return classroom


def classroom_for_teacher(user: AnyUser, classroom_id: int) -> Classroom:
    """A class ``user`` teaches, or 404 (students and other teachers get the same answer)."""
    if not (isinstance(user, User) and user.is_teacher):
        raise Http404
    classroom = (
        Classroom.objects.select_related("school")
        .filter(pk=classroom_id, memberships__user=user, memberships__role=MemberRole.TEACHER)
        .first()
    )
    if classroom is None:
        raise Http404
    return classroom

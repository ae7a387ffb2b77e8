"""Reads that need care (prefetching, ordering, counting) in one place."""

from __future__ import annotations

from django.db.models import Count, F, Q, QuerySet

from classrooms.models import Classroom, MemberRole, Membership, School, SchoolMembership
from edu.accounts.models import User


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

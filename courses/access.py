"""Who may see which lesson. Library lessons are open to everyone; a teacher's own lessons to the
teacher and the people in the classes they teach. Answers need a signed-in user."""

from __future__ import annotations

from django.http import Http404

from classrooms.models import MemberRole, Membership, SchoolMembership
from courses.pages import LessonPage
from edu.accounts.access import AnyUser
from edu.accounts.models import User


def lesson_visible_to(user: AnyUser, lesson: LessonPage) -> bool:
    if not lesson.live:
        return False
    owner_id = lesson.workspace_teacher_id
    if owner_id is None and lesson.shared_school_id is None:
        return True  # the public library
    if not isinstance(user, User):
        return False
    if lesson.shared_school_id is not None:
        return SchoolMembership.objects.filter(user=user, school_id=lesson.shared_school_id).exists()
    if owner_id is None or user.pk == owner_id:
        return owner_id is not None
    taught = Membership.objects.filter(user_id=owner_id, role=MemberRole.TEACHER).values("classroom_id")
    return Membership.objects.filter(user=user, classroom_id__in=taught).exists()


def lesson_for_user(user: AnyUser, lesson_id: int) -> LessonPage:
    """A live lesson ``user`` may see, or 404 (the same answer for one that does not exist)."""
    lesson = LessonPage.objects.live().filter(pk=lesson_id).first()
    if lesson is None or not lesson_visible_to(user, lesson):
        raise Http404
    return lesson


def lesson_for_copy(user: AnyUser, lesson_id: int) -> LessonPage:
    """A lesson a teacher may copy into their own lessons: any live lesson they can see."""
    if not (isinstance(user, User) and user.is_teacher):
        raise Http404
    return lesson_for_user(user, lesson_id)

"""What Baeum holds about a student, counted for the steward's page."""

from __future__ import annotations

from dataclasses import dataclass

from classrooms.live.models import LiveResponse, Participant
from classrooms.models import Classroom, MemberRole
from courses.answers import LessonAnswer
from edu.accounts.models import User
from edu.records.models import LearningRecord


@dataclass(frozen=True)
class Holdings:
    classes: list[Classroom]
    answers: int
    live_sessions: int
    live_answers: int
    records: int


def holdings(student: User) -> Holdings:
    return Holdings(
        classes=list(
            Classroom.objects.filter(memberships__user=student, memberships__role=MemberRole.STUDENT).select_related(
                "school"
            )
        ),
        answers=LessonAnswer.objects.filter(user=student).count(),
        live_sessions=Participant.objects.filter(user=student).count(),
        live_answers=LiveResponse.objects.filter(participant__user=student).count(),
        records=LearningRecord.objects.filter(student=student).count(),
    )

"""Answers to lesson activities into the learning record (``edu.records``), in the answer's
transaction: a student's self-paced answer, and the score an external tool sends for an
``external_activity`` (which becomes the student's answer to that activity).

The record mirrors the ``LessonAnswer`` row as kept: the score frozen once the key was revealed,
not the latest try's, and the number of attempts. The class and assignment come from the
``answer_contexts`` extension point (assignments are a higher layer than content)."""

from __future__ import annotations

from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction

from courses.activities import kind_of
from courses.answers import LessonAnswer
from courses.extensions import AnswerContext, answer_context_for, answer_policy_for
from courses.outline import facts_of, raw_activities
from courses.pages import LessonPage
from edu.accounts.models import User
from edu.records.models import LearningRecord, Source
from edu.records.services import RecordIn, initial_status, record_answer

EXTERNAL_ACTIVITY = "external_activity"
CENT = Decimal("0.01")


def lesson_answer_key(answer_id: int) -> str:
    return f"self:{answer_id}"


def record_lesson_answer(
    *,
    stored: LessonAnswer,
    user: User,
    lesson: LessonPage,
    source: Source = Source.SELF_PACED,
    answered_at: datetime | None = None,
    context: AnswerContext | None = None,
) -> LearningRecord:
    """Create or update the record of ``stored`` (one record per LessonAnswer row, ever).
    ``source``: who gave the answer (the student, or an external tool's score); ``answered_at``
    defaults to the row's last change; ``context`` to the ``answer_contexts`` extension point's."""
    facts = facts_of(lesson, stored.block_id)
    kind = kind_of(stored.kind)
    context = context if context is not None else answer_context_for(user, lesson)
    return record_answer(
        RecordIn(
            key=lesson_answer_key(stored.pk),
            source=source,
            student_id=user.pk,
            classroom_id=context.classroom_id,
            assignment_id=context.assignment_id,
            lesson_id=lesson.pk,
            lesson_title=lesson.title,
            block_id=stored.block_id,
            kind=stored.kind,
            prompt=facts.prompt if facts is not None else "",
            standards=facts.standards if facts is not None else (),
            answer=stored.answer,
            correct=stored.correct,
            score=stored.score,
            max_score=stored.max_score,
            attempt=stored.attempts,
            status=initial_status(scored=kind is not None and kind.scored, checked=kind is not None and kind.checked),
            answered_at=answered_at or stored.updated_at,
        )
    )


def _json_number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def scaled_score(points: Decimal, score_given: Decimal, score_maximum: Decimal) -> Decimal:
    """A tool's score on the activity's points: points × given / maximum, to hundredths, within [0, points]."""
    if score_maximum <= 0:
        return Decimal(0)
    scaled = (points * score_given / score_maximum).quantize(CENT, rounding=ROUND_HALF_UP)
    return min(max(scaled, Decimal(0)), points)


def record_tool_score(
    *,
    user: User,
    lesson: LessonPage,
    block_id: str,
    score_given: Decimal,
    score_maximum: Decimal,
    answered_at: datetime,
    classroom_id: int | None = None,
) -> LessonAnswer | None:
    """An external tool's score for ``user`` on the lesson's ``external_activity`` ``block_id``, as
    their answer to it (one ``LessonAnswer`` per student and activity, updated by each new score)
    and its learning record (``Source.TOOL``). Scaled to the activity's points as published.

    ``classroom_id``: the class the tool reported from; the record belongs to it (with the
    assignment of the lesson there, if any). Returns None, writing nothing, when the published
    lesson has no such activity or it carries no points, or when the student's answers to the lesson
    are not taken now (an assignment past its due time that takes no late work), as for their own."""
    activity = next((a for a in raw_activities(lesson) if a.block_id == block_id), None)
    if activity is None or activity.kind != EXTERNAL_ACTIVITY or activity.points <= 0:
        return None
    if answer_policy_for(user, lesson).refused is not None:
        return None
    answer = {"score_given": _json_number(score_given), "score_maximum": _json_number(score_maximum)}
    score = scaled_score(activity.points, score_given, score_maximum)
    # Full marks count as a correct answer, anything less as not (the standards view and the
    # student's progress count correct answers; AGS itself has no "correct").
    correct = score >= activity.points
    context = answer_context_for(user, lesson)
    if classroom_id is not None and context.classroom_id != classroom_id:
        context = AnswerContext(classroom_id, None)
    with transaction.atomic():
        stored, created = LessonAnswer.objects.select_for_update().get_or_create(
            user=user,
            lesson=lesson,
            block_id=block_id,
            defaults={
                "kind": EXTERNAL_ACTIVITY,
                "answer": answer,
                "correct": correct,
                "score": score,
                "max_score": activity.points,
                "revealed": True,
            },
        )
        if not created:
            stored.kind, stored.answer, stored.correct = EXTERNAL_ACTIVITY, answer, correct
            stored.score, stored.max_score, stored.attempts = score, activity.points, stored.attempts + 1
            stored.save()
        record_lesson_answer(
            stored=stored, user=user, lesson=lesson, source=Source.TOOL, answered_at=answered_at, context=context
        )
    return stored

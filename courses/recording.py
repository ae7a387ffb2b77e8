"""A self-paced answer into the learning record (``edu.records``), in the answer's transaction.

The record mirrors the ``LessonAnswer`` row as kept: the score frozen once the key was revealed,
not the latest try's, and the number of attempts. The class and assignment come from the
``answer_contexts`` extension point (assignments are a higher layer than content)."""

from __future__ import annotations

from courses.activities import kind_of
from courses.answers import LessonAnswer
from courses.extensions import answer_context_for
from courses.outline import facts_of
from courses.pages import LessonPage
from edu.accounts.models import User
from edu.records.models import LearningRecord, Source
from edu.records.services import RecordIn, initial_status, record_answer


def lesson_answer_key(answer_id: int) -> str:
    return f"self:{answer_id}"


def record_lesson_answer(*, stored: LessonAnswer, user: User, lesson: LessonPage) -> LearningRecord:
    """Create or update the record of ``stored`` (one record per LessonAnswer row, ever)."""
    facts = facts_of(lesson, stored.block_id)
    kind = kind_of(stored.kind)
    context = answer_context_for(user, lesson)
    return record_answer(
        RecordIn(
            key=lesson_answer_key(stored.pk),
            source=Source.SELF_PACED,
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
            answered_at=stored.updated_at,
        )
    )

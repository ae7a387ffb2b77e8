"""A tool's score for one student on one line item (AGS 2.0 §3.4), kept as ``PlatformScore`` and,
when the line item is a lesson activity's, as the student's answer to that activity.

- **Students of the class only.** ``userId`` is the ``sub`` the tool knows the student by; it must
  name a student of the line item's class (a teacher, another class's student or another tool's
  sub is refused, 400, and nothing is written).
- **Never an older score over a newer one.** A score whose ``timestamp`` is older than the stored
  one changes nothing and is answered ``{"status": "ignored"}``; the same timestamp again is
  applied (a retry). A timestamp in the future (beyond the clock leeway) is refused: it would
  freeze the student's score until that moment.
- **The activity's own tool only.** A line item Baeum made names a lesson's activity; a score on it
  becomes an answer only while the published activity still launches this tool (a teacher may
  have pointed the block at another tool since: the old tool's scores are kept, not counted).
- **One transaction.** The ``PlatformScore`` row, the ``LessonAnswer`` and its learning record
  (``courses.recording.record_tool_score``) are written together or not at all.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from classrooms.models import MemberRole, Membership
from courses.pages import LessonPage
from courses.recording import record_tool_score
from edu.accounts.models import User
from lti.models import PlatformLineItem, PlatformScore
from lti.platform.ags_rules import AgsInvalid, ScoreIn
from lti.platform.launch import activity_of
from lti.platform.service_access import ServiceAccess
from lti.platform.subjects import user_id_for

log = logging.getLogger("baeum.lti")

STORED, IGNORED = "stored", "ignored"


@dataclass(frozen=True)
class ScoreOutcome:
    status: str  # "stored" or "ignored" (older than the stored score)
    score: PlatformScore


def _student_of(access: ServiceAccess, sub: str) -> User:
    user_id = user_id_for(access.tool, sub)
    member = (
        Membership.objects.filter(classroom=access.classroom, user_id=user_id, role=MemberRole.STUDENT)
        .select_related("user")
        .first()
        if user_id is not None
        else None
    )
    if member is None:
        raise AgsInvalid("unknown_user", _("userId is not a student of this context."))
    return member.user


def _write(row: PlatformScore, score: ScoreIn) -> None:
    row.score_given, row.score_maximum = score.score_given, score.score_maximum
    row.activity_progress, row.grading_progress = score.activity_progress, score.grading_progress
    row.comment, row.timestamp = score.comment, score.timestamp


def _locked_row(item: PlatformLineItem, student: User, score: ScoreIn) -> tuple[PlatformScore, bool]:
    """The student's score row on ``item``, locked; made from ``score`` when there is none yet
    (True). Two first scores at once: the second finds the first's row."""
    row = PlatformScore.objects.select_for_update().filter(line_item=item, student=student).first()
    if row is not None:
        return row, False
    row = PlatformScore(line_item=item, student=student)
    _write(row, score)
    try:
        with transaction.atomic():
            row.save(force_insert=True)
    except IntegrityError:
        return PlatformScore.objects.select_for_update().get(line_item=item, student=student), False
    return row, True


def score_submit(
    access: ServiceAccess, item: PlatformLineItem, score: ScoreIn, now: datetime | None = None
) -> ScoreOutcome:
    """Keep ``score`` unless a newer one is kept already; record it as the student's answer when
    ``item`` is a lesson activity's and the score is a grade."""
    moment = now or timezone.now()
    if score.timestamp > moment + timedelta(seconds=settings.LTI_CLOCK_LEEWAY):
        raise AgsInvalid("future_timestamp", _("timestamp is in the future. Check the tool's clock."))
    student = _student_of(access, score.user_id)
    with transaction.atomic():
        row, created = _locked_row(item, student, score)
        if not created:
            if score.timestamp < row.timestamp:
                log.info("lti platform score ignored (older): line item %s", item.pk)
                return ScoreOutcome(IGNORED, row)
            _write(row, score)
            row.save()
        if score.graded and item.lesson_id and item.block_id:
            assert score.score_given is not None and score.score_maximum is not None
            lesson = LessonPage.objects.filter(pk=item.lesson_id).first()
            activity = activity_of(lesson, item.block_id) if lesson is not None else None
            if lesson is not None and activity is not None and activity.tool_id == item.tool_id:
                record_tool_score(
                    user=student,
                    lesson=lesson,
                    block_id=item.block_id,
                    score_given=score.score_given,
                    score_maximum=score.score_maximum,
                    answered_at=score.timestamp,
                    classroom_id=item.classroom_id,
                )
    return ScoreOutcome(STORED, row)

"""Reads of live sessions: the snapshot a socket gets, the teacher's roster and tally, a question's
results, and the lists on the home and class pages. Each runs a fixed number of queries, whatever
the number of students; the shapes are the protocol's (classrooms.live.protocol)."""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from classrooms.live.models import LiveResponse, LiveSession, Participant, SessionState
from classrooms.live.protocol import (
    DistributionEntry,
    Me,
    MyAnswer,
    QuestionState,
    Results,
    RosterEntry,
    SlideState,
    Snapshot,
    TallyData,
    TeacherInfo,
)
from classrooms.models import Classroom, MemberRole
from courses import activities
from courses.outline import lesson_outline
from edu.accounts.models import User
from edu.errors import DomainError

CONNECTED_SECONDS, RECONNECTING_SECONDS = 10, 60
DISTRIBUTION_LABELS = 12
LABEL_CHARS = 80
CACHE_MAX = 64


def iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _activity(session: LiveSession, block_id: str) -> tuple[str, Any] | None:
    return lesson_outline(session.lesson_id).activities.get(block_id) if block_id else None


def snapshot(session: LiveSession, *, participant: Participant | None, is_teacher: bool) -> Snapshot:
    """Everything a socket needs to show the session now (sent on connect and on request)."""
    session.refresh_from_db()
    frame = snapshot_shared(session)
    if participant is not None:
        participant.refresh_from_db(fields=["hand_raised_at", "nickname", "removed"])
        if participant.removed:  # even if the removal event never reached this socket
            raise DomainError("removed", _("Your teacher removed you from this session."))
        rows = LiveResponse.objects.filter(session=session, participant=participant).values(
            "block_id", "attempt", "answer", "correct"
        )
        frame.me = me_of(session, participant, list(rows))
    if is_teacher:
        frame.teacher = teacher_info(session)
    return frame


def snapshot_shared(session: LiveSession) -> Snapshot:
    """The part of a snapshot that is the same for every socket of the session at this version
    (``server_time`` is stamped again when it is sent). ``session`` must be freshly read."""
    activity = _activity(session, session.open_block_id)
    return Snapshot(
        version=session.version,
        server_time=int(timezone.now().timestamp() * 1000),
        state=session.state,  # type: ignore[arg-type]
        slide=SlideState(session.slide_index, session.slide_total),
        question=QuestionState(
            block=session.open_block_id,
            kind=activity[0] if activity is not None else "",
            deadline=iso(session.deadline),
            revealed=session.revealed,
        ),
        locked=session.locked,
        results=_revealed_results(session) if session.revealed else None,
    )


def me_of(session: LiveSession, participant: Participant, rows: list[dict[str, Any]]) -> Me:
    """One student's part of a snapshot, from their response rows (``block_id``, ``attempt``,
    ``answer``, ``correct``): for each question, the answer of its latest attempt."""
    latest: dict[str, dict[str, Any]] = {}
    for row in rows:
        kept = latest.get(row["block_id"])
        if kept is None or row["attempt"] > kept["attempt"]:
            latest[row["block_id"]] = row
    return Me(
        participant=participant.pk,
        nickname=participant.nickname,
        hand=participant.hand_raised_at is not None,
        answers={
            block: MyAnswer(row["answer"], row["correct"] if _verdict_visible(session, block) else None)
            for block, row in latest.items()
        },
    )


def teacher_info(session: LiveSession) -> TeacherInfo:
    roster, tally = teacher_view(session)
    return TeacherInfo(code=session.code, open=session.is_open, roster=roster, tally=tally)


_RESULTS: dict[tuple[int, int], Results] = {}


def forget_cached() -> None:
    """Drop the per-process revealed results (tests: a new database reuses ids)."""
    _RESULTS.clear()


def _revealed_results(session: LiveSession) -> Results:
    """Revealed results change only with the version (no answers are taken while they show), so a
    burst of reconnects after a worker restart reads the answers once per process, not once each."""
    key = (session.pk, session.version)
    found = _RESULTS.get(key)
    if found is None:
        if len(_RESULTS) >= CACHE_MAX:
            _RESULTS.pop(next(iter(_RESULTS)))
        found = _RESULTS[key] = results_of(session)
    return found


def _verdict_visible(session: LiveSession, block_id: str) -> bool:
    """A student sees whether they were right once the teacher reveals, or once the class has
    moved on to another question; never while the question is still running."""
    if block_id == session.open_block_id:
        return False
    return session.revealed or block_id != session.last_block_id


def teacher_view(session: LiveSession) -> tuple[list[RosterEntry], TallyData | None]:
    """The roster with presence and the tally of the current question: two or three queries,
    whatever the number of students (the teacher's process recomputes it, coalesced)."""
    now = timezone.now()
    block_id = session.open_block_id or session.last_block_id
    answered: set[int] = set()
    if block_id:
        answered = set(
            LiveResponse.objects.filter(session=session, block_id=block_id).values_list("participant_id", flat=True)
        )
    roster = [
        RosterEntry(
            id=p["id"],
            nickname=p["nickname"],
            status=presence(p["last_seen"], now),  # type: ignore[arg-type]
            hand=iso(p["hand_raised_at"]),
            answered=p["id"] in answered,
        )
        for p in Participant.objects.filter(session=session, removed=False)
        .order_by("nickname", "id")
        .values("id", "nickname", "last_seen", "hand_raised_at")
    ]
    tally = None
    if block_id:
        summary = results_of(session, block_id=block_id, names=False)
        tally = TallyData(
            block=block_id,
            open=session.open_block_id == block_id,
            answered=summary.answered,
            total=len(roster),
            correct=summary.correct_count,
            distribution=summary.distribution,
        )
    return roster, tally


def presence(last_seen: datetime | None, now: datetime) -> str:
    if last_seen is None:
        return "gone"
    age = (now - last_seen).total_seconds()
    if age <= CONNECTED_SECONDS:
        return "connected"
    return "reconnecting" if age <= RECONNECTING_SECONDS else "gone"


def results_of(session: LiveSession, *, block_id: str | None = None, names: bool | None = None) -> Results:
    """The results of one question: counts, distribution in display form, the correct answer."""
    block_id = block_id or session.open_block_id or session.last_block_id
    activity = _activity(session, block_id)
    kind, value = activity if activity is not None else ("", {})
    rows = list(
        LiveResponse.objects.filter(session=session, block_id=block_id, participant__removed=False).values(
            "answer", "correct", "participant__nickname"
        )
    )
    counts: dict[str, int] = {}
    if kind != "open_response":
        # Count the stored answers first, then build each distinct label once (a tally is
        # recomputed every few hundred ms while a class answers). Typed text is shortened for the
        # chart; an offered option keeps its whole text, as the zero-count fill below does.
        stored = Counter(json.dumps(row["answer"], sort_keys=True, ensure_ascii=False) for row in rows)
        shorten = activities.is_free_text(kind)
        for key, n in stored.items():
            label = activities.answer_text(kind, value, json.loads(key))
            label = label[:LABEL_CHARS] if shorten else label
            counts[label] = counts.get(label, 0) + n
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    distribution = [DistributionEntry(label, n) for label, n in ranked[:DISTRIBUTION_LABELS]]
    if len(ranked) > DISTRIBUTION_LABELS:
        distribution.append(DistributionEntry("…", sum(n for _label, n in ranked[DISTRIBUTION_LABELS:])))
    if kind == "poll" or (kind == "multiple_choice" and not value.get("multiple")):
        options = value.get("options") if kind == "poll" else [c["text"] for c in value.get("choices") or []]
        shown = {d.label for d in distribution}
        distribution += [DistributionEntry(str(o), 0) for o in options or [] if str(o) not in shown]
    show_names = (not session.anonymous) if names is None else names
    results = Results(
        block=block_id,
        kind=kind,
        anonymous=not show_names,
        answered=len(rows),
        total=Participant.objects.filter(session=session, removed=False).count(),
        correct_count=sum(1 for row in rows if row["correct"]),
        answer=activities.correct_text(kind, value),
        explanation=str(value.get("explanation") or "") if activity is not None else "",
        distribution=distribution,
    )
    if show_names:
        results.names = sorted(row["participant__nickname"] for row in rows if row["correct"])
    return results


def verdicts_for(session_id: int, block_id: str, participant_ids: list[int]) -> dict[int, bool | None]:
    """Each local student's own verdict for a revealed question: one query per process."""
    return dict(
        LiveResponse.objects.filter(
            session_id=session_id, block_id=block_id, participant_id__in=participant_ids
        ).values_list("participant_id", "correct")
    )


def versions_of(session_ids: list[int]) -> dict[int, int]:
    """The current version of each session (the hub checks it missed no event)."""
    return dict(LiveSession.objects.filter(pk__in=session_ids).values_list("pk", "version"))


def live_sessions_for_home(user: User) -> QuerySet[LiveSession]:
    """Unfinished live sessions of the user's classes (and a teacher's own open sessions)."""
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


def classroom_live_sessions(classroom: Classroom, *, limit: int) -> tuple[list[LiveSession], int]:
    """The class's latest ``limit`` live sessions, newest first, each with ``lesson_title`` and
    ``participant_count`` (removed participants left out), and how many there are: two queries."""
    sessions = LiveSession.objects.filter(classroom=classroom)
    latest = sessions.annotate(
        lesson_title=F("lesson__title"),
        participant_count=Count("participants", filter=Q(participants__removed=False)),
    ).order_by("-created_at", "-pk")[:limit]
    return list(latest), sessions.count()
